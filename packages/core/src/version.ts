/**
 * Version of the Sluice interface specification (`SPEC.md`) this package implements.
 *
 * @example
 * ```ts
 * import { SLUICE_SPEC_VERSION } from "@sluice/core";
 * console.log(SLUICE_SPEC_VERSION); // "1.0"
 * ```
 */
export const SLUICE_SPEC_VERSION = "1.0";

/**
 * The ASGI interface version mirrored by the async interface (`scope.asgi.version`).
 *
 * @example
 * ```ts
 * const asgi = { version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION };
 * ```
 */
export const ASGI_VERSION = "3.0";

/**
 * The ASGI HTTP/WebSocket message-format version mirrored (`scope.asgi.spec_version`).
 *
 * @example
 * ```ts
 * if (scope.asgi.spec_version === ASGI_SPEC_VERSION) { ... }
 * ```
 */
export const ASGI_SPEC_VERSION = "2.5";

/**
 * The WSGI version mirrored by the sync interface (`environ["wsgi.version"]`), from PEP 3333.
 *
 * @example
 * ```ts
 * environ["wsgi.version"] = WSGI_VERSION; // [1, 0]
 * ```
 */
export const WSGI_VERSION: readonly [1, 0] = [1, 0];
