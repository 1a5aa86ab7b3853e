import { describe, expect, it } from "vitest";
import { expectRule, httpScope, lifespanScope, websocketScope } from "../test/support.js";
import type { App, Receive, ReceiveEvent, Scope, Send, SendEvent } from "./app.js";
import { ClientDisconnected, ProtocolError } from "./errors.js";
import type { HTTPResponseBodyEvent, HTTPResponseStartEvent } from "./http.js";
import { validateApp } from "./validate-app.js";

const RECEIVE = Symbol("receive");
type Step = SendEvent | Record<string, unknown> | typeof RECEIVE;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

interface Run {
  /** Events the server got from the app, in order. */
  sent: unknown[];
  /** The first error `send()` or `receive()` rejected with inside the app. */
  caught: unknown;
  /** What the validated app call rejected with (or `undefined`). */
  outcome: unknown;
}

/**
 * Runs `steps` as an app under `validateApp`: a step is an event to send or RECEIVE. The fake
 * server answers `receive()` from `incoming`, then with a disconnect event of the scope's kind.
 */
async function run(scope: unknown, steps: Step[], incoming: unknown[] = []): Promise<Run> {
  const result: Run = { sent: [], caught: undefined, outcome: undefined };
  const app: App = async (_scope, receive, send) => {
    for (const step of steps) {
      try {
        if (step === RECEIVE) await receive();
        else await send(step as SendEvent);
      } catch (error) {
        result.caught ??= error;
        throw error;
      }
    }
  };
  const queue = [...incoming];
  const receive = (() => Promise.resolve(queue.shift() ?? endOf(scope))) as Receive;
  const send: Send = (event) => {
    result.sent.push(event);
    return Promise.resolve();
  };
  await validateApp(app)(scope as Scope, receive, send).catch((error: unknown) => {
    result.outcome = error;
  });
  return result;
}

function endOf(scope: unknown): unknown {
  const type = (scope as { type?: unknown }).type;
  if (type === "websocket") return { type: "websocket.disconnect", code: 1000, reason: "" };
  if (type === "lifespan") return { type: "lifespan.shutdown" };
  return { type: "http.disconnect" };
}

const start: HTTPResponseStartEvent = { type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] };
const lastBody: HTTPResponseBodyEvent = { type: "http.response.body", body: bytes("done") };
const request = { type: "http.request", body: bytes("hi"), more_body: false };

