import { describe, expect, it } from "vitest";
import { MemoryLogger, RawClient, start, textApp } from "./helpers.js";

describe("access log", () => {
  it("writes one line per request with client, request line, status, bytes and duration", async () => {
    const logger = new MemoryLogger();
    const server = await start(textApp("Hello, World!"), { accessLog: true, logger });
    const client = await RawClient.open(server.port);
    const port = client.socket.localPort;
    client.write("GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    await client.responses(2);
    client.destroy();
    await server.close();
    const lines = logger.text("access").split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port} - "GET /a\\?b=1 HTTP/1\\.1" 200 13 \\d+\\.\\dms$`));
    expect(lines[1]).toMatch(/"POST \/c HTTP\/1\.1" 200 13 /);
  });

  it("logs requests the server answers itself, such as a 400 for a bad path", async () => {
    const logger = new MemoryLogger();
    const server = await start(textApp("x"), { accessLog: true, logger });
    await fetch(`${server.url}/%zz`);
    await server.close();
    expect(logger.text("access")).toMatch(/"GET \/%zz HTTP\/1\.1" 400 \d+ /);
  });

  it("writes nothing when accessLog is false", async () => {
    const logger = new MemoryLogger();
    const server = await start(textApp("x"), { accessLog: false, logger });
    await fetch(server.url);
    await server.close();
    expect(logger.text("access")).toBe("");
  });

  it("writes nothing when logLevel is above info", async () => {
    const logger = new MemoryLogger();
    const server = await start(textApp("x"), { accessLog: true, logLevel: "warning", logger });
    await fetch(server.url);
    await server.close();
    expect(logger.text("access")).toBe("");
    expect(logger.text("info")).toBe("");
  });
});
