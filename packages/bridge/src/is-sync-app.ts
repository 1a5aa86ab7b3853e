/**
 * Guesses whether `value` is a sync (PEP 3333-style) app rather than an async app, as
 * `--interface auto` does: it is a sync app when it is a plain (not `async`, not generator)
 * function declaring exactly two parameters, `(environ, startResponse)`. An async app declares
 * three, `(scope, receive, send)`, or is an `async` function.
 *
 * The guess reads `Function.length`, which stops counting at the first parameter with a default
 * value or a rest parameter: a sync app written as `(environ, startResponse = noop) => ...` is
 * not recognised; pick the interface explicitly then.
 *
 * @param value the export to classify
 * @example
 * ```ts
 * isSyncApp((environ, startResponse) => []);      // true
 * isSyncApp(async (scope, receive, send) => {});  // false
 * ```
 */
export function isSyncApp(value: unknown): boolean {
  if (typeof value !== "function") return false;
  const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (kind === "AsyncFunction" || kind === "GeneratorFunction" || kind === "AsyncGeneratorFunction") return false;
  return value.length === 2;
}
