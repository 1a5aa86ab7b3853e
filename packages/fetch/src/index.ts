export { fromFetch } from "./from-fetch.js";
export type { FetchHandler, FromFetchOptions } from "./from-fetch.js";
export { LifespanFailed, toFetch } from "./to-fetch.js";
export type { FetchApp, FetchRequestInfo, ToFetchOptions } from "./to-fetch.js";
