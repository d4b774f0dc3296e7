export { userProvider as provider } from "./identity-impl";
