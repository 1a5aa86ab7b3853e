import type { ConformanceCheck } from "../types.js";
import { RawClient, requestHead } from "../raw-client.js";
import { deferred, describeError, drainBody, encoder, hostOf, httpOnly, isClientDisconnected, respondText } from "./helpers.js";

export const disconnectChecks: ConformanceCheck[] = [
  {
    id: "http.disconnect.client-abort",
    title: "When the client closes the connection while the app waits in receive(), the app gets http.disconnect",
    async run(ctx) {
      const gotBody = deferred<undefined>();
      const next = deferred<string>();
      const target = await ctx.serve(
        httpOnly(async (_scope, receive) => {
          await drainBody(receive);
          gotBody.resolve();
          next.resolve((await receive()).type);
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(`${requestHead("POST", "/", [["Host", hostOf(target.url)], ["Content-Length", "3"]])}abc`);
      await ctx.wait(gotBody.promise, "the app to read the body");
      client.destroy();
      ctx.equal(await ctx.wait(next.promise, "http.disconnect after the client closed the connection"), "http.disconnect", "event after the client left");
    },
  },
  {
    id: "http.disconnect.during-body",
    title: "When the client goes away in the middle of the request body, the app's receive() ends with http.disconnect",
    async run(ctx) {
      const outcome = deferred<boolean>();
      const started = deferred<undefined>();
      const target = await ctx.serve(
        httpOnly(async (_scope, receive) => {
          started.resolve();
          outcome.resolve((await drainBody(receive)).disconnected);
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(`${requestHead("POST", "/", [["Host", hostOf(target.url)], ["Content-Length", "100"]])}0123456789`);
      await ctx.wait(started.promise, "the app to be called");
      client.destroy();
      const disconnected = await ctx.wait(outcome.promise, "the app's receive() to report the aborted body");
      ctx.expect(disconnected, "the app received a complete body (more_body: false) although the client sent 10 of 100 bytes and left");
    },
  },
  {
    id: "http.disconnect.after-response",
    title: "After the response is complete, receive() returns http.disconnect even while the connection stays open",
    async run(ctx) {
      const next = deferred<string>();
      const target = await ctx.serve(
        httpOnly(async (_scope, receive, send) => {
          await drainBody(receive);
          await respondText(send, 200, "done");
          next.resolve((await receive()).type);
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(target.url)]]));
      await client.readResponse();
      ctx.equal(await ctx.wait(next.promise, "http.disconnect from receive() after the response completed"), "http.disconnect", "event after the response");
    },
  },
  {
    id: "http.disconnect.send-rejects",
    title: "send() after the client disconnected rejects with ClientDisconnected (code ERR_CLIENT_DISCONNECTED)",
    async run(ctx) {
      const sendError = deferred<unknown>();
      const target = await ctx.serve(
        httpOnly(async (_scope, receive, send) => {
          await drainBody(receive);
          await send({ type: "http.response.start", status: 200 });
          await send({ type: "http.response.body", body: encoder.encode("tick;"), more_body: true });
          for (let event = await receive(); event.type !== "http.disconnect"; event = await receive());
          try {
            await send({ type: "http.response.body", body: encoder.encode("late;"), more_body: true });
            sendError.resolve(undefined);
          } catch (error) {
            sendError.resolve(error);
          }
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(target.url)]]));
      await client.waitFor((received) => (received.includes("tick;") ? true : undefined), "the first body chunk");
      client.destroy();
      const error = await ctx.wait(sendError.promise, "the app to see http.disconnect and try to send");
      ctx.expect(isClientDisconnected(error), `send() after disconnect must reject with ClientDisconnected; it gave ${describeError(error)}`);
    },
  },
];
