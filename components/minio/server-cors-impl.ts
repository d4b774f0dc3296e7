export { serverCorsProvider as provider } from "./identity-impl";
