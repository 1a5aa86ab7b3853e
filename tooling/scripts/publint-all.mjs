#!/usr/bin/env node
// Runs publint on every published (non-private) workspace package; exits non-zero on any
// error or warning, printing each message with its package.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = join(root, "packages");
let problems = 0;
for (const name of readdirSync(dir).sort()) {
  const pkgDir = join(dir, name);
  const manifestPath = join(pkgDir, "package.json");
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (manifest.private) continue;
  const { messages } = await publint({ pkgDir, level: "warning", strict: true });
  for (const message of messages) {
    problems += 1;
    console.log(`${manifest.name}: [${message.type}] ${formatMessage(message, manifest) ?? message.code}`);
  }
  if (messages.length === 0) console.log(`${manifest.name}: publint clean`);
}
process.exit(problems > 0 ? 1 : 0);
