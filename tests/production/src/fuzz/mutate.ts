import type { Random } from "./random.js";

/** One byte-level mutation: takes the input, returns a new buffer. */
export type Mutator = (input: Buffer, random: Random, dictionary: readonly string[]) => Buffer;

function position(input: Buffer, random: Random): number {
  return input.length === 0 ? 0 : random.int(input.length + 1);
}

/** Replaces one byte with a random one. */
export const flipByte: Mutator = (input, random) => {
  if (input.length === 0) return input;
  const out = Buffer.from(input);
  out[random.int(out.length)] = random.int(256);
  return out;
};

/** Flips one bit (good at length fields and opcodes). */
export const flipBit: Mutator = (input, random) => {
  if (input.length === 0) return input;
  const out = Buffer.from(input);
  const at = random.int(out.length);
  out[at] = (out[at] as number) ^ (1 << random.int(8));
  return out;
};

/** Inserts a dictionary token (framing characters, numbers, header lines). */
export const insertToken: Mutator = (input, random, dictionary) => {
  const at = position(input, random);
  return Buffer.concat([input.subarray(0, at), Buffer.from(random.pick(dictionary), "latin1"), input.subarray(at)]);
};

/** Inserts a run of one byte, sometimes long (oversize fields). */
export const insertRun: Mutator = (input, random) => {
  const at = position(input, random);
  const length = random.chance(0.2) ? 1 + random.int(20_000) : 1 + random.int(64);
  return Buffer.concat([input.subarray(0, at), Buffer.alloc(length, random.chance(0.5) ? 0x41 : random.int(256)), input.subarray(at)]);
};

/** Deletes a range of bytes. */
export const deleteRange: Mutator = (input, random) => {
  if (input.length === 0) return input;
  const start = random.int(input.length);
  const end = Math.min(input.length, start + 1 + random.int(16));
  return Buffer.concat([input.subarray(0, start), input.subarray(end)]);
};

/** Repeats a range of bytes right after itself. */
export const duplicateRange: Mutator = (input, random) => {
  if (input.length === 0) return input;
  const start = random.int(input.length);
  const end = Math.min(input.length, start + 1 + random.int(64));
  const slice = input.subarray(start, end);
  return Buffer.concat([input.subarray(0, end), slice, input.subarray(end)]);
};

/** Cuts the input short. */
export const truncate: Mutator = (input, random) => (input.length === 0 ? input : input.subarray(0, random.int(input.length)));

/** Randomises the letter case of the head (method, header names and values). */
export const headerCasing: Mutator = (input, random) => {
  const out = Buffer.from(input);
  const headEnd = out.indexOf("\r\n\r\n");
  const limit = headEnd < 0 ? out.length : headEnd;
  for (let i = 0; i < limit; i++) {
    const byte = out[i] as number;
    const isLetter = (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
    if (isLetter && random.chance(0.3)) out[i] = byte ^ 0x20;
  }
  return out;
};

const NUMBERS = ["0", "1", "-1", "+5", "00000000000000000001", "65535", "65536", "4294967296", "99999999999999999999", "1e3", " 5", "5 ", "0x5", "fffffffffffffffff", "7fffffff", "a", "FFFF"];

/** Replaces a decimal or hex number (Content-Length, chunk sizes, status-like digits) with another. */
export const tweakNumber: Mutator = (input, random) => {
  const text = input.toString("latin1");
  const matches = [...text.matchAll(/[0-9a-fA-F]+/g)].filter((m) => /[0-9]/.test(m[0]));
  if (matches.length === 0) return input;
  const match = random.pick(matches);
  const start = match.index;
  const replacement = random.chance(0.5) ? random.pick(NUMBERS) : String(Math.max(0, Number.parseInt(match[0], 10) + random.int(7) - 3));
  return Buffer.from(text.slice(0, start) + replacement + text.slice(start + match[0].length), "latin1");
};

/** Re-chunks a chunked body: rewrites it as chunks of random sizes (sometimes with a wrong size). */
export const rechunk: Mutator = (input, random) => {
  const text = input.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0 || !/transfer-encoding:\s*chunked/i.test(text.slice(0, headEnd))) return input;
  const body = "x".repeat(random.int(200));
  let out = text.slice(0, headEnd + 4);
  let offset = 0;
  while (offset < body.length) {
    const size = 1 + random.int(40);
    const piece = body.slice(offset, offset + size);
    const declared = random.chance(0.1) ? piece.length + random.int(5) - 2 : piece.length;
    out += `${Math.max(0, declared).toString(16)}\r\n${piece}\r\n`;
    offset += size;
  }
  out += "0\r\n\r\n";
  return Buffer.from(out, "latin1");
};

/** Replaces one CRLF with a bare LF or a bare CR. */
export const lineEnding: Mutator = (input, random) => {
  const text = input.toString("latin1");
  const spots = [...text.matchAll(/\r\n/g)].map((m) => m.index);
  if (spots.length === 0) return input;
  const at = random.pick(spots);
  return Buffer.from(text.slice(0, at) + (random.chance(0.5) ? "\n" : "\r") + text.slice(at + 2), "latin1");
};

/** The mutators used for HTTP requests. */
export const HTTP_MUTATORS: readonly Mutator[] = [flipByte, flipBit, insertToken, insertRun, deleteRange, duplicateRange, truncate, headerCasing, tweakNumber, tweakNumber, rechunk, lineEnding];

/** The mutators used for WebSocket frame sequences. */
export const FRAME_MUTATORS: readonly Mutator[] = [flipByte, flipBit, flipBit, deleteRange, duplicateRange, truncate, insertRun];

/** Applies 1–4 random mutators. */
export function mutate(input: Buffer, random: Random, mutators: readonly Mutator[], dictionary: readonly string[]): Buffer {
  let out = input;
  const rounds = 1 + random.int(4);
  for (let i = 0; i < rounds; i++) out = random.pick(mutators)(out, random, dictionary);
  return out;
}

/** Cuts the bytes into 1–5 pieces at random split points (each piece is written separately). */
export function splitPoints(length: number, random: Random): number[] {
  const count = random.int(5);
  const points = new Set<number>();
  for (let i = 0; i < count && length > 1; i++) points.add(1 + random.int(length - 1));
  return [...points].sort((a, b) => a - b);
}