describe("validateApp with correct apps", () => {
  it("passes a streaming http app's events through as the very same objects", async () => {
    const events: SendEvent[] = [start, { type: "http.response.body", body: bytes("a"), more_body: true }, lastBody];
    const { sent, outcome } = await run(httpScope(), [RECEIVE, ...events], [request]);
    expect(outcome).toBeUndefined();
    expect(sent).toHaveLength(3);
    sent.forEach((event, i) => expect(event).toBe(events[i]));
  });

  it("hands the app the server's received events unchanged", async () => {
    const seen: ReceiveEvent[] = [];
    const app: App = async (_scope, receive, send) => {
      seen.push(await receive());
      await send(start);
      await send(lastBody);
    };
    const incoming = { type: "http.request", body: bytes("payload"), more_body: false } as const;
    await validateApp(app)(httpScope(), () => Promise.resolve(incoming), () => Promise.resolve());
    expect(seen[0]).toBe(incoming);
  });

  it("accepts a websocket app that accepts, exchanges messages and closes", async () => {
    const steps: Step[] = [
      RECEIVE,
      { type: "websocket.accept", subprotocol: "chat.v1", headers: [["x-room", "lobby"]] },
      RECEIVE,
      { type: "websocket.send", text: "hello" },
      { type: "websocket.send", bytes: bytes("bin") },
      { type: "websocket.close", code: 4000, reason: "bye" },
    ];
    const { sent, outcome } = await run(websocketScope(), steps, [{ type: "websocket.connect" }, { type: "websocket.receive", text: "hi" }]);
    expect(outcome).toBeUndefined();
    expect(sent.map((event) => (event as { type: string }).type)).toEqual(["websocket.accept", "websocket.send", "websocket.send", "websocket.close"]);
  });

  it("accepts a lifespan app that answers startup and shutdown", async () => {
    const steps: Step[] = [RECEIVE, { type: "lifespan.startup.complete" }, RECEIVE, { type: "lifespan.shutdown.complete" }];
    const { sent, outcome } = await run(lifespanScope(), steps, [{ type: "lifespan.startup" }, { type: "lifespan.shutdown" }]);
    expect(outcome).toBeUndefined();
    expect(sent).toHaveLength(2);
  });

  it("accepts every advertised extension used in order", async () => {
    const scope = httpScope({
      extensions: { "http.response.early_hint": {}, "http.response.trailers": {}, "http.response.zerocopysend": {} },
    });
    const steps: Step[] = [
      { type: "http.response.early_hint", links: ["</app.css>; rel=preload; as=style"] },
      { ...start, trailers: true },
      { type: "http.response.zerocopysend", file: 3, offset: 0, count: 10, more_body: true },
      { type: "http.response.body", body: bytes("end") },
      { type: "http.response.trailers", headers: [["x-checksum", "abc"]] },
    ];
    const { sent, outcome } = await run(scope, steps);
    expect(outcome).toBeUndefined();
    expect(sent).toHaveLength(5);
  });

  it("lets an http app return without a response once the client disconnected", async () => {
    const { outcome } = await run(httpScope(), [RECEIVE], [{ type: "http.disconnect" }]);
    expect(outcome).toBeUndefined();
  });

  it("passes ClientDisconnected from the server's send through and then lets the app return", async () => {
    const gone = new ClientDisconnected();
    let caught: unknown;
    const app: App = async (_scope, _receive, send) => {
      await send(start).catch((error: unknown) => {
        caught = error;
      });
    };
    await validateApp(app)(httpScope(), () => Promise.resolve({ type: "http.disconnect" }), () => Promise.reject(gone));
    expect(caught).toBe(gone);
  });

  it("passes the app's own errors through unchanged", async () => {
    const boom = new Error("boom");
    const app: App = () => Promise.reject(boom);
    await expect(validateApp(app)(httpScope(), () => Promise.resolve(request as ReceiveEvent), () => Promise.resolve())).rejects.toBe(boom);
  });
});

