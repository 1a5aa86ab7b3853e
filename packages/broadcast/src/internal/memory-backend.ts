import type { Backend, Deliver } from "./backend.js";

/** One process: publishing delivers straight to the local subscribers. */
export function memoryBackend(deliver: Deliver): Backend {
  return {
    publish(channel, message) {
      deliver(channel, message);
      return Promise.resolve();
    },
    listen: () => Promise.resolve(),
    unlisten: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
