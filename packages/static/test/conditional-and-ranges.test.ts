import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticFiles } from "../src/index.js";
import { header, headerNames, startClient, type TestClient } from "./support/client.js";
import { innerApp } from "./support/in-process.js";
import { createTempTree, type TempTree } from "./support/temp-tree.js";

let tree: TempTree;
let client: TestClient;
let etag: string;
const CONTENT = Buffer.from(Array.from({ length: 1000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(""));
const LAST_MODIFIED = "Wed, 10 Jan 2024 12:00:00 GMT";
const EARLIER = "Tue, 09 Jan 2024 12:00:00 GMT";
const LATER = "Thu, 11 Jan 2024 12:00:00 GMT";

beforeAll(async () => {
  tree = await createTempTree("conditional");
  await tree.write("letters.txt", CONTENT);
  await tree.touch("letters.txt", new Date(LAST_MODIFIED));
  client = await startClient(staticFiles({ directory: tree.root, maxRanges: 5, precompressed: false })(innerApp));
  etag = header(await client.request("/letters.txt"), "etag") ?? "";
});

afterAll(async () => {
  await client.close();
  await tree.remove();
});

function get(headers: Record<string, string>, method = "GET") {
  return client.request("/letters.txt", { method, headers });
}

describe("conditional requests (RFC 9110 13.2.2)", () => {
  const matrix: Array<[string, () => Record<string, string>, number]> = [
    ["If-None-Match with the current tag", () => ({ "if-none-match": etag }), 304],
    ["If-None-Match with the tag marked weak", () => ({ "if-none-match": `W/${etag}` }), 304],
    ["If-None-Match with a list containing the tag", () => ({ "if-none-match": `"zzz", ${etag}` }), 304],
    ["If-None-Match: *", () => ({ "if-none-match": "*" }), 304],
    ["If-None-Match with another tag", () => ({ "if-none-match": '"other"' }), 200],
    ["If-None-Match that does not match, with a later If-Modified-Since", () => ({ "if-none-match": '"other"', "if-modified-since": LATER }), 200],
    ["If-Modified-Since equal to Last-Modified", () => ({ "if-modified-since": LAST_MODIFIED }), 304],
    ["If-Modified-Since later than Last-Modified", () => ({ "if-modified-since": LATER }), 304],
    ["If-Modified-Since earlier than Last-Modified", () => ({ "if-modified-since": EARLIER }), 200],
    ["If-Modified-Since that is not a date", () => ({ "if-modified-since": "last tuesday" }), 200],
    ["If-Match with the current tag", () => ({ "if-match": etag }), 200],
    ["If-Match: *", () => ({ "if-match": "*" }), 200],
    ["If-Match with another tag", () => ({ "if-match": '"other"' }), 412],
    ["If-Match with the tag marked weak", () => ({ "if-match": `W/${etag}` }), 412],
    ["If-Unmodified-Since earlier than Last-Modified", () => ({ "if-unmodified-since": EARLIER }), 412],
    ["If-Unmodified-Since equal to Last-Modified", () => ({ "if-unmodified-since": LAST_MODIFIED }), 200],
    ["If-Unmodified-Since earlier, but If-Match matches", () => ({ "if-match": etag, "if-unmodified-since": EARLIER }), 200],
    ["failing If-Match together with a matching If-None-Match", () => ({ "if-match": '"other"', "if-none-match": etag }), 412],
    ["matching If-None-Match together with a Range", () => ({ "if-none-match": etag, range: "bytes=0-9" }), 304],
    ["failing If-Match together with a Range", () => ({ "if-match": '"other"', range: "bytes=0-9" }), 412],
    ["a Range with a matching If-Range tag", () => ({ range: "bytes=0-9", "if-range": etag }), 206],
    ["a Range with a stale If-Range tag", () => ({ range: "bytes=0-9", "if-range": '"stale"' }), 200],
    ["a Range with a weak If-Range tag", () => ({ range: "bytes=0-9", "if-range": `W/${etag}` }), 200],
    ["a Range with If-Range equal to Last-Modified", () => ({ range: "bytes=0-9", "if-range": LAST_MODIFIED }), 206],
    ["a Range with an older If-Range date", () => ({ range: "bytes=0-9", "if-range": EARLIER }), 200],
    ["an unsatisfiable Range", () => ({ range: "bytes=5000-" }), 416],
    ["an unsatisfiable Range with a stale If-Range", () => ({ range: "bytes=5000-", "if-range": '"stale"' }), 200],
    ["an unsatisfiable Range but a matching If-None-Match", () => ({ range: "bytes=5000-", "if-none-match": etag }), 304],
  ];

  it.each(matrix)("answers %s with the expected status", async (_label, headers, status) => {
    const response = await get(headers());
    expect(response.status).toBe(status);
    if (status === 200) expect(response.body.equals(CONTENT)).toBe(true);
  });

  it("sends only the permitted headers on a 304", async () => {
    const response = await get({ "if-none-match": etag });
    expect(response.status).toBe(304);
    expect(response.body.length).toBe(0);
    expect(header(response, "etag")).toBe(etag);
    expect(header(response, "last-modified")).toBe(LAST_MODIFIED);
    expect(header(response, "cache-control")).toBe("public, max-age=0, must-revalidate");
    const allowed = new Set(["etag", "last-modified", "cache-control", "vary", "content-location", "date", "expires", "connection", "keep-alive", "server"]);
    expect(headerNames(response).filter((name) => !allowed.has(name))).toEqual([]);
  });

  it("answers HEAD with a matching If-None-Match with 304", async () => {
    const response = await get({ "if-none-match": etag }, "HEAD");
    expect(response.status).toBe(304);
  });

  it("answers 412 with no file bytes", async () => {
    const response = await get({ "if-match": '"other"' });
    expect(response.body.includes(CONTENT.subarray(0, 20))).toBe(false);
  });
});

describe("byte ranges", () => {
  it("serves a single range as 206 with Content-Range", async () => {
    const response = await get({ range: "bytes=10-19" });
    expect(response.status).toBe(206);
    expect(header(response, "content-range")).toBe("bytes 10-19/1000");
    expect(header(response, "content-length")).toBe("10");
    expect(header(response, "content-type")).toBe("text/plain; charset=utf-8");
    expect(response.body.equals(CONTENT.subarray(10, 20))).toBe(true);
  });

  it("serves a suffix range", async () => {
    const response = await get({ range: "bytes=-25" });
    expect(response.status).toBe(206);
    expect(header(response, "content-range")).toBe("bytes 975-999/1000");
    expect(response.body.equals(CONTENT.subarray(975))).toBe(true);
  });

  it("serves an open-ended range", async () => {
    const response = await get({ range: "bytes=990-" });
    expect(header(response, "content-range")).toBe("bytes 990-999/1000");
    expect(response.body.equals(CONTENT.subarray(990))).toBe(true);
  });

  it("answers an unsatisfiable range with 416 and the current length", async () => {
    const response = await get({ range: "bytes=1000-1010" });
    expect(response.status).toBe(416);
    expect(header(response, "content-range")).toBe("bytes */1000");
  });

  it("serves several ranges as multipart/byteranges with correct parts", async () => {
    const response = await get({ range: "bytes=0-4, 500-504, -3" });
    expect(response.status).toBe(206);
    const type = header(response, "content-type") ?? "";
    const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(type)?.[1];
    expect(boundary).toBeDefined();
    expect(header(response, "content-length")).toBe(String(response.body.length));
    expect(header(response, "content-range")).toBeUndefined();
    const parts = parseMultipart(response.body, boundary ?? "");
    expect(parts.map((part) => part.headers["content-range"])).toEqual(["bytes 0-4/1000", "bytes 500-504/1000", "bytes 997-999/1000"]);
    expect(parts.map((part) => part.headers["content-type"])).toEqual(Array(3).fill("text/plain; charset=utf-8"));
    expect(parts.map((part) => part.body.toString())).toEqual([
      CONTENT.subarray(0, 5).toString(),
      CONTENT.subarray(500, 505).toString(),
      CONTENT.subarray(997).toString(),
    ]);
  });

  it("merges overlapping ranges instead of repeating bytes", async () => {
    const response = await get({ range: "bytes=0-499, 100-599, 200-699" });
    expect(response.status).toBe(206);
    expect(header(response, "content-range")).toBe("bytes 0-699/1000");
    expect(response.body.length).toBe(700);
  });

  it("sends the whole file when a request has more ranges than allowed", async () => {
    const response = await get({ range: "bytes=0-0,100-100,200-200,300-300,400-400,500-500" });
    expect(response.status).toBe(200);
    expect(response.body.equals(CONTENT)).toBe(true);
  });

  it("sends the whole file for a malformed Range", async () => {
    const response = await get({ range: "bytes=abc" });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(1000);
  });

  it("ignores Range on HEAD", async () => {
    const response = await get({ range: "bytes=0-9" }, "HEAD");
    expect(response.status).toBe(200);
    expect(header(response, "content-length")).toBe("1000");
  });

  it("never sends more bytes than the file for a flood of overlapping ranges", async () => {
    const response = await get({ range: `bytes=${Array(5).fill("0-").join(",")}` });
    expect(response.status).toBe(206);
    expect(response.body.length).toBe(1000);
  });
});

function parseMultipart(body: Buffer, boundary: string): Array<{ headers: Record<string, string>; body: Buffer }> {
  const text = body.toString("latin1");
  const delimiter = `--${boundary}`;
  expect(text.endsWith(`\r\n${delimiter}--\r\n`)).toBe(true);
  const sections = text.slice(0, text.lastIndexOf(`\r\n${delimiter}--`)).split(`${delimiter}\r\n`).slice(1);
  return sections.map((section) => {
    const trimmed = section.endsWith("\r\n") ? section.slice(0, -2) : section;
    const [head = "", ...rest] = trimmed.split("\r\n\r\n");
    const headers = Object.fromEntries(head.split("\r\n").map((line) => line.split(": ", 2) as [string, string]).map(([name, value]) => [name.toLowerCase(), value]));
    return { headers, body: Buffer.from(rest.join("\r\n\r\n"), "latin1") };
  });
}
