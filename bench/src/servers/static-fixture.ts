// The files every static-files contender serves: identical bytes and dates for all of them,
// written once into a fixed folder under the OS temp dir (atomically, so contenders started
// one after another never see half-written files).
import { mkdir, rename, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** File name → size in bytes. */
export const STATIC_FILES: Readonly<Record<string, number>> = {
  "file-1k.txt": 1024,
  "file-50k.txt": 50 * 1024,
  "file-1m.txt": 1024 * 1024,
};

const MTIME = new Date(Date.UTC(2024, 0, 1));

/** Creates (if needed) and returns the directory holding {@link STATIC_FILES}. */
export async function prepareStaticFixture(): Promise<string> {
  const directory = join(tmpdir(), "sluice-bench-static");
  await mkdir(directory, { recursive: true });
  for (const [name, size] of Object.entries(STATIC_FILES)) {
    const path = join(directory, name);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.size === size) continue;
    const content = Buffer.alloc(size);
    for (let i = 0; i < size; i++) content[i] = 97 + (i % 26);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, content);
    await utimes(temporary, MTIME, MTIME);
    await rename(temporary, path);
  }
  return directory;
}
