// Public surface of @sluice/server.
export { serve } from "./serve.js";
export type { RunningServer } from "./serve.js";
export type { LifespanMode, ServeOptions } from "./options.js";
export { consoleLogger } from "./logger.js";
export type { Logger, LogLevel } from "./logger.js";
export { AppLoadError, InvalidServerOption, LifespanStartupFailed } from "./errors.js";
