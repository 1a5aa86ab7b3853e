export { createBroadcast } from "./create-broadcast.js";
export { installClusterRelay, CLUSTER_RELAY_KEY } from "./cluster-relay.js";
export { BroadcastClosed, BroadcastConfigError, BroadcastConnectionError, SubscriberOverflow, UnsupportedBroadcastUrl } from "./errors.js";
export type { Broadcast, BroadcastGap, BroadcastMessage, BroadcastOptions, SubscribeOptions, Subscription } from "./broadcast.js";
