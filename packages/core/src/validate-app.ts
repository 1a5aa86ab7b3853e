import type { App, Receive, Scope, Send } from "./app.js";
import { ProtocolError } from "./errors.js";
import type { ConnectionChecker } from "./internal/connection-checker.js";
import { describeValue, eventName, fail } from "./internal/fail.js";
import { HTTPChecker } from "./internal/http-checker.js";
import { LifespanChecker } from "./internal/lifespan-checker.js";
import { checkScope } from "./internal/scope-checks.js";
import { WebSocketChecker } from "./internal/websocket-checker.js";

/**
 * Wraps an async-interface app so that every broken rule of the Sluice interface
 * specification (SPEC.md, "Validator rules") becomes a `ProtocolError` at the moment it
 * happens, on both sides of the interface:
 *
 * - **app side**: the wrapped `send()` rejects with the error (and does not forward the
 *   event) when the app sends an event in the wrong order (body before start, start twice,
 *   anything after the response completed, websocket send before accept or after close,
 *   lifespan answers out of turn), with wrong value types (status, headers, body, flags),
 *   with header names that are not lowercase, of an unknown type, or of an extension the
 *   scope does not advertise. An http app that returns without completing its response
 *   (and without the client having gone) makes the call reject with
 *   `http-response-incomplete`; a `send()` after the app returned rejects with
 *   `send-after-return`.
 * - **server side**: the call rejects before the app runs when the scope is malformed
 *   (missing or wrong-typed keys, `asgi.version` not `"3.0"`, header names not lowercase,
 *   `path` outside `root_path`); the wrapped `receive()` rejects when the server delivers a
 *   malformed event or one out of order.
 *
 * If the app catches a violation and returns normally anyway, the call rejects with that
 * first violation, so it cannot go unnoticed. Errors of the app itself and of the server's
 * `receive()`/`send()` (such as `ClientDisconnected`) pass through unchanged; a correct app
 * sees exactly the events the server sends, and the server exactly the events the app sends.
 *
 * Meant for development and tests: it adds a few checks per event, nothing more.
 *
 * @param app the app to check
 * @returns an app with the same behaviour that throws `ProtocolError` on the first broken rule
 *
 * @example
 * ```ts
 * import { validateApp, ProtocolError } from "@sluice/core";
 *
 * const checked = validateApp(async (scope, receive, send) => {
 *   await send({ type: "http.response.body", body: new Uint8Array() }); // no start yet
 * });
 * try {
 *   await checked(scope, receive, send);
 * } catch (error) {
 *   if (error instanceof ProtocolError) console.log(error.rule); // "http-body-before-start"
 * }
 * ```
 */
export function validateApp(app: App): App {
  return async (scope, receive, send) => {
    checkCallArguments(receive, send);
    checkScope(scope);
    const checker = checkerFor(scope);
    let returned = false;
    let firstViolation: ProtocolError | undefined;
    const noted = (error: unknown): unknown => {
      if (error instanceof ProtocolError) firstViolation ??= error;
      return error;
    };

    const checkedReceive: Receive = async () => {
      const event = await receive();
      try {
        checker.checkReceive(event);
      } catch (error) {
        throw noted(error);
      }
      return event;
    };

    const checkedSend: Send = async (event) => {
      try {
        if (returned) {
          fail("send-after-return", `app sent ${eventName(event)} after it returned; every send must finish before the app returns`, event);
        }
        checker.checkSend(event);
      } catch (error) {
        throw noted(error);
      }
      try {
        await send(event);
      } catch (error) {
        checker.markSendFailed();
        throw error;
      }
    };

    try {
      await app(scope, checkedReceive, checkedSend);
    } finally {
      returned = true;
    }
    if (firstViolation !== undefined) throw firstViolation;
    checker.checkReturn();
  };
}

function checkCallArguments(receive: unknown, send: unknown): void {
  if (typeof receive !== "function" || typeof send !== "function") {
    fail("call-args", `the app was called with receive ${describeValue(receive)} and send ${describeValue(send)}; both must be functions`);
  }
}

function checkerFor(scope: Scope): ConnectionChecker {
  switch (scope.type) {
    case "http":
      return new HTTPChecker(scope);
    case "websocket":
      return new WebSocketChecker(scope);
    case "lifespan":
      return new LifespanChecker();
  }
}
