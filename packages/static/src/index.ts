// Public surface of @sluice/static.
export { staticFiles } from "./static-files.js";
export type { StatCacheOptions, StaticFilesOptions } from "./options.js";
export type { PrecompressedEncoding } from "./internal/accept-encoding.js";
export { StaticFileChangedError, StaticFilesOptionsError } from "./errors.js";
