import { describe, expect, it } from "vitest";
import type { HTTPSend, HTTPSendEvent } from "./http.js";
import { ProtocolError } from "./errors.js";
import { offerTextBody, sendTextBody, type TextBodyTarget } from "./text-body.js";

/** A send that records what it is given. */
function recordingSend(): { send: HTTPSend; events: HTTPSendEvent[] } {
  const events: HTTPSendEvent[] = [];
  const send: HTTPSend = (event) => {
    events.push(event);
    return Promise.resolve();
  };
  return { send, events };
}

/** A target for `send` that records the strings it is handed. */
function recordingTarget(send: HTTPSend): TextBodyTarget & { texts: string[] } {
  const texts: string[] = [];
  return {
    send,
    texts,
    sendTextBody(text) {
      texts.push(text);
      return Promise.resolve();
    },
  };
}

describe("sendTextBody", () => {
  it("sends a plain send one last body event holding the UTF-8 bytes of the text", async () => {
    const { send, events } = recordingSend();
    await sendTextBody(send, "héllo ✓");
    expect(events).toHaveLength(1);
    const event = events[0] as { type: string; body: Uint8Array; more_body: boolean };
    expect(event.type).toBe("http.response.body");
    expect(event.more_body).toBe(false);
    expect(Buffer.from(event.body).equals(Buffer.from("héllo ✓", "utf8"))).toBe(true);
  });

  it("hands the string to the target a server offered on its send, and does not call the send", async () => {
    const { send, events } = recordingSend();
    const target = recordingTarget(send);
    offerTextBody(target);
    await sendTextBody(send, "Hello, World!");
    expect(target.texts).toEqual(["Hello, World!"]);
    expect(events).toEqual([]);
  });

  it("gives a middleware's wrapper around an offering send the ordinary event, so the middleware sees the bytes", async () => {
    const { send: inner, events } = recordingSend();
    const target = recordingTarget(inner);
    offerTextBody(target);
    const seen: Uint8Array[] = [];
    const wrapper: HTTPSend = (event) => {
      if (event.type === "http.response.body" && event.body !== undefined) seen.push(event.body);
      return inner(event);
    };
    await sendTextBody(wrapper, "abc");
    expect(target.texts).toEqual([]);
    expect(seen.map((bytes) => Buffer.from(bytes).toString("utf8"))).toEqual(["abc"]);
    expect(events).toHaveLength(1);
  });

  it("passes on the target's rejection", async () => {
    const { send } = recordingSend();
    const failure = new Error("gone");
    offerTextBody({ send, sendTextBody: () => Promise.reject(failure) });
    await expect(sendTextBody(send, "x")).rejects.toBe(failure);
  });

  it("gives a Proxy around an offering send, or a copy of its properties, the ordinary event", async () => {
    const { send: inner, events } = recordingSend();
    const target = recordingTarget(inner);
    offerTextBody(target);
    const proxied = new Proxy(inner, {});
    const copied: HTTPSend = Object.assign((event: HTTPSendEvent) => inner(event), inner);
    await sendTextBody(proxied, "through a proxy");
    await sendTextBody(copied, "through a copy");
    expect(target.texts).toEqual([]);
    expect(events.map((event) => Buffer.from((event as { body: Uint8Array }).body).toString("utf8"))).toEqual(["through a proxy", "through a copy"]);
  });

  it("refuses a body that is not a string with a ProtocolError naming the rule, and sends nothing", async () => {
    const { send, events } = recordingSend();
    const target = recordingTarget(send);
    offerTextBody(target);
    await expect(sendTextBody(send, 42 as unknown as string)).rejects.toMatchObject({ code: "ERR_PROTOCOL", rule: "text-body-string" });
    await expect(sendTextBody(send, undefined as unknown as string)).rejects.toBeInstanceOf(ProtocolError);
    expect(target.texts).toEqual([]);
    expect(events).toEqual([]);
  });

  it("sends an unpaired surrogate as the UTF-8 replacement character, as TextEncoder does", async () => {
    const { send, events } = recordingSend();
    await sendTextBody(send, "a\uD800b");
    const event = events[0] as { body: Uint8Array };
    expect(Array.from(event.body)).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62]);
  });
});
