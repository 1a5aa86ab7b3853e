#!/usr/bin/env node
// Builds dist/public from public/: JS and CSS get content-hashed names (app.3f9a8c1b2d.js)
// so they can be cached as immutable; index.html is rewritten to point at them; every text
// asset gets precompressed .br and .gz siblings for @sluice/static to serve.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../", import.meta.url));
const source = join(root, "public");
const target = join(root, "dist", "public");
const HASHED = new Set([".js", ".css"]);
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json"]);

async function emit(name, bytes) {
  await writeFile(join(target, name), bytes);
  if (!COMPRESSIBLE.has(extname(name))) return;
  await writeFile(join(target, `${name}.br`), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  await writeFile(join(target, `${name}.gz`), gzipSync(bytes, { level: 9 }));
}

await rm(target, { recursive: true, force: true });
await mkdir(join(target, "assets"), { recursive: true });
const renames = new Map();
for (const name of await readdir(source)) {
  const bytes = await readFile(join(source, name));
  if (HASHED.has(extname(name))) {
    const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 10);
    const hashed = `${basename(name, extname(name))}.${hash}${extname(name)}`;
    renames.set(`/assets/${name}`, `/assets/${hashed}`);
    await emit(join("assets", hashed), bytes);
  } else if (name !== "index.html") {
    await emit(name, bytes);
  }
}
let html = await readFile(join(source, "index.html"), "utf8");
for (const [from, to] of renames) html = html.replaceAll(`"${from}"`, `"${to}"`);
await emit("index.html", Buffer.from(html));
console.log(`built ${target} (${[...renames.values()].join(", ")})`);
