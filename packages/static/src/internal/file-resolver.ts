import { promises as fsp, type Stats } from "node:fs";
import { sep } from "node:path";
import type { LookupCache } from "./lookup-cache.js";

/**
 * What a relative path names under the served directory. A file comes with the `stat` taken
 * when it was looked up (at most the cache's `ttlMs` old).
 */
export type Lookup = { kind: "file"; path: string; stats: Stats } | { kind: "directory"; path: string } | { kind: "missing" };

const MISSING: Lookup = { kind: "missing" };

// Errors that mean "there is nothing servable here" rather than "the server is broken".
const NOT_SERVABLE = new Set(["ENOENT", "ENOTDIR", "EACCES", "EPERM", "ENAMETOOLONG", "ELOOP", "EINVAL", "EISDIR"]);

/** Whether an fs error only says that a path cannot be served (→ 404 / fall-through). */
export function isNotServableError(error: unknown): boolean {
  return typeof error === "object" && error !== null && NOT_SERVABLE.has((error as { code?: unknown }).code as string);
}

/**
 * Maps checked relative paths to files and directories under one root, refusing anything
 * whose real location is outside it.
 *
 * With `followSymlinks: false` the candidate is resolved with `realpath` and must stay under
 * the (real) root, so symlinks inside the tree work but none can lead out of it. With
 * `followSymlinks: true` links are followed wherever they point.
 */
export class FileResolver {
  readonly #root: string;
  readonly #rootWithSep: string;
  readonly #followSymlinks: boolean;
  readonly #cache: LookupCache<Lookup> | undefined;

  /**
   * @param realRoot the served directory, already passed through `realpath`
   * @param followSymlinks whether symlinks may point outside the root
   * @param cache optional cache of lookups
   */
  constructor(realRoot: string, followSymlinks: boolean, cache: LookupCache<Lookup> | undefined) {
    this.#root = realRoot;
    this.#rootWithSep = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
    this.#followSymlinks = followSymlinks;
    this.#cache = cache;
  }

  /** Looks up `relative` ("a/b.txt", or "" for the root itself). */
  async lookup(relative: string): Promise<Lookup> {
    const cache = this.#cache;
    if (cache === undefined) return this.#lookupUncached(relative);
    const now = Date.now();
    const cached = cache.get(relative, now);
    if (cached !== undefined) return cached;
    const found = await this.#lookupUncached(relative);
    cache.set(relative, found, now);
    return found;
  }

  /** Drops a cached lookup (after the file turned out to be gone). */
  forget(relative: string): void {
    this.#cache?.delete(relative);
  }

  async #lookupUncached(relative: string): Promise<Lookup> {
    const candidate = relative === "" ? this.#root : this.#rootWithSep + relative;
    if (!this.#isInside(candidate)) return MISSING;
    try {
      const path = this.#followSymlinks ? candidate : await fsp.realpath(candidate);
      if (!this.#isInside(path)) return MISSING;
      const stats = await fsp.stat(path);
      if (stats.isFile()) return { kind: "file", path, stats };
      if (stats.isDirectory()) return { kind: "directory", path };
      return MISSING;
    } catch (error) {
      if (isNotServableError(error)) return MISSING;
      throw error;
    }
  }

  #isInside(path: string): boolean {
    return path === this.#root || path.startsWith(this.#rootWithSep);
  }
}
