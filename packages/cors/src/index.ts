// Public surface of @sluice/cors.
export { cors } from "./cors.js";
export type { CorsOptions, OriginPredicate } from "./options.js";
export { CorsConfigError } from "./errors.js";
