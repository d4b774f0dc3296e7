export { policyProvider as provider } from "./identity-impl";
