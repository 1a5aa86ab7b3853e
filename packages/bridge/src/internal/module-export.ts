import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ModuleExportError } from "../errors.js";

/**
 * Turns a module given as a file path (absolute, or relative to the current directory) or a
 * URL (`file:`, `data:`) into an absolute URL string a worker thread can import.
 */
export function toModuleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-zA-Z][a-zA-Z\d+.-]+:/.test(module) && !/^[a-zA-Z]:[\\/]/.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

const loaded = new Map<string, Promise<unknown>>();

/** Imports `moduleUrl` (once per thread) and returns its export `exportName`, which must be a function. */
export async function importFunction(moduleUrl: string, exportName: string): Promise<(...args: never[]) => unknown> {
  let pending = loaded.get(moduleUrl);
  if (pending === undefined) {
    pending = import(moduleUrl);
    loaded.set(moduleUrl, pending);
  }
  let namespace: unknown;
  try {
    namespace = await pending;
  } catch (error) {
    loaded.delete(moduleUrl);
    throw new ModuleExportError(moduleUrl, exportName, `could not be loaded: ${String(error)}`, { cause: error });
  }
  const value = (namespace as Record<string, unknown>)[exportName];
  if (value === undefined) throw new ModuleExportError(moduleUrl, exportName, "does not exist");
  if (typeof value !== "function") throw new ModuleExportError(moduleUrl, exportName, `is not a function (it is ${typeof value})`);
  return value as (...args: never[]) => unknown;
}