describe("validateApp reports app violations from send()", () => {
  it("does not forward the offending event to the server", async () => {
    const { sent, caught } = await run(httpScope(), [{ type: "http.response.body", body: bytes("x") }]);
    expect(caught).toBeInstanceOf(ProtocolError);
    expect(sent).toEqual([]);
  });

  it("throws again from the call when the app swallowed the violation", async () => {
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.body" }).catch(() => undefined);
      await send(start);
      await send(lastBody);
    };
    const call = validateApp(app)(httpScope(), () => Promise.resolve(request as ReceiveEvent), () => Promise.resolve());
    const error = await call.then(() => undefined, (e: unknown) => e);
    expectRule(error, "http-body-before-start", /"http\.response\.body" before "http\.response\.start"/);
  });

  it("rejects an event that is not an object with a string type", async () => {
    const { caught } = await run(httpScope(), [{ status: 200 }]);
    expectRule(caught, "event-type-unknown", /app sent an object; every event is an object with a string "type"/);
  });

  it("rejects an event type that does not belong to the scope", async () => {
    const { caught } = await run(httpScope(), [{ type: "websocket.send", text: "x" }]);
    expectRule(caught, "event-type-unknown", /"websocket\.send", which is not an event of an http connection/);
  });

  it("rejects an extension event the scope does not advertise", async () => {
    const { caught } = await run(httpScope(), [start, { type: "http.response.pathsend", path: "/srv/a.txt" }]);
    expectRule(caught, "extension-not-advertised", /"http\.response\.pathsend" but scope\.extensions has no "http\.response\.pathsend"/);
  });

  it("rejects trailers: true when the trailers extension is not advertised", async () => {
    const { caught } = await run(httpScope(), [{ ...start, trailers: true }]);
    expectRule(caught, "extension-not-advertised", /trailers: true but scope\.extensions has no "http\.response\.trailers"/);
  });

  it("rejects a websocket denial response without the websocket.http.response extension", async () => {
    const { caught } = await run(websocketScope(), [RECEIVE, { type: "websocket.http.response.start", status: 403 }], [{ type: "websocket.connect" }]);
    expectRule(caught, "extension-not-advertised", /"websocket\.http\.response\.start" but scope\.extensions has no "websocket\.http\.response"/);
  });

  it("rejects a status that is not an integer", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: "200" }]);
    expectRule(caught, "status-type", /"http\.response\.start" status must be an integer from 100 to 599, got "200"/);
  });

  it("rejects a status above 599", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: 600 }]);
    expectRule(caught, "status-type", /got 600/);
  });

  it("rejects an informational status in http.response.start", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: 101 }]);
    expectRule(caught, "http-status-informational", /status 101 is informational/);
  });

  it("rejects headers that are not an array", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: 200, headers: { "content-type": "text/plain" } }]);
    expectRule(caught, "headers-type", /"http\.response\.start" headers must be an array of \[name, value\] pairs, got an object/);
  });

  it("rejects a header pair holding a non-string value", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: 200, headers: [["content-length", 5]] }]);
    expectRule(caught, "headers-type", /headers\[0\] must be a \[name, value\] pair of two strings/);
  });

  it("rejects a header value that is not a latin-1 byte string", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: 200, headers: [["x-name", "Zoë ☃"]] }]);
    expectRule(caught, "headers-byte-string", /headers\[0\] holds a character above U\+00FF/);
  });

  it("rejects a header name that is not a token", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: 200, headers: [["bad name", "x"]] }]);
    expectRule(caught, "header-name-token", /name "bad name" is not an HTTP token/);
  });

  it("rejects a response header name that is not lowercase", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: 200, headers: [["Content-Type", "text/plain"]] }]);
    expectRule(caught, "header-name-lowercase", /"http\.response\.start" headers\[0\] name "Content-Type" must be lowercase/);
  });

  it("rejects a header value holding CR LF", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.start", status: 200, headers: [["location", "/a\r\nset-cookie: x=1"]] }]);
    expectRule(caught, "header-value-chars", /value of "location" holds a control character/);
  });

  it("rejects a body that is not a Uint8Array", async () => {
    const { caught } = await run(httpScope(), [start, { type: "http.response.body", body: "text" }]);
    expectRule(caught, "body-type", /"http\.response\.body" body must be a Uint8Array, got "text"/);
  });

  it("rejects more_body that is not a boolean", async () => {
    const { caught } = await run(httpScope(), [start, { type: "http.response.body", body: bytes("x"), more_body: 1 }]);
    expectRule(caught, "flag-type", /"http\.response\.body" key "more_body" must be a boolean, got 1/);
  });

  it("rejects a body message before http.response.start", async () => {
    const { caught } = await run(httpScope(), [{ type: "http.response.body", body: bytes("x") }]);
    expectRule(caught, "http-body-before-start", /app sent "http\.response\.body" before "http\.response\.start"/);
  });

  it("rejects http.response.start sent twice", async () => {
    const { caught } = await run(httpScope(), [start, start]);
    expectRule(caught, "http-start-once", /"http\.response\.start" twice/);
  });

  it("rejects a message after the response completed", async () => {
    const { caught } = await run(httpScope(), [start, lastBody, { type: "http.response.body", body: bytes("late") }]);
    expectRule(caught, "http-send-after-complete", /"http\.response\.body" after the response completed/);
  });

  it("rejects trailers when http.response.start did not announce them", async () => {
    const scope = httpScope({ extensions: { "http.response.trailers": {} } });
    const { caught } = await run(scope, [start, lastBody, { type: "http.response.trailers", headers: [] }]);
    expectRule(caught, "http-trailers-not-announced", /"http\.response\.trailers" but "http\.response\.start" did not set trailers: true/);
  });

  it("rejects trailers sent while the body is still streaming", async () => {
    const scope = httpScope({ extensions: { "http.response.trailers": {} } });
    const steps: Step[] = [{ ...start, trailers: true }, { type: "http.response.body", body: bytes("x"), more_body: true }, { type: "http.response.trailers" }];
    const { caught } = await run(scope, steps);
    expectRule(caught, "http-trailers-order", /"http\.response\.trailers" before the last body message/);
  });

  it("rejects an early hint after the response started", async () => {
    const scope = httpScope({ extensions: { "http.response.early_hint": {} } });
    const { caught } = await run(scope, [start, { type: "http.response.early_hint", links: ["</a.css>; rel=preload"] }]);
    expectRule(caught, "http-early-hint-after-start", /"http\.response\.early_hint" after "http\.response\.start"/);
  });

  it("rejects early-hint links that are not an array of strings", async () => {
    const scope = httpScope({ extensions: { "http.response.early_hint": {} } });
    const { caught } = await run(scope, [{ type: "http.response.early_hint", links: "</a.css>" }]);
    expectRule(caught, "early-hint-links", /links must be an array of byte strings, got "<\/a\.css>"/);
  });

  it("rejects a relative pathsend path", async () => {
    const scope = httpScope({ extensions: { "http.response.pathsend": {} } });
    const { caught } = await run(scope, [start, { type: "http.response.pathsend", path: "public/index.html" }]);
    expectRule(caught, "pathsend-path", /"http\.response\.pathsend" path must be an absolute path string, got "public\/index\.html"/);
  });

  it("rejects a zerocopysend with a negative offset", async () => {
    const scope = httpScope({ extensions: { "http.response.zerocopysend": {} } });
    const { caught } = await run(scope, [start, { type: "http.response.zerocopysend", file: 7, offset: -1 }]);
    expectRule(caught, "zerocopysend-args", /offset\/count as non-negative integers, got file 7, offset -1/);
  });

  it("rejects an http app that returns without sending a response", async () => {
    const { outcome } = await run(httpScope(), [RECEIVE], [request]);
    expectRule(outcome, "http-response-incomplete", /app returned without sending a response/);
  });

  it("rejects an http app that returns in the middle of its body", async () => {
    const { outcome } = await run(httpScope(), [start, { type: "http.response.body", body: bytes("x"), more_body: true }]);
    expectRule(outcome, "http-response-incomplete", /app returned before the last body message/);
  });

  it("rejects a send made after the app returned", async () => {
    let leakedSend: Send | undefined;
    const app: App = async (_scope, _receive, send) => {
      leakedSend = send;
      await send(start);
      await send(lastBody);
    };
    await validateApp(app)(httpScope(), () => Promise.resolve(request as ReceiveEvent), () => Promise.resolve());
    const error = await leakedSend!({ type: "http.response.body" }).then(() => undefined, (e: unknown) => e);
    expectRule(error, "send-after-return", /app sent "http\.response\.body" after it returned/);
  });

  it("rejects websocket.send before websocket.accept", async () => {
    const { caught } = await run(websocketScope(), [RECEIVE, { type: "websocket.send", text: "early" }], [{ type: "websocket.connect" }]);
    expectRule(caught, "websocket-send-before-accept", /"websocket\.send" before "websocket\.accept"/);
  });

  it("rejects websocket.accept sent twice", async () => {
    const accept = { type: "websocket.accept" } as const;
    const { caught } = await run(websocketScope(), [RECEIVE, accept, accept], [{ type: "websocket.connect" }]);
    expectRule(caught, "websocket-accept-once", /"websocket\.accept" twice/);
  });

  it("rejects a send after websocket.close", async () => {
    const steps: Step[] = [RECEIVE, { type: "websocket.accept" }, { type: "websocket.close" }, { type: "websocket.send", text: "late" }];
    const { caught } = await run(websocketScope(), steps, [{ type: "websocket.connect" }]);
    expectRule(caught, "websocket-send-after-close", /"websocket\.send" after the connection was closed/);
  });

  it("rejects a websocket message carrying both bytes and text", async () => {
    const steps: Step[] = [RECEIVE, { type: "websocket.accept" }, { type: "websocket.send", text: "a", bytes: bytes("b") }];
    const { caught } = await run(websocketScope(), steps, [{ type: "websocket.connect" }]);
    expectRule(caught, "websocket-message-payload", /needs exactly one of bytes \(a Uint8Array\) or text \(a string\)/);
  });

  it("rejects a reserved close code", async () => {
    const steps: Step[] = [RECEIVE, { type: "websocket.accept" }, { type: "websocket.close", code: 1006 }];
    const { caught } = await run(websocketScope(), steps, [{ type: "websocket.connect" }]);
    expectRule(caught, "websocket-close-code", /"websocket\.close" code 1006 may not be sent/);
  });

  it("rejects a close reason longer than 123 bytes", async () => {
    const steps: Step[] = [RECEIVE, { type: "websocket.accept" }, { type: "websocket.close", code: 1000, reason: "é".repeat(62) }];
    const { caught } = await run(websocketScope(), steps, [{ type: "websocket.connect" }]);
    expectRule(caught, "websocket-close-reason", /reason must be a string of at most 123 UTF-8 bytes/);
  });

  it("rejects a subprotocol the client did not offer", async () => {
    const { caught } = await run(websocketScope(), [RECEIVE, { type: "websocket.accept", subprotocol: "graphql" }], [{ type: "websocket.connect" }]);
    expectRule(caught, "websocket-subprotocol", /subprotocol "graphql" is not one the client offered \(\["chat\.v1"\]\)/);
  });

  it("rejects a denial response after the connection was accepted", async () => {
    const scope = websocketScope({ extensions: { "websocket.http.response": {} } });
    const steps: Step[] = [RECEIVE, { type: "websocket.accept" }, { type: "websocket.http.response.start", status: 403 }];
    const { caught } = await run(scope, steps, [{ type: "websocket.connect" }]);
    expectRule(caught, "websocket-denial-order", /"websocket\.http\.response\.start" after accepting/);
  });

  it("rejects a lifespan answer before the server asked", async () => {
    const { caught } = await run(lifespanScope(), [{ type: "lifespan.startup.complete" }]);
    expectRule(caught, "lifespan-order", /"lifespan\.startup\.complete" but the server has not sent "lifespan\.startup"/);
  });

  it("rejects a lifespan phase answered twice", async () => {
    const steps: Step[] = [RECEIVE, { type: "lifespan.startup.complete" }, { type: "lifespan.startup.failed" }];
    const { caught } = await run(lifespanScope(), steps, [{ type: "lifespan.startup" }]);
    expectRule(caught, "lifespan-order", /the startup was already answered/);
  });

  it("rejects a lifespan failure message that is not a string", async () => {
    const steps: Step[] = [RECEIVE, { type: "lifespan.startup.failed", message: new Error("db down") }];
    const { caught } = await run(lifespanScope(), steps, [{ type: "lifespan.startup" }]);
    expectRule(caught, "lifespan-message-type", /"lifespan\.startup\.failed" message must be a string, got an object/);
  });
});

