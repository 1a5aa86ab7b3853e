import { getHeader } from "@sluice/core";
import type { ConformanceCheck } from "../types.js";
import { RawClient, requestHead } from "../raw-client.js";
import { deferred, drainBody, encoder, hostOf, httpOnly, respondText } from "./helpers.js";

export const responseChecks: ConformanceCheck[] = [
  {
    id: "http.response.streaming",
    title: "Response body chunks reach the client as the app sends them (chunked when there is no content-length)",
    async run(ctx) {
      const clientSawFirst = deferred<undefined>();
      const target = await ctx.serve(
        httpOnly(async (_scope, receive, send) => {
          await drainBody(receive);
          await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
          await send({ type: "http.response.body", body: encoder.encode("first-chunk;"), more_body: true });
          await clientSawFirst.promise;
          await send({ type: "http.response.body", body: encoder.encode("second-chunk;"), more_body: true });
          await send({ type: "http.response.body", body: encoder.encode("end") });
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/stream", [["Host", hostOf(target.url)]]));
      await client.waitFor(
        (received) => (received.includes("first-chunk;") ? true : undefined),
        "the first body chunk to reach the client before the app sent the next one (the server holds back streamed chunks)",
      );
      clientSawFirst.resolve();
      const response = await client.readResponse();
      ctx.equal(getHeader(response.headers, "transfer-encoding"), "chunked", "transfer-encoding of a response without content-length");
      ctx.equal(response.body.toString("latin1"), "first-chunk;second-chunk;end", "response body");
    },
  },
  {
    id: "http.response.headers",
    title: "Response headers from the app are sent with duplicates and in order",
    async run(ctx) {
      const target = await ctx.serve(
        httpOnly(async (_scope, receive, send) => {
          await drainBody(receive);
          await respondText(send, 201, "made", [["set-cookie", "a=1"], ["x-order", "first"], ["set-cookie", "b=2"]]);
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(target.url)]]));
      const response = await client.readResponse();
      ctx.equal(response.status, 201, "response status");
      ctx.equal(
        response.headers.filter(([name]) => name === "set-cookie" || name === "x-order"),
        [["set-cookie", "a=1"], ["x-order", "first"], ["set-cookie", "b=2"]],
        "set-cookie and x-order headers",
      );
      ctx.equal(response.body.toString("latin1"), "made", "response body");
    },
  },
  {
    id: "http.head",
    title: "A HEAD response carries the app's headers but no body bytes, and the connection stays usable",
    async run(ctx) {
      const target = await ctx.serve(
        httpOnly(async (scope, receive, send) => {
          await drainBody(receive);
          await respondText(send, 200, scope.method === "HEAD" ? "hello" : "second");
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("HEAD", "/", [["Host", hostOf(target.url)]]));
      const head = await client.readResponse({ head: true }, "the HEAD response");
      ctx.equal(getHeader(head.headers, "content-length"), "5", "content-length of the HEAD response");
      await client.write(requestHead("GET", "/next", [["Host", hostOf(target.url)], ["Connection", "close"]]));
      await client.waitForEnd("the server to close after the follow-up request");
      const rest = client.received.subarray(head.end).toString("latin1");
      const extra = rest.indexOf("HTTP/1.");
      ctx.expect(extra === 0, extra === -1 ? `no response to the follow-up GET; got ${JSON.stringify(rest.slice(0, 80))}` : `${extra} body bytes (${JSON.stringify(rest.slice(0, Math.min(extra, 40)))}) followed the HEAD response headers`);
      const next = await client.readResponse({ offset: head.end });
      ctx.equal(next.body.toString("latin1"), "second", "body of the request after HEAD");
    },
  },
  {
    id: "http.expect-continue",
    title: "With 'Expect: 100-continue' the server sends 100 Continue only when the app first calls receive()",
    async run(ctx) {
      const called = deferred<undefined>();
      const release = deferred<undefined>();
      const target = await ctx.serve(
        httpOnly(async (_scope, receive, send) => {
          called.resolve();
          await release.promise;
          const { body } = await drainBody(receive);
          await respondText(send, 200, `got ${body.toString("latin1")}`);
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("POST", "/", [["Host", hostOf(target.url)], ["Content-Length", "5"], ["Expect", "100-continue"]]));
      await ctx.wait(called.promise, "the app to be called for a request with Expect: 100-continue");
      // Give a server that answers eagerly the chance to show it (this waits for an absence).
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, ctx.timeoutMs / 10)));
      const early = client.received.toString("latin1");
      ctx.expect(!early.startsWith("HTTP/1.1 100"), "the server sent 100 Continue before the app called receive(); it must wait until the app asks for the body");
      release.resolve();
      await client.waitFor((received) => (received.toString("latin1").startsWith("HTTP/1.1 100") ? true : undefined), "100 Continue after the app called receive()");
      await client.write("hello");
      const response = await client.readResponse();
      ctx.equal(response.body.toString("latin1"), "got hello", "response body");
    },
  },
];
