import type { ConformanceCheck } from "../types.js";
import { RawClient, requestHead } from "../raw-client.js";
import { hostOf, scopeRecorder } from "./helpers.js";

export const scopeChecks: ConformanceCheck[] = [
  {
    id: "http.scope.basics",
    title: "An HTTP scope has type, asgi versions, http_version 1.1, the upper-case method, scheme http and a string root_path",
    async run(ctx) {
      const { app, scope } = scopeRecorder();
      const target = await ctx.serve(app);
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("PATCH", "/basics", [["Host", hostOf(target.url)], ["Content-Length", "0"]]));
      const seen = await ctx.wait(scope.promise, "the app to be called");
      ctx.equal(seen.type, "http", "scope.type");
      ctx.equal(seen.asgi.version, "3.0", "scope.asgi.version");
      ctx.expect(seen.asgi.spec_version === undefined || typeof seen.asgi.spec_version === "string", `scope.asgi.spec_version must be a string when present, got ${String(seen.asgi.spec_version)}`);
      ctx.equal(seen.http_version, "1.1", "scope.http_version");
      ctx.equal(seen.method, "PATCH", "scope.method");
      ctx.equal(seen.scheme, "http", "scope.scheme");
      ctx.equal(typeof seen.root_path, "string", "typeof scope.root_path");
      const response = await client.readResponse();
      ctx.equal(response.status, 200, "response status");
    },
  },
  {
    id: "http.scope.http10",
    title: "An HTTP/1.0 request has http_version 1.0",
    async run(ctx) {
      const { app, scope } = scopeRecorder();
      const target = await ctx.serve(app);
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/old", [["Host", hostOf(target.url)]], "HTTP/1.0"));
      ctx.equal((await ctx.wait(scope.promise, "the app to be called")).http_version, "1.0", "scope.http_version");
    },
  },
  {
    id: "http.scope.path-decoding",
    title: "path is percent-decoded UTF-8 while raw_path keeps the bytes as sent",
    async run(ctx) {
      const { app, scope } = scopeRecorder();
      const target = await ctx.serve(app);
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/caf%C3%A9/a%2Fb%20c?x=1", [["Host", hostOf(target.url)]]));
      const seen = await ctx.wait(scope.promise, "the app to be called");
      ctx.equal(seen.path, "/café/a/b c", "scope.path");
      ctx.equal(seen.raw_path, "/caf%C3%A9/a%2Fb%20c", "scope.raw_path");
    },
  },
  {
    id: "http.scope.query-string",
    title: "query_string is the undecoded part after '?', and '' when there is none",
    async run(ctx) {
      const withQuery = scopeRecorder();
      const withoutQuery = scopeRecorder();
      let calls = 0;
      const target = await ctx.serve(async (scope, receive, send) => (calls++ === 0 ? withQuery : withoutQuery).app(scope, receive, send));
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/q?a=1&b=%20x+y&c", [["Host", hostOf(target.url)]]));
      ctx.equal((await ctx.wait(withQuery.scope.promise, "the first request")).query_string, "a=1&b=%20x+y&c", "scope.query_string");
      const first = await client.readResponse();
      await client.write(requestHead("GET", "/q", [["Host", hostOf(target.url)]]));
      ctx.equal((await ctx.wait(withoutQuery.scope.promise, "the second request")).query_string, "", "scope.query_string without a query");
      await client.readResponse({ offset: first.end });
    },
  },
  {
    id: "http.scope.headers",
    title: "headers arrive as [name, value] tuples: names lowercased, order and duplicates kept, values as latin-1 byte strings",
    async run(ctx) {
      const { app, scope } = scopeRecorder();
      const target = await ctx.serve(app);
      const client = await RawClient.open(ctx, target.url);
      await client.write(
        requestHead("GET", "/h", [["Host", hostOf(target.url)], ["X-Multi", "one"], ["X-Other", "caf\u00e9"], ["x-MULTI", "two"], ["Accept", "*/*"]]),
      );
      const seen = await ctx.wait(scope.promise, "the app to be called");
      const interesting = seen.headers.filter(([name]) => name.toLowerCase().startsWith("x-") || name.toLowerCase() === "accept");
      ctx.equal(interesting, [["x-multi", "one"], ["x-other", "caf\u00e9"], ["x-multi", "two"], ["accept", "*/*"]], "x-* and accept headers");
      ctx.expect(seen.headers.some(([name]) => name === "host"), "the host header is missing from scope.headers");
    },
  },
  {
    id: "http.scope.addresses",
    title: "client is the peer's [host, port] and server the listening [host, port]",
    async run(ctx) {
      const { app, scope } = scopeRecorder();
      const target = await ctx.serve(app);
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/", [["Host", hostOf(target.url)]]));
      const seen = await ctx.wait(scope.promise, "the app to be called");
      const url = new URL(target.url);
      ctx.equal(seen.client, ["127.0.0.1", client.socket.localPort], "scope.client");
      ctx.equal(seen.server, [url.hostname, Number(url.port)], "scope.server");
    },
  },
];
