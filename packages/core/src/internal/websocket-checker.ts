import type { WebSocketScope } from "../websocket.js";
import { describeValue, eventName, fail } from "./fail.js";
import { asEvent, checkBody, checkFlag, checkStatus, requireExtension, type ConnectionChecker } from "./connection-checker.js";
import { checkHeaderList, isIntegerIn } from "./value-checks.js";

type SocketState = "connecting" | "accepted" | "denying" | "closed";
type ReceiveState = "before-connect" | "connected" | "disconnected";
type Event = Record<string, unknown> & { type: string };

const SEND_TYPES = new Set(["websocket.accept", "websocket.send", "websocket.close", "websocket.http.response.start", "websocket.http.response.body"]);
const MAX_REASON_BYTES = 123;
const utf8 = new TextEncoder();

/** Follows one WebSocket connection through the rules of SPEC.md. */
export class WebSocketChecker implements ConnectionChecker {
  #socket: SocketState = "connecting";
  #received: ReceiveState = "before-connect";

  constructor(private readonly scope: WebSocketScope) {}

  checkSend(raw: unknown): void {
    const event = asEvent(raw, "event-type-unknown", "app sent");
    if (!SEND_TYPES.has(event.type)) {
      fail("event-type-unknown", `app sent ${eventName(event)}, which is not an event of a websocket connection`, event);
    }
    if (event.type.startsWith("websocket.http.response.")) requireExtension(this.scope, "websocket.http.response", event);
    if (this.#socket === "closed") {
      fail("websocket-send-after-close", `app sent ${eventName(event)} after the connection was closed (websocket.close or a finished denial response)`, event);
    }
    switch (event.type) {
      case "websocket.accept":
        this.#accept(event);
        break;
      case "websocket.send":
        this.#message(event);
        break;
      case "websocket.close":
        this.#close(event);
        break;
      case "websocket.http.response.start":
        this.#denialStart(event);
        break;
      default:
        this.#denialBody(event);
    }
  }

  #accept(event: Event): void {
    if (this.#socket === "accepted") fail("websocket-accept-once", `app sent "websocket.accept" twice; a connection is accepted once`, event);
    this.#notWhileDenying(event);
    const subprotocol = event["subprotocol"];
    if (subprotocol !== undefined && subprotocol !== null && (typeof subprotocol !== "string" || !this.scope.subprotocols.includes(subprotocol))) {
      fail("websocket-subprotocol", `"websocket.accept" subprotocol ${describeValue(subprotocol)} is not one the client offered (${JSON.stringify(this.scope.subprotocols)})`, event);
    }
    checkHeaderList(event["headers"] ?? [], `"websocket.accept" headers`, "lowercase", event);
    this.#socket = "accepted";
  }

