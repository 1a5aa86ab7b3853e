import { connect, type Socket } from "node:net";

/** What came back for one fuzz case. */
export interface CaseOutcome {
  /** Every byte the server sent. */
  response: Buffer;
  /** `true` when the server neither finished nor closed the connection within the timeout. */
  timedOut: boolean;
  /** Set when a preamble (WebSocket handshake) was not answered with 101. */
  handshakeFailed: boolean;
}

function write(socket: Socket, bytes: Buffer): Promise<void> {
  return new Promise<void>((resolve) => {
    if (socket.destroyed) {
      resolve();
      return;
    }
    socket.write(bytes, () => resolve());
  });
}

/**
 * Connects to 127.0.0.1:`port`, optionally sends `preamble` and waits for its response head,
 * then writes `payload` in pieces cut at `splits` (each piece its own write, so the server
 * sees them in separate reads), half-closes, and waits until the server closes the connection
 * or `timeoutMs` passes.
 */
export async function sendCase(port: number, payload: Buffer, splits: readonly number[], timeoutMs: number, preamble?: Buffer): Promise<CaseOutcome> {
  const socket = connect({ port, host: "127.0.0.1", noDelay: true });
  const chunks: Buffer[] = [];
  let received = 0;
  let headWaiter: (() => void) | null = null;
  socket.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
    if (headWaiter !== null && Buffer.concat(chunks).includes("\r\n\r\n")) headWaiter();
  });
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      resolve(false);
    }, timeoutMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.on("error", () => undefined);
  await new Promise<void>((resolve) => {
    socket.once("connect", resolve);
    socket.once("close", resolve);
  });
  let handshakeFailed = false;
  if (preamble !== undefined && !socket.destroyed) {
    const headArrived = new Promise<void>((resolve) => {
      headWaiter = resolve;
    });
    await write(socket, preamble);
    const ok = await Promise.race([headArrived.then(() => true), closed.then(() => false)]);
    headWaiter = null;
    handshakeFailed = !ok || !Buffer.concat(chunks).toString("latin1").startsWith("HTTP/1.1 101");
  }
  let from = 0;
  for (const at of [...splits, payload.length]) {
    if (at <= from) continue;
    await write(socket, payload.subarray(from, at));
    from = at;
  }
  if (!socket.destroyed) socket.end();
  const didClose = await closed;
  if (!didClose) socket.destroy();
  return { response: Buffer.concat(chunks, received), timedOut: !didClose, handshakeFailed };
}

/** Status codes of every response head found at a response boundary in `bytes`. */
export function responseStatuses(bytes: Buffer): number[] {
  const text = bytes.toString("latin1");
  const statuses: number[] = [];
  for (const match of text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)) statuses.push(Number(match[1]));
  return statuses;
}
