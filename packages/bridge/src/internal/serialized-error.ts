import { ClientDisconnected, ProtocolError } from "@sluice/core";
import { ModuleExportError } from "../errors.js";

/** An error flattened for `postMessage`: the parts that survive any thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
  /** `rule` of a `ProtocolError`, `moduleUrl` and `exportName` of a `ModuleExportError`. */
  fields?: Readonly<Record<string, string>>;
}

/** Flattens any thrown value into a `SerializedError` (non-errors become `Error(String(value))`). */
export function serializeError(value: unknown): SerializedError {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const serialized: SerializedError = {
      name: value.name,
      message: value.message,
      stack: value.stack,
      code: typeof code === "string" ? code : undefined,
    };
    if (value instanceof ProtocolError) serialized.fields = { rule: value.rule };
    if (value instanceof ModuleExportError) serialized.fields = { moduleUrl: value.moduleUrl, exportName: value.exportName };
    return serialized;
  }
  return { name: "Error", message: String(value), stack: undefined, code: undefined };
}

/**
 * Rebuilds the error: the Sluice errors a worker may throw (`ProtocolError`, `ClientDisconnected`,
 * `ModuleExportError`) come back as instances of their class with their fields; any other error
 * as an `Error` whose `name`, `message`, `stack` and `code` match the original.
 */
export function deserializeError(data: SerializedError): Error {
  const error = rebuildSluiceError(data) ?? plainError(data);
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}

function plainError(data: SerializedError): Error {
  const error = new Error(data.message);
  error.name = data.name;
  if (data.code !== undefined) (error as Error & { code: string }).code = data.code;
  return error;
}

/** The Sluice error `data` describes, built with its own constructor, or `undefined`. */
function rebuildSluiceError(data: SerializedError): Error | undefined {
  const fields = data.fields ?? {};
  switch (data.code) {
    case "ERR_CLIENT_DISCONNECTED":
      return new ClientDisconnected(data.message);
    case "ERR_PROTOCOL": {
      const rule = fields.rule;
      const suffix = ` [rule: ${rule}]`;
      if (rule === undefined || !data.message.endsWith(suffix)) return undefined;
      return new ProtocolError(rule, data.message.slice(0, -suffix.length));
    }
    case "ERR_MODULE_EXPORT": {
      const { moduleUrl, exportName } = fields;
      if (moduleUrl === undefined || exportName === undefined) return undefined;
      const prefix = `export "${exportName}" of ${moduleUrl} `;
      if (!data.message.startsWith(prefix)) return undefined;
      return new ModuleExportError(moduleUrl, exportName, data.message.slice(prefix.length));
    }
    default:
      return undefined;
  }
}
