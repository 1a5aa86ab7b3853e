import type { Cluster, Worker } from "node:cluster";
import { CLUSTER_RELAY_KEY } from "./internal/relay-envelope.js";

/**
 * Makes a cluster primary relay `cluster://` broadcast messages between its workers, for
 * apps that run their own `node:cluster` primary instead of `sluice --workers N` (whose
 * supervisor already relays). Returns a function that removes the relay.
 *
 * @example
 * ```ts
 * import cluster from "node:cluster";
 * if (cluster.isPrimary) { installClusterRelay(cluster); cluster.fork(); cluster.fork(); }
 * ```
 */
export function installClusterRelay(cluster: Cluster): () => void {
  const onMessage = (_worker: Worker, message: unknown): void => {
    if (typeof message !== "object" || message === null || !(CLUSTER_RELAY_KEY in message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker?.isConnected()) worker.send(message);
    }
  };
  cluster.on("message", onMessage);
  return () => cluster.off("message", onMessage);
}

export { CLUSTER_RELAY_KEY };
