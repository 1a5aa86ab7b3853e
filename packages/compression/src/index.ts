// Public surface of @sluice/compression.
export { compression } from "./compression.js";
export type { CompressionLevels, CompressionOptions, EncodingName } from "./options.js";
export { negotiateEncoding } from "./negotiate.js";
export { isCompressibleType } from "./compressible.js";
export { isZstdSupported } from "./zstd.js";
export { CompressionConfigError, CompressionError } from "./errors.js";
