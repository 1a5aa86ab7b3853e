import { ASGI_SPEC_VERSION, ASGI_VERSION, ClientDisconnected } from "@sluice/core";
import type { App, HTTPScope } from "@sluice/core";
import { describe, expect, it } from "vitest";
import { encoder } from "../test/apps.js";
import { Communicator } from "./communicator.js";
import { AppFinishedError, TestTimeoutError } from "./errors.js";
import { deferred } from "./internal/deferred.js";

const scope: HTTPScope = {
  type: "http",
  asgi: { version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION },
  http_version: "1.1",
  method: "POST",
  scheme: "http",
  path: "/",
  raw_path: "/",
  query_string: "",
  root_path: "",
  headers: [],
  client: null,
  server: null,
};

const upper: App = async (_scope, receive, send) => {
  const event = await receive();
  if (event.type !== "http.request") return;
  await send({ type: "http.response.start", status: 200 });
  await send({ type: "http.response.body", body: encoder.encode(new TextDecoder().decode(event.body).toUpperCase()) });
};

describe("Communicator", () => {
  it("feeds input events and reads output events in order", async () => {
    const communicator = new Communicator(upper, scope);
    communicator.sendInput({ type: "http.request", body: encoder.encode("abc"), more_body: false });
    expect(await communicator.receiveOutput()).toMatchObject({ type: "http.response.start", status: 200 });
    const body = await communicator.receiveOutput();
    expect(body.type === "http.response.body" && new TextDecoder().decode(body.body)).toBe("ABC");
    await communicator.wait();
    expect(communicator.finished).toBe(true);
  });

  it("receiveNothing is true while the app waits for input and false once it has sent", async () => {
    const communicator = new Communicator(upper, scope);
    expect(await communicator.receiveNothing(30)).toBe(true);
    communicator.sendInput({ type: "http.request", body: new Uint8Array(0), more_body: false });
    await communicator.receiveOutput();
    await communicator.wait();
    expect(await communicator.receiveNothing(30)).toBe(false);
  });

  it("surfaces an error the app throws from receiveOutput and wait", async () => {
    const failing: App = () => Promise.reject(new RangeError("bad input"));
    const communicator = new Communicator(failing, scope);
    await expect(communicator.receiveOutput()).rejects.toThrow(RangeError);
    await expect(communicator.wait()).rejects.toThrow("bad input");
  });

  it("reports AppFinishedError when the app returned and nothing is left to read", async () => {
    const quiet: App = () => Promise.resolve();
    const communicator = new Communicator(quiet, scope, { validate: false });
    await communicator.wait();
    await expect(communicator.receiveOutput()).rejects.toBeInstanceOf(AppFinishedError);
  });

  it("times out receiveOutput with TestTimeoutError and the app keeps running", async () => {
    const communicator = new Communicator(upper, scope);
    const error = await communicator.receiveOutput(30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestTimeoutError);
    expect((error as Error).message).toContain("receiveOutput");
    communicator.sendInput({ type: "http.request", body: encoder.encode("still here"), more_body: false });
    await communicator.receiveOutput();
    const body = await communicator.receiveOutput();
    expect(body.type === "http.response.body" && new TextDecoder().decode(body.body)).toBe("STILL HERE");
  });

  it("wait times out without cancelling the app", async () => {
    const release = deferred<undefined>();
    const done = deferred<string>();
    const slow: App = async (_s, _r, send) => {
      await release.promise;
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
      done.resolve("finished");
    };
    const communicator = new Communicator(slow, scope);
    await expect(communicator.wait(30)).rejects.toBeInstanceOf(TestTimeoutError);
    release.resolve();
    expect(await done.promise).toBe("finished");
    await communicator.wait();
  });

  it("abort delivers http.disconnect and makes send reject with ClientDisconnected", async () => {
    const outcome = deferred<{ event: string; error: unknown }>();
    const app: App = async (_s, receive, send) => {
      const event = await receive();
      const error = await send({ type: "http.response.start", status: 200 }).catch((e: unknown) => e);
      outcome.resolve({ event: event.type, error });
    };
    const communicator = new Communicator(app, scope);
    communicator.abort();
    const { event, error } = await outcome.promise;
    expect(event).toBe("http.disconnect");
    expect(error).toBeInstanceOf(ClientDisconnected);
    await communicator.wait();
  });
});
