import { ClientDisconnected, type HTTPReceive } from "@sluice/core";

/**
 * A `ReadableStream` over the request body that calls `receive()` only when the reader pulls,
 * so the body flows no faster than the handler reads it. `onEnd` runs once the last chunk
 * was taken; `onDisconnect` when the client went away mid-body (the stream errors too, with `ClientDisconnected`).
 */
export function requestBodyStream(receive: HTTPReceive, onEnd: () => void, onDisconnect: () => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const event = await receive();
          if (event.type === "http.disconnect") {
            onDisconnect();
            controller.error(new ClientDisconnected("the client disconnected before the request body was complete"));
            return;
          }
          if (event.body.byteLength > 0) controller.enqueue(event.body);
          if (!event.more_body) {
            controller.close();
            onEnd();
            return;
          }
          if (event.body.byteLength > 0) return;
        }
      },
    },
    { highWaterMark: 0 },
  );
}
