import type { BroadcastMessage } from "../broadcast.js";

/** Where a backend hands incoming messages for local fan-out. */
export type Deliver = (channel: string, message: BroadcastMessage) => void;

/** A transport between processes; local fan-out is done by the broadcast itself. */
export interface Backend {
  publish(channel: string, message: BroadcastMessage): Promise<void>;
  /** The first local subscriber of `channel` appeared. */
  listen(channel: string): Promise<void>;
  /** The last local subscriber of `channel` left. */
  unlisten(channel: string): Promise<void>;
  close(): Promise<void>;
}
