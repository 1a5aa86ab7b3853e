// The workloads of the server scenarios, shared by every contender so they answer identically.
// A contender program reads SERVER_WORKLOAD ("hello" | "16k" | "upload") from its environment.
import { HELLO_BODY } from "./announce.js";

/** Which workload a contender serves. */
export type Workload = "hello" | "16k" | "upload";

/** The workload named by SERVER_WORKLOAD (default "hello"). */
export function workload(): Workload {
  const value = process.env["SERVER_WORKLOAD"] ?? "hello";
  if (value !== "hello" && value !== "16k" && value !== "upload") throw new Error(`unknown SERVER_WORKLOAD "${value}"`);
  return value;
}

/** The fixed response body of the "hello" (13 bytes) and "16k" (16 KiB) workloads. */
export function fixedBody(kind: Workload): Buffer {
  return kind === "16k" ? Buffer.alloc(16 * 1024, 0x78) : Buffer.from(HELLO_BODY);
}
