/** The HTTP client shared with the checker and the application helper (lib/http.ts). */
export * from "../../lib/http";
