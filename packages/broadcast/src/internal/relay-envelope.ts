/**
 * The key of cluster IPC messages that a cluster primary forwards to every worker. The
 * `sluice --workers N` supervisor relays any worker message carrying this key.
 *
 * @example
 * ```ts
 * // In a hand-written cluster primary that does not use installClusterRelay():
 * worker.on("message", (message) => {
 *   if (typeof message === "object" && message !== null && CLUSTER_RELAY_KEY in message) {
 *     for (const other of Object.values(cluster.workers ?? {})) other?.send(message);
 *   }
 * });
 * ```
 */
export const CLUSTER_RELAY_KEY = "sluice:relay";

/** An IPC message to be relayed to all workers. */
export type RelayEnvelope<T> = { [CLUSTER_RELAY_KEY]: T };
