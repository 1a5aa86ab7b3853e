import { describe, expect, it } from "vitest";
import { ClientDisconnected, ProtocolError, SluiceError } from "@sluice/core";
import { ModuleExportError } from "../errors.js";
import { deserializeError, serializeError } from "./serialized-error.js";

/** What the other side of a thread boundary sees: the serialized form after a structured clone. */
function acrossThreads(error: unknown): Error {
  return deserializeError(structuredClone(serializeError(error)));
}

describe("errors crossing a thread boundary", () => {
  it("come back as ModuleExportError with the module and export named", () => {
    const original = new ModuleExportError("file:///app.mjs", "app", "is not a function (it is string)");
    const copy = acrossThreads(original);
    expect(copy).toBeInstanceOf(ModuleExportError);
    expect(copy).toMatchObject({ code: "ERR_MODULE_EXPORT", moduleUrl: "file:///app.mjs", exportName: "app", message: original.message });
  });

  it("come back as ProtocolError with the rule broken", () => {
    const original = new ProtocolError("start-response-twice", "start_response called twice without exc_info");
    const copy = acrossThreads(original);
    expect(copy).toBeInstanceOf(ProtocolError);
    expect(copy).toMatchObject({ rule: "start-response-twice", message: original.message });
  });

  it("come back as ClientDisconnected", () => {
    const copy = acrossThreads(new ClientDisconnected("gone"));
    expect(copy).toBeInstanceOf(ClientDisconnected);
    expect(copy.message).toBe("gone");
  });

  it("keep the worker's stack trace", () => {
    const original = new ModuleExportError("file:///app.mjs", "app", "does not exist");
    expect(acrossThreads(original).stack).toBe(original.stack);
  });

  it("keep name, message and code of any other error without pretending it is a Sluice error", () => {
    const original = Object.assign(new RangeError("lookup failed"), { code: "ENOENT" });
    const copy = acrossThreads(original);
    expect(copy).not.toBeInstanceOf(SluiceError);
    expect(copy).toMatchObject({ name: "RangeError", message: "lookup failed", code: "ENOENT" });
  });

  it("turn a thrown non-error into an Error carrying its text", () => {
    expect(acrossThreads("plain string")).toMatchObject({ name: "Error", message: "plain string" });
  });
});
