import type { HTTPScope } from "../http.js";
import { isByteString } from "../latin1.js";
import { describeValue, eventName, fail } from "./fail.js";
import { asEvent, checkBody, checkFlag, checkStatus, requireExtension, type ConnectionChecker } from "./connection-checker.js";
import { checkHeaderList, isIntegerIn } from "./value-checks.js";

type ResponseState = "before-start" | "started" | "streaming" | "awaiting-trailers" | "complete";

const SEND_TYPES = new Set([
  "http.response.start",
  "http.response.body",
  "http.response.trailers",
  "http.response.pathsend",
  "http.response.early_hint",
  "http.response.zerocopysend",
]);

type Event = Record<string, unknown> & { type: string };

/** Follows one HTTP request/response through the rules of SPEC.md. */
export class HTTPChecker implements ConnectionChecker {
  #response: ResponseState = "before-start";
  #trailersAnnounced = false;
  #requestComplete = false;
  #disconnected = false;
  #sendFailed = false;

  constructor(private readonly scope: HTTPScope) {}

  checkSend(raw: unknown): void {
    const event = asEvent(raw, "event-type-unknown", "app sent");
    if (!SEND_TYPES.has(event.type)) {
      fail("event-type-unknown", `app sent ${eventName(event)}, which is not an event of an http connection`, event);
    }
    switch (event.type) {
      case "http.response.early_hint":
        this.#earlyHint(event);
        break;
      case "http.response.start":
        this.#start(event);
        break;
      case "http.response.trailers":
        this.#trailers(event);
        break;
      default:
        this.#body(event);
    }
  }

  #earlyHint(event: Event): void {
    requireExtension(this.scope, "http.response.early_hint", event);
    if (this.#response !== "before-start") {
      fail("http-early-hint-after-start", `app sent "http.response.early_hint" after "http.response.start"; early hints must come before the response starts`, event);
    }
    const links = event["links"];
    if (!Array.isArray(links) || !links.every((link) => typeof link === "string" && isByteString(link))) {
      fail("early-hint-links", `"http.response.early_hint" links must be an array of byte strings, got ${describeValue(links)}`, event);
    }
  }

  #start(event: Event): void {
    this.#notAfterComplete(event);
    if (this.#response !== "before-start") {
      fail("http-start-once", `app sent "http.response.start" twice; a response starts exactly once`, event);
    }
    checkStatus(event);
    checkHeaderList(event["headers"] ?? [], `"http.response.start" headers`, "lowercase", event);
    checkFlag(event, "trailers");
    if (event["trailers"] === true) {
      requireExtension(this.scope, "http.response.trailers", event, `app sent "http.response.start" with trailers: true`);
    }
    this.#trailersAnnounced = event["trailers"] === true;
    this.#response = "started";
  }

  #body(event: Event): void {
    if (event.type !== "http.response.body") requireExtension(this.scope, event.type, event);
    this.#notAfterComplete(event);
    if (this.#response === "before-start") {
      fail("http-body-before-start", `app sent ${eventName(event)} before "http.response.start"; the response must start first`, event);
    }
    if (this.#response === "awaiting-trailers") {
      fail("http-send-after-complete", `app sent ${eventName(event)} after the body ended; only "http.response.trailers" may follow`, event);
    }
    if (event.type === "http.response.pathsend") {
      const path = event["path"];
      if (typeof path !== "string" || !path.startsWith("/")) {
        fail("pathsend-path", `"http.response.pathsend" path must be an absolute path string, got ${describeValue(path)}`, event);
      }
    } else if (event.type === "http.response.zerocopysend") {
      checkZerocopy(event);
    } else {
      checkBody(event);
    }
    if (event.type !== "http.response.pathsend") checkFlag(event, "more_body");
    const more = event.type !== "http.response.pathsend" && event["more_body"] === true;
    this.#response = more ? "streaming" : this.#trailersAnnounced ? "awaiting-trailers" : "complete";
  }

  #trailers(event: Event): void {
    requireExtension(this.scope, "http.response.trailers", event);
    if (this.#response !== "before-start" && !this.#trailersAnnounced) {
      fail("http-trailers-not-announced", `app sent "http.response.trailers" but "http.response.start" did not set trailers: true`, event);
    }
    this.#notAfterComplete(event);
    if (this.#response !== "awaiting-trailers") {
      fail("http-trailers-order", `app sent "http.response.trailers" before the last body message; trailers follow a body message with more_body: false`, event);
    }
    checkHeaderList(event["headers"] ?? [], `"http.response.trailers" headers`, "lowercase", event);
    checkFlag(event, "more_trailers");
    if (event["more_trailers"] !== true) this.#response = "complete";
  }

  #notAfterComplete(event: Event): void {
    if (this.#response === "complete") {
      fail("http-send-after-complete", `app sent ${eventName(event)} after the response completed; nothing may be sent after the last body message`, event);
    }
  }

  checkReceive(raw: unknown): void {
    const event = asEvent(raw, "receive-event-type", "server delivered");
    if (event.type === "http.disconnect") {
      this.#disconnected = true;
      return;
    }
    if (event.type !== "http.request") {
      fail("receive-event-type", `server delivered ${eventName(event)}, which is not an event of an http connection`, event);
    }
    if (this.#disconnected || this.#requestComplete) {
      const after = this.#disconnected ? '"http.disconnect"' : "the last body chunk (more_body: false)";
      fail("receive-order", `server delivered "http.request" after ${after}; only "http.disconnect" may follow`, event);
    }
    if (!(event["body"] instanceof Uint8Array) || typeof event["more_body"] !== "boolean") {
      fail("receive-event-shape", `server delivered "http.request" with body ${describeValue(event["body"])} and more_body ${describeValue(event["more_body"])}; body must be a Uint8Array and more_body a boolean`, event);
    }
    if (!event["more_body"]) this.#requestComplete = true;
  }

  markSendFailed(): void {
    this.#sendFailed = true;
  }

  checkReturn(): void {
    if (this.#response === "complete" || this.#disconnected || this.#sendFailed) return;
    const missing = this.#response === "before-start" ? "without sending a response" : this.#response === "awaiting-trailers" ? "without sending the announced trailers" : "before the last body message (more_body: false)";
    fail("http-response-incomplete", `app returned ${missing}; an http app must complete its response unless the client disconnected`);
  }
}

function checkZerocopy(event: Event): void {
  const limit = Number.MAX_SAFE_INTEGER;
  const file = event["file"];
  const offset = event["offset"];
  const count = event["count"];
  if (!isIntegerIn(file, 0, limit) || (offset !== undefined && !isIntegerIn(offset, 0, limit)) || (count !== undefined && !isIntegerIn(count, 0, limit))) {
    fail("zerocopysend-args", `"http.response.zerocopysend" needs file as a file descriptor and offset/count as non-negative integers, got file ${describeValue(file)}, offset ${describeValue(offset)}, count ${describeValue(count)}`, event);
  }
}
