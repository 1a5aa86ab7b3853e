// The mini framework: a router that is a Sluice app, a request wrapper, reply helpers and
// HTTP errors rendered as JSON problem documents.
export { Router } from "./router.js";
export type { Handler, RouterOptions } from "./router.js";
export { Request } from "./request.js";
export { HttpError } from "./http-error.js";
export { empty, json, text } from "./reply.js";
export type { Reply } from "./reply.js";
