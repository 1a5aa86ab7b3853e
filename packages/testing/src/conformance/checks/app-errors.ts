import { getHeader } from "@sluice/core";
import type { ConformanceCheck } from "../types.js";
import { RawClient, requestHead } from "../raw-client.js";
import { drainBody, encoder, hostOf, httpOnly } from "./helpers.js";

export const appErrorChecks: ConformanceCheck[] = [
  {
    id: "http.error.before-start",
    title: "An app that throws before http.response.start gets a 500 response",
    async run(ctx) {
      const target = await ctx.serve(
        httpOnly(async (_scope, receive) => {
          await drainBody(receive);
          throw new Error("conformance: deliberate failure before start");
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(target.url)]]));
      ctx.equal((await client.readResponse()).status, 500, "status after the app threw");
    },
  },
  {
    id: "http.error.no-response",
    title: "An app that returns without sending a response gets a 500 response",
    async run(ctx) {
      const target = await ctx.serve(
        httpOnly(async (_scope, receive) => {
          await drainBody(receive);
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(target.url)]]));
      ctx.equal((await client.readResponse()).status, 500, "status after the app returned without responding");
    },
  },
  {
    id: "http.error.after-start",
    title: "An app that throws after http.response.start leaves a visibly truncated response: the connection is closed without a normal end",
    async run(ctx) {
      const target = await ctx.serve(
        httpOnly(async (_scope, receive, send) => {
          await drainBody(receive);
          await send({ type: "http.response.start", status: 200 });
          await send({ type: "http.response.body", body: encoder.encode("partial;"), more_body: true });
          throw new Error("conformance: deliberate failure mid-response");
        }),
      );
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(target.url)]]));
      await client.waitForEnd("the server to close the connection after the app failed mid-response");
      const response = await client.readResponse();
      ctx.equal(response.status, 200, "status already sent");
      ctx.expect(!response.chunkedComplete, "the response ended with the terminating zero-size chunk, so the client cannot tell it was cut short");
      const length = getHeader(response.headers, "content-length");
      ctx.expect(length === undefined || Number(length) > response.body.byteLength, "the response looks complete although the app failed mid-response");
    },
  },
];
