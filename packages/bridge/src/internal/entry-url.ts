/**
 * The URL of one of the package's thread entry files (`worker`, `async-helper`). Threads always
 * run the built JavaScript in `dist/internal/`, also when this module itself runs from the
 * TypeScript sources (under vitest): the test script builds first.
 */
export function threadEntryUrl(name: "pool-worker-main" | "async-helper-main"): URL {
  const here = import.meta.url;
  if (here.endsWith(".ts")) return new URL(`../../dist/internal/${name}.js`, here);
  return new URL(`./${name}.js`, here);
}
