/**
 * Seed frame sequences for the WebSocket mutation fuzzer (sent after a valid handshake).
 * Client-to-server frames are masked, as RFC 6455 requires; some seeds break the rules on
 * purpose (unmasked, reserved bits, oversize control frames, invalid UTF-8, too large).
 */
export interface FrameSeed {
  name: string;
  bytes: Buffer;
}

const MASK = Buffer.from([0x12, 0x34, 0x56, 0x78]);

/** Builds one frame: FIN bit, opcode, optional masking and RSV1. */
export function frame(opcode: number, payload: Buffer, options: { fin?: boolean; masked?: boolean; rsv1?: boolean } = {}): Buffer {
  const fin = options.fin ?? true;
  const masked = options.masked ?? true;
  const first = (fin ? 0x80 : 0) | (options.rsv1 === true ? 0x40 : 0) | opcode;
  let head: Buffer;
  if (payload.length < 126) head = Buffer.from([first, (masked ? 0x80 : 0) | payload.length]);
  else if (payload.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = first;
    head[1] = (masked ? 0x80 : 0) | 126;
    head.writeUInt16BE(payload.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = (masked ? 0x80 : 0) | 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (MASK[i % 4] as number);
  return Buffer.concat([head, MASK, body]);
}

function closePayload(code: number, reason: string): Buffer {
  const out = Buffer.alloc(2 + Buffer.byteLength(reason));
  out.writeUInt16BE(code, 0);
  out.write(reason, 2);
  return out;
}

/** The WebSocket seed corpus. */
export const FRAME_SEEDS: readonly FrameSeed[] = [
  { name: "text", bytes: frame(1, Buffer.from("hello")) },
  { name: "binary", bytes: frame(2, Buffer.from([0, 1, 2, 3, 255])) },
  { name: "ping-pong", bytes: Buffer.concat([frame(9, Buffer.from("p")), frame(10, Buffer.from("q"))]) },
  { name: "close", bytes: frame(8, closePayload(1000, "done")) },
  { name: "fragmented", bytes: Buffer.concat([frame(1, Buffer.from("hel"), { fin: false }), frame(9, Buffer.alloc(0)), frame(0, Buffer.from("lo"))]) },
  { name: "medium", bytes: frame(2, Buffer.alloc(300, 7)) },
  { name: "too-large", bytes: frame(2, Buffer.alloc(70_000, 1)) },
  { name: "app-close", bytes: frame(1, Buffer.from("close:4000:bye")) },
  { name: "whoami", bytes: frame(1, Buffer.from("whoami")) },
  { name: "unmasked", bytes: frame(1, Buffer.from("hello"), { masked: false }) },
  { name: "rsv1", bytes: frame(1, Buffer.from("hello"), { rsv1: true }) },
  { name: "bad-utf8", bytes: frame(1, Buffer.from([0xc3, 0x28, 0xff])) },
  { name: "long-ping", bytes: frame(9, Buffer.alloc(200, 1)) },
  { name: "bad-close-code", bytes: frame(8, closePayload(1005, "")) },
  { name: "reserved-opcode", bytes: frame(3, Buffer.from("x")) },
];

/** A valid handshake request (the key is the RFC 6455 sample nonce). */
export const WEBSOCKET_HANDSHAKE = Buffer.from(
  "GET /chat HTTP/1.1\r\nHost: fuzz.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  "latin1",
);
