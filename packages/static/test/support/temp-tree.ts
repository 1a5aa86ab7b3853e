import { mkdir, mkdtemp, realpath, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A temporary directory tree for one test file, removed by `remove()`. */
export interface TempTree {
  /** Absolute (real) path of the directory. */
  root: string;
  /** Writes `content` to `relative` (creating parent folders); returns the absolute path. */
  write(relative: string, content: string | Uint8Array): Promise<string>;
  /** Sets the modification time of `relative`. */
  touch(relative: string, mtime: Date): Promise<void>;
  /** Creates a symlink at `relative` pointing to `target` (absolute or relative). */
  link(relative: string, target: string): Promise<void>;
  /** A subdirectory path. */
  path(relative: string): string;
  remove(): Promise<void>;
}

/** Creates an empty temporary directory under the OS temp dir. */
export async function createTempTree(label: string): Promise<TempTree> {
  const root = await realpath(await mkdtemp(join(tmpdir(), `sluice-static-${label}-`)));
  return {
    root,
    async write(relative, content) {
      const absolute = join(root, relative);
      await mkdir(dirname(absolute), { recursive: true });
      await writeFile(absolute, content);
      return absolute;
    },
    async touch(relative, mtime) {
      await utimes(join(root, relative), mtime, mtime);
    },
    async link(relative, target) {
      const absolute = join(root, relative);
      await mkdir(dirname(absolute), { recursive: true });
      await symlink(target, absolute);
    },
    path(relative) {
      return join(root, relative);
    },
    async remove() {
      await rm(root, { recursive: true, force: true });
    },
  };
}