  #message(event: Event): void {
    this.#notWhileDenying(event);
    if (this.#socket === "connecting") {
      fail("websocket-send-before-accept", `app sent "websocket.send" before "websocket.accept"; accept the connection first`, event);
    }
    const bytes = event["bytes"] ?? null;
    const text = event["text"] ?? null;
    const bytesOk = bytes instanceof Uint8Array;
    const textOk = typeof text === "string";
    if ((bytes !== null && !bytesOk) || (text !== null && !textOk) || (bytes === null) === (text === null)) {
      fail("websocket-message-payload", `"websocket.send" needs exactly one of bytes (a Uint8Array) or text (a string), got bytes ${describeValue(bytes)} and text ${describeValue(text)}`, event);
    }
  }

  #close(event: Event): void {
    this.#notWhileDenying(event);
    const code = event["code"];
    if (code !== undefined && !isSendableCloseCode(code)) {
      fail("websocket-close-code", `"websocket.close" code ${describeValue(code)} may not be sent; use 1000-1003, 1007-1014 or 3000-4999`, event);
    }
    const reason = event["reason"];
    if (reason !== undefined && (typeof reason !== "string" || utf8.encode(reason).length > MAX_REASON_BYTES)) {
      fail("websocket-close-reason", `"websocket.close" reason must be a string of at most ${MAX_REASON_BYTES} UTF-8 bytes, got ${describeValue(reason)}`, event);
    }
    this.#socket = "closed";
  }

  #denialStart(event: Event): void {
    if (this.#socket !== "connecting") {
      fail("websocket-denial-order", `app sent "websocket.http.response.start" ${this.#socket === "accepted" ? "after accepting" : "twice"}; a denial response replaces websocket.accept and starts once`, event);
    }
    checkStatus(event);
    checkHeaderList(event["headers"] ?? [], `"websocket.http.response.start" headers`, "lowercase", event);
    this.#socket = "denying";
  }

  #denialBody(event: Event): void {
    if (this.#socket !== "denying") {
      fail("websocket-denial-order", `app sent "websocket.http.response.body" without a preceding "websocket.http.response.start"`, event);
    }
    checkBody(event);
    checkFlag(event, "more_body");
    if (event["more_body"] !== true) this.#socket = "closed";
  }

  #notWhileDenying(event: Event): void {
    if (this.#socket === "denying") {
      fail("websocket-denial-order", `app sent ${eventName(event)} during a denial response; only "websocket.http.response.body" may follow its start`, event);
    }
  }

  checkReceive(raw: unknown): void {
    const event = asEvent(raw, "receive-event-type", "server delivered");
    if (!["websocket.connect", "websocket.receive", "websocket.disconnect"].includes(event.type)) {
      fail("receive-event-type", `server delivered ${eventName(event)}, which is not an event of a websocket connection`, event);
    }
    this.#checkReceiveOrder(event);
    if (event.type === "websocket.receive") checkReceivedMessage(event);
    if (event.type === "websocket.disconnect") checkDisconnect(event);
    this.#received = event.type === "websocket.disconnect" ? "disconnected" : "connected";
  }

  #checkReceiveOrder(event: Event): void {
    const problem =
      this.#received === "disconnected"
        ? 'after "websocket.disconnect"'
        : this.#received === "before-connect" && event.type !== "websocket.connect"
          ? 'before "websocket.connect"'
          : this.#received === "connected" && event.type === "websocket.connect"
            ? "twice"
            : event.type === "websocket.receive" && this.#socket !== "accepted"
              ? "before the app accepted the connection"
              : undefined;
    if (problem !== undefined) {
      fail("receive-order", `server delivered ${eventName(event)} ${problem}; a websocket sees connect first, messages only after accept, disconnect last`, event);
    }
  }

  markSendFailed(): void {
    // A websocket app may end at any time; the server closes what is left open.
  }

  checkReturn(): void {
    // Returning without accept means a 403 denial; returning after accept closes with 1000. Both are allowed.
  }
}

function checkReceivedMessage(event: Event): void {
  const bytes = event["bytes"] ?? null;
  const text = event["text"] ?? null;
  if ((bytes !== null && !(bytes instanceof Uint8Array)) || (text !== null && typeof text !== "string") || (bytes === null) === (text === null)) {
    fail("receive-event-shape", `server delivered "websocket.receive" with bytes ${describeValue(bytes)} and text ${describeValue(text)}; exactly one must be set (a Uint8Array or a string)`, event);
  }
}

function checkDisconnect(event: Event): void {
  if (!isIntegerIn(event["code"], 1000, 4999) || typeof event["reason"] !== "string") {
    fail("receive-event-shape", `server delivered "websocket.disconnect" with code ${describeValue(event["code"])} and reason ${describeValue(event["reason"])}; code must be an integer close code and reason a string`, event);
  }
}

function isSendableCloseCode(code: unknown): boolean {
  return isIntegerIn(code, 1000, 1014) ? code !== 1004 && code !== 1005 && code !== 1006 : isIntegerIn(code, 3000, 4999);
}
