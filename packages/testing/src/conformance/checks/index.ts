import type { ConformanceCheck } from "../types.js";
import { appErrorChecks } from "./app-errors.js";
import { disconnectChecks } from "./disconnect.js";
import { extensionChecks } from "./extensions.js";
import { lifespanChecks } from "./lifespan.js";
import { requestBodyChecks } from "./request-body.js";
import { responseChecks } from "./response.js";
import { scopeChecks } from "./scope.js";
import { websocketChecks } from "./websocket.js";

/**
 * Every check of the conformance suite, in the order `runConformance()` runs them.
 *
 * @example
 * ```ts
 * for (const check of conformanceChecks) console.log(check.id, "—", check.title);
 * ```
 */
export const conformanceChecks: readonly ConformanceCheck[] = [
  ...scopeChecks,
  ...requestBodyChecks,
  ...responseChecks,
  ...disconnectChecks,
  ...appErrorChecks,
  ...lifespanChecks,
  ...websocketChecks,
  ...extensionChecks,
];
