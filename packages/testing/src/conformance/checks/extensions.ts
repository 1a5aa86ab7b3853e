import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HTTPScope } from "@sluice/core";
import type { CheckContext, ConformanceCheck } from "../types.js";
import { RawClient, requestHead } from "../raw-client.js";
import { deferred, drainBody, encoder, hostOf, httpOnly, respondText } from "./helpers.js";

/** Serves an app that answers plainly when `extension` is not advertised and runs `withExtension` when it is. */
async function serveForExtension(
  ctx: CheckContext,
  extension: string,
  withExtension: (scope: HTTPScope, send: Parameters<Parameters<typeof httpOnly>[0]>[2]) => Promise<void>,
): Promise<{ url: string; advertised: Promise<boolean> }> {
  const advertised = deferred<boolean>();
  const target = await ctx.serve(
    httpOnly(async (scope, receive, send) => {
      await drainBody(receive);
      const supported = scope.extensions?.[extension] !== undefined;
      advertised.resolve(supported);
      if (supported) await withExtension(scope, send);
      else await respondText(send, 200, "extension not advertised");
    }),
  );
  return { url: target.url, advertised: advertised.promise };
}

export const extensionChecks: ConformanceCheck[] = [
  {
    id: "extension.pathsend",
    title: "When http.response.pathsend is advertised, the file the app names is sent as the body",
    async run(ctx) {
      const dir = await mkdtemp(join(tmpdir(), "sluice-conformance-"));
      ctx.defer(() => rm(dir, { recursive: true, force: true }));
      const file = join(dir, "payload.txt");
      const content = "pathsend payload\n".repeat(1000);
      await writeFile(file, content);
      const { url, advertised } = await serveForExtension(ctx, "http.response.pathsend", async (_scope, send) => {
        await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"], ["content-length", String(content.length)]] });
        await send({ type: "http.response.pathsend", path: file });
      });
      const client = await RawClient.open(ctx, url);
      await client.write(requestHead("GET", "/file", [["Host", hostOf(url)]]));
      if (!(await ctx.wait(advertised, "the app to be called"))) ctx.skip("the server does not advertise http.response.pathsend");
      const response = await client.readResponse();
      ctx.expect(response.body.toString("latin1") === content, `the body is ${response.body.byteLength} bytes, not the ${content.length}-byte file`);
    },
  },
  {
    id: "extension.trailers",
    title: "When http.response.trailers is advertised (request with TE: trailers), trailers the app sends follow the chunked body",
    async run(ctx) {
      const { url, advertised } = await serveForExtension(ctx, "http.response.trailers", async (_scope, send) => {
        await send({ type: "http.response.start", status: 200, headers: [["trailer", "x-checksum"]], trailers: true });
        await send({ type: "http.response.body", body: encoder.encode("data") });
        await send({ type: "http.response.trailers", headers: [["x-checksum", "abc123"]] });
      });
      const client = await RawClient.open(ctx, url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(url)], ["TE", "trailers"]]));
      if (!(await ctx.wait(advertised, "the app to be called"))) ctx.skip("the server does not advertise http.response.trailers");
      const response = await client.readResponse();
      ctx.equal(response.body.toString("latin1"), "data", "body");
      ctx.equal(response.trailers, [["x-checksum", "abc123"]], "trailers after the chunked body");
    },
  },
  {
    id: "extension.early_hint",
    title: "When http.response.early_hint is advertised, a 103 Early Hints response with the links comes before the final response",
    async run(ctx) {
      const { url, advertised } = await serveForExtension(ctx, "http.response.early_hint", async (_scope, send) => {
        await send({ type: "http.response.early_hint", links: ["</style.css>; rel=preload; as=style"] });
        await respondText(send, 200, "final");
      });
      const client = await RawClient.open(ctx, url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(url)]]));
      if (!(await ctx.wait(advertised, "the app to be called"))) ctx.skip("the server does not advertise http.response.early_hint");
      const hint = await client.readResponse({ informational: true }, "the 103 response");
      ctx.equal(hint.status, 103, "status of the first response");
      ctx.equal(hint.headers.filter(([name]) => name === "link").map(([, value]) => value), ["</style.css>; rel=preload; as=style"], "link headers of the 103 response");
      const final = await client.readResponse({ offset: hint.end });
      ctx.equal({ status: final.status, body: final.body.toString("latin1") }, { status: 200, body: "final" }, "final response");
    },
  },
];