describe("validateApp reports server violations", () => {
  const noop: App = () => Promise.resolve();

  async function callWith(scope: unknown, app: App = noop): Promise<unknown> {
    return validateApp(app)(scope as Scope, () => Promise.resolve(request as ReceiveEvent), () => Promise.resolve()).then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  it("rejects a call without a send function", async () => {
    const error = await validateApp(noop)(httpScope(), () => Promise.resolve(request as ReceiveEvent), undefined as unknown as Send).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectRule(error, "call-args", /receive a function and send undefined; both must be functions/);
  });

  it("rejects a scope with an unknown type before the app runs", async () => {
    let ran = false;
    const error = await callWith({ ...httpScope(), type: "grpc" }, () => {
      ran = true;
      return Promise.resolve();
    });
    expectRule(error, "scope-type", /scope of type "grpc"/);
    expect(ran).toBe(false);
  });

  it("rejects a scope whose asgi.version is not 3.0", async () => {
    expectRule(await callWith(httpScope({ asgi: { version: "2.0" } })), "scope-asgi", /scope\.asgi\.version is "2\.0"; it must be "3\.0"/);
  });

  it("rejects a scope missing a required key", async () => {
    const scope: Record<string, unknown> = { ...httpScope() };
    delete scope["query_string"];
    expectRule(await callWith(scope), "scope-key", /http scope is missing "query_string"/);
  });

  it("rejects a scope key with the wrong type", async () => {
    expectRule(await callWith(httpScope({ client: "127.0.0.1:5000" })), "scope-key", /http scope key "client" must be \[host, port\] or null, got "127\.0\.0\.1:5000"/);
  });

  it("rejects a scope whose request header names are not lowercase", async () => {
    expectRule(await callWith(httpScope({ headers: [["Host", "example.test"]] })), "header-name-lowercase", /http scope\.headers\[0\] name "Host" must be lowercase/);
  });

  it("rejects a scope whose path does not include root_path", async () => {
    expectRule(await callWith(httpScope({ root_path: "/api", path: "/items" })), "scope-root-path", /scope\.path "\/items" does not start with scope\.root_path "\/api"/);
  });

  it("rejects a received event of another protocol", async () => {
    const { caught } = await run(httpScope(), [RECEIVE], [{ type: "websocket.connect" }]);
    expectRule(caught, "receive-event-type", /server delivered "websocket\.connect", which is not an event of an http connection/);
  });

  it("rejects an http.request whose body is not a Uint8Array", async () => {
    const { caught } = await run(httpScope(), [RECEIVE], [{ type: "http.request", body: "hi", more_body: false }]);
    expectRule(caught, "receive-event-shape", /"http\.request" with body "hi" and more_body false; body must be a Uint8Array/);
  });

  it("rejects a websocket.receive with neither bytes nor text", async () => {
    const steps: Step[] = [RECEIVE, { type: "websocket.accept" }, RECEIVE];
    const { caught } = await run(websocketScope(), steps, [{ type: "websocket.connect" }, { type: "websocket.receive" }]);
    expectRule(caught, "receive-event-shape", /"websocket\.receive" with bytes null and text null; exactly one must be set/);
  });

  it("rejects an http.request delivered after the last body chunk", async () => {
    const { caught } = await run(httpScope(), [RECEIVE, RECEIVE], [request, request]);
    expectRule(caught, "receive-order", /"http\.request" after the last body chunk/);
  });

  it("rejects a websocket message delivered before websocket.connect", async () => {
    const { caught } = await run(websocketScope(), [RECEIVE], [{ type: "websocket.receive", text: "hi" }]);
    expectRule(caught, "receive-order", /"websocket\.receive" before "websocket\.connect"/);
  });

  it("rejects lifespan.shutdown delivered before lifespan.startup", async () => {
    const { caught } = await run(lifespanScope(), [RECEIVE], [{ type: "lifespan.shutdown" }]);
    expectRule(caught, "receive-order", /"lifespan\.shutdown" out of order/);
  });
});
