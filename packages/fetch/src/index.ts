export { fromFetch } from "./from-fetch.js";
export type { FetchHandler, FromFetchOptions } from "./from-fetch.js";
export { toFetch } from "./to-fetch.js";
export { LifespanFailed } from "./errors.js";
export type { FetchApp, FetchRequestInfo, ToFetchOptions } from "./to-fetch.js";
