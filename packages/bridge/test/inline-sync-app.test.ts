// inlineSyncApp: the same sync-app duties on the event loop, with the body read first.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ClientDisconnected, validateSyncApp, type SyncApp } from "@sluice/core";
import { inlineSyncApp } from "../src/index.js";
import { callApp, disconnectAfter } from "./helpers/app-client.js";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const errors: Error[] = [];
const inline = (app: SyncApp, maxBodySize?: number) =>
  inlineSyncApp(app, { onError: (error) => errors.push(error), ...(maxBodySize === undefined ? {} : { maxBodySize }) });

const echo: SyncApp = (environ, startResponse) => {
  const body = environ["wsgi.input"].read();
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [text(`${environ.REQUEST_METHOD} ${environ.PATH_INFO} ${body.length}:`), body];
};

function probeResponse(chunks: string[], failAt?: number): { app: SyncApp; closed: () => boolean } {
  let closed = false;
  const app: SyncApp = (_environ, startResponse) => {
    startResponse("200 OK", []);
    const iterate = function* () {
      for (let i = 0; i < chunks.length; i++) {
        if (i === failAt) throw new Error("iteration failed");
        yield text(chunks[i] ?? "");
      }
    };
    return Object.assign(iterate(), {
      close() {
        closed = true;
      },
    });
  };
  return { app, closed: () => closed };
}

describe("inlineSyncApp", () => {
  it("reads the whole body first and serves a validated sync app", async () => {
    const checked = validateSyncApp(echo);
    const outcome = await callApp(inline(checked), {
      method: "POST",
      path: "/submit",
      headers: [["content-length", "10"]],
      body: Readable.from([Buffer.from("01234"), Buffer.from("56789")]),
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body.toString()).toBe("POST /submit 10:0123456789");
    checked.assertResponsesClosed();
  });

  it("answers 413 when Content-Length announces more than maxBodySize", async () => {
    let called = false;
    const outcome = await callApp(inline(() => ((called = true), []), 8), { method: "POST", headers: [["content-length", "9"]], body: "123456789" });
    expect(outcome.status).toBe(413);
    expect(called).toBe(false);
  });

  it("answers 413 when a body without Content-Length grows past maxBodySize", async () => {
    const outcome = await callApp(inline(echo, 8), { method: "POST", body: Readable.from([Buffer.from("12345"), Buffer.from("6789")]) });
    expect(outcome.status).toBe(413);
  });

  it("sends each chunk as its own body event, awaiting every send", async () => {
    const { app } = probeResponse(["a", "b", "c"]);
    const order: string[] = [];
    const outcome = await callApp(inline(app), {
      onSend: async (event) => {
        order.push(event.type === "http.response.body" ? `body:${Buffer.from(event.body ?? []).toString()}` : event.type);
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    expect(outcome.body.toString()).toBe("abc");
    expect(order).toEqual(["http.response.start", "body:a", "body:b", "body:c", "body:"]);
  });

  it("calls close() after a normal end", async () => {
    const probe = probeResponse(["a", "b"]);
    await callApp(inline(probe.app));
    expect(probe.closed()).toBe(true);
  });

  it("calls close() when the iteration throws, and truncates the started response", async () => {
    const probe = probeResponse(["a", "b"], 1);
    const outcome = await callApp(inline(probe.app));
    expect(outcome.error).toMatchObject({ message: "iteration failed" });
    expect(probe.closed()).toBe(true);
  });

  it("calls close() when the client disconnects", async () => {
    const probe = probeResponse(["a", "b", "c", "d"]);
    const outcome = await callApp(inline(probe.app), { onSend: disconnectAfter(2) });
    expect(outcome.error).toBeInstanceOf(ClientDisconnected);
    expect(probe.closed()).toBe(true);
  });

  it("answers 500 when the app throws before any byte is sent", async () => {
    const outcome = await callApp(
      inline(() => {
        throw new RangeError("nope");
      }),
    );
    expect(outcome.status).toBe(500);
    expect(errors.at(-1)).toMatchObject({ name: "RangeError", message: "nope" });
  });

  it("sends bytes given to write() before the returned chunks", async () => {
    const app: SyncApp = (_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      write(text("w1 "));
      write(text("w2 "));
      return [text("r")];
    };
    expect((await callApp(inline(app))).body.toString()).toBe("w1 w2 r");
  });

  it("acknowledges lifespan startup and shutdown", async () => {
    const sent: string[] = [];
    const incoming = [{ type: "lifespan.startup" }, { type: "lifespan.shutdown" }];
    await inline(echo)(
      { type: "lifespan", asgi: { version: "3.0" } },
      () => Promise.resolve(incoming.shift() as never),
      (event) => {
        sent.push(event.type);
        return Promise.resolve();
      },
    );
    expect(sent).toEqual(["lifespan.startup.complete", "lifespan.shutdown.complete"]);
  });

  it("answers 500 with rule start-response-twice for a second startResponse without excInfo", async () => {
    const app: SyncApp = (_environ, startResponse) => {
      startResponse("200 OK", []);
      startResponse("200 OK", []);
      return [];
    };
    expect((await callApp(inline(app))).status).toBe(500);
    expect(errors.at(-1)?.message).toContain("[rule: start-response-twice]");
  });
});
