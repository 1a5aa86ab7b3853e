import cluster from "node:cluster";
import type { BroadcastMessage } from "../broadcast.js";
import { UnsupportedBroadcastUrl } from "../errors.js";
import type { Backend, Deliver } from "./backend.js";
import { CLUSTER_RELAY_KEY, type RelayEnvelope } from "./relay-envelope.js";

interface BroadcastRelayPayload {
  kind: "broadcast";
  channel: string;
  text?: string;
  base64?: string;
}

function isBroadcastEnvelope(message: unknown): message is RelayEnvelope<BroadcastRelayPayload> {
  if (typeof message !== "object" || message === null) return false;
  const payload = (message as Record<string, unknown>)[CLUSTER_RELAY_KEY] as { kind?: unknown } | undefined;
  return typeof payload === "object" && payload.kind === "broadcast";
}

function encode(channel: string, message: BroadcastMessage): RelayEnvelope<BroadcastRelayPayload> {
  const payload: BroadcastRelayPayload =
    typeof message === "string"
      ? { kind: "broadcast", channel, text: message }
      : { kind: "broadcast", channel, base64: Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString("base64") };
  return { [CLUSTER_RELAY_KEY]: payload };
}

/**
 * All workers of one cluster: a publish goes to the primary over IPC, which relays it to
 * every worker (the publisher included, so every worker sees the same order).
 */
export function clusterBackend(url: string, deliver: Deliver): Backend {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || send === undefined) {
    throw new UnsupportedBroadcastUrl(
      url,
      "this process is not a cluster worker; cluster:// works inside the workers of `sluice --workers N` (or of a primary that calls installClusterRelay)",
    );
  }
  const onMessage = (message: unknown): void => {
    if (!isBroadcastEnvelope(message)) return;
    const payload = message[CLUSTER_RELAY_KEY];
    deliver(payload.channel, payload.text ?? new Uint8Array(Buffer.from(payload.base64 ?? "", "base64")));
  };
  process.on("message", onMessage);
  return {
    publish(channel, message) {
      return new Promise((resolve, reject) => {
        send(encode(channel, message), undefined, undefined, (error: Error | null) => {
          if (error) reject(error);
          else resolve();
        });
      });
    },
    listen: () => Promise.resolve(),
    unlisten: () => Promise.resolve(),
    close() {
      process.off("message", onMessage);
      return Promise.resolve();
    },
  };
}
