import type { Duplex } from "node:stream";
import type { Headers } from "@sluice/core";
import { reasonPhrase } from "@sluice/core";

/** Serialises an HTTP/1.1 response head; header strings are byte strings, so it is encoded as latin-1. */
export function responseHead(status: number, headers: Headers): Buffer {
  let head = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return Buffer.from(`${head}\r\n`, "latin1");
}

/** Answers a raw upgrade socket with a short plain-text response and closes it. */
export function rejectRawSocket(socket: Duplex, status: number, message: string): void {
  const body = Buffer.from(message);
  const head = responseHead(status, [
    ["connection", "close"],
    ["content-type", "text/plain; charset=utf-8"],
    ["content-length", String(body.length)],
  ]);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  socket.end(Buffer.concat([head, body]));
}
