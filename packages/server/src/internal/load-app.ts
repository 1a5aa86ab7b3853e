import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AppLoadError } from "../errors.js";

/** A loaded export and where it came from. */
export interface LoadedExport {
  /** The module's URL (`file:///…`). */
  moduleUrl: string;
  /** The export name. */
  exportName: string;
  /** The export's value. */
  value: unknown;
}

const EXTENSIONS = ["", ".js", ".mjs", ".cjs"];

/**
 * Splits `<module-path>:<export>` and imports the module, resolving paths from `cwd`.
 * Throws `AppLoadError` with a message saying what is missing.
 *
 * @example
 * ```ts
 * const { value } = await loadExport("./app.js:app", process.cwd());
 * ```
 */
export async function loadExport(target: string, cwd: string): Promise<LoadedExport> {
  const colon = target.lastIndexOf(":");
  if (colon <= 0 || colon === target.length - 1) {
    throw new AppLoadError(target, `app "${target}" must have the form <module-path>:<export>, e.g. ./app.js:app`);
  }
  const modulePath = target.slice(0, colon);
  const exportName = target.slice(colon + 1);
  const moduleUrl = locateModule(target, modulePath, cwd);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    throw new AppLoadError(target, `could not import module "${modulePath}": ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, { cause: error });
  }
  if (!(exportName in namespace)) {
    const names = Object.keys(namespace).sort();
    throw new AppLoadError(
      target,
      `module "${modulePath}" has no export "${exportName}" (its exports: ${names.length === 0 ? "none" : names.join(", ")})`,
    );
  }
  return { moduleUrl, exportName, value: namespace[exportName] };
}

function locateModule(target: string, modulePath: string, cwd: string): string {
  const looksLikePath = modulePath.startsWith(".") || isAbsolute(modulePath) || /\.[cm]?[jt]sx?$/.test(modulePath);
  const base = isAbsolute(modulePath) ? modulePath : resolve(cwd, modulePath);
  for (const extension of EXTENSIONS) {
    if (existsSync(base + extension) && !existsSync(join(base + extension, "package.json"))) return pathToFileURL(base + extension).href;
  }
  if (!looksLikePath) {
    try {
      return pathToFileURL(createRequire(join(cwd, "noop.js")).resolve(modulePath)).href;
    } catch {
      // fall through to the error below
    }
  }
  throw new AppLoadError(target, `could not find module "${modulePath}" (looked for ${base}${looksLikePath ? "" : " and a package of that name"})`);
}
