import { describe, expect, it } from "vitest";
import { envName, helpText, parseCli } from "./cli-args.js";

describe("parseCli", () => {
  it("maps flags to serve options", () => {
    const request = parseCli(["app.js:app", "--port", "9000", "--host=0.0.0.0", "--limit-concurrency", "10", "--no-access-log"], {});
    expect(request).toMatchObject({ kind: "run", config: { target: "app.js:app", serve: { port: 9000, host: "0.0.0.0", limitConcurrency: 10, accessLog: false } } });
  });

  it("accepts uvicorn's '--ws-per-message-deflate false' form", () => {
    const request = parseCli(["--ws-per-message-deflate", "false", "app.js:app"], {});
    expect(request).toMatchObject({ kind: "run", config: { target: "app.js:app", serve: { wsPerMessageDeflate: false } } });
  });

  it("documents permessage-deflate as off by default in --help", () => {
    const line = helpText()
      .split("\n")
      .findIndex((text) => text.includes("--ws-per-message-deflate"));
    expect(helpText().split("\n")[line + 1]).toMatch(/Default: off\./);
  });

  it("accepts 'none' for nullable limits", () => {
    const request = parseCli(["app.js:app", "--timeout-graceful-shutdown", "none"], {});
    expect(request).toMatchObject({ config: { serve: { timeoutGracefulShutdown: null } } });
  });

  it("maps --timeout-body to timeoutBody, with 'none' for no limit", () => {
    expect(parseCli(["app.js:app", "--timeout-body", "12.5"], {})).toMatchObject({ config: { serve: { timeoutBody: 12.5 } } });
    expect(parseCli(["app.js:app", "--timeout-body", "none"], {})).toMatchObject({ config: { serve: { timeoutBody: null } } });
  });

  it("reads SLUICE_* variables and lets flags win", () => {
    const request = parseCli(["app.js:app", "--port", "1"], { SLUICE_PORT: "2", SLUICE_LOG_LEVEL: "debug" });
    expect(request).toMatchObject({ config: { serve: { port: 1, logLevel: "debug" } } });
  });

  it("names the variable in the error for a bad environment value", () => {
    expect(() => parseCli(["app.js:app"], { SLUICE_WORKERS: "many" })).toThrow(/SLUICE_WORKERS/);
  });

  it("derives the environment variable name from the flag", () => {
    expect(envName("--forwarded-allow-ips")).toBe("SLUICE_FORWARDED_ALLOW_IPS");
  });

  it("rejects a missing flag value", () => {
    expect(() => parseCli(["app.js:app", "--port"], {})).toThrow(/needs a value/);
  });
});
