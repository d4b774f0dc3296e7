/** TLS verification rules shared with the checker and the application helper (lib/tls.ts). */
export * from "../../lib/tls";
