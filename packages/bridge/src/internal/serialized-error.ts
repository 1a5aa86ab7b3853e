/** An error flattened for `postMessage`: the parts that survive any thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
}

/** Flattens any thrown value into a `SerializedError` (non-errors become `Error(String(value))`). */
export function serializeError(value: unknown): SerializedError {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: value.message,
      stack: value.stack,
      code: typeof code === "string" ? code : undefined,
    };
  }
  return { name: "Error", message: String(value), stack: undefined, code: undefined };
}

/** Rebuilds an `Error` whose `name`, `message`, `stack` and `code` match the original. */
export function deserializeError(data: SerializedError): Error {
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack !== undefined) error.stack = data.stack;
  if (data.code !== undefined) (error as Error & { code: string }).code = data.code;
  return error;
}
