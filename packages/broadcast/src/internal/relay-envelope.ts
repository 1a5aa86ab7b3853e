/**
 * The key of cluster IPC messages that a cluster primary forwards to every worker. The
 * `sluice --workers N` supervisor relays any worker message carrying this key.
 */
export const CLUSTER_RELAY_KEY = "sluice:relay";

/** An IPC message to be relayed to all workers. */
export type RelayEnvelope<T> = { [CLUSTER_RELAY_KEY]: T };
