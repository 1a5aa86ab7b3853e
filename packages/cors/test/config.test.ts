import { SluiceError } from "@sluice/core";
import { describe, expect, it } from "vitest";
import { cors, CorsConfigError, type CorsOptions } from "../src/index.js";

/** Builds the middleware from untyped options (what a JavaScript caller could pass). */
function build(options: unknown): unknown {
  return cors(options as CorsOptions);
}

function configError(options: unknown): CorsConfigError {
  try {
    build(options);
  } catch (error) {
    if (error instanceof CorsConfigError) return error;
    throw error;
  }
  throw new Error("cors() accepted the options");
}

describe("misconfiguration is refused when the middleware is built", () => {
  it('rejects allowOrigins "*" with allowCredentials, telling to list origins or use a regex', () => {
    const error = configError({ allowOrigins: "*", allowCredentials: true });
    expect(error).toBeInstanceOf(SluiceError);
    expect(error.code).toBe("ERR_CORS_CONFIG");
    expect(error.option).toBe("allowOrigins");
    expect(error.message).toMatch(/allowCredentials/);
    expect(error.message).toMatch(/List the trusted origins/);
    expect(error.message).toMatch(/allowOriginRegex/);
  });

  it('treats allowOrigins ["*"] like "*" and refuses it with credentials too', () => {
    expect(configError({ allowOrigins: ["*"], allowCredentials: true }).option).toBe("allowOrigins");
  });

  it('rejects allowHeaders "*" with allowCredentials', () => {
    const error = configError({ allowOrigins: ["https://a.example"], allowHeaders: "*", allowCredentials: true });
    expect(error.option).toBe("allowHeaders");
    expect(error.message).toMatch(/List them/);
  });

  it('rejects allowMethods "*" with allowCredentials', () => {
    const error = configError({ allowOrigins: ["https://a.example"], allowMethods: ["*"], allowCredentials: true });
    expect(error.option).toBe("allowMethods");
    expect(error.message).toMatch(/List the methods/);
  });

  it('rejects exposeHeaders "*" with allowCredentials', () => {
    expect(configError({ allowOrigins: ["https://a.example"], exposeHeaders: "*", allowCredentials: true }).option).toBe(
      "exposeHeaders",
    );
  });

  it("rejects an invalid allowOriginRegex and keeps the SyntaxError as the cause", () => {
    const error = configError({ allowOriginRegex: "https://(unclosed" });
    expect(error.option).toBe("allowOriginRegex");
    expect(error.message).toMatch(/not a valid regular expression/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("rejects an empty allowOriginRegex", () => {
    expect(configError({ allowOriginRegex: "" }).option).toBe("allowOriginRegex");
  });

  it('rejects allowOrigins "*" together with allowOriginRegex or allowOrigin, which could never be consulted', () => {
    expect(configError({ allowOrigins: "*", allowOriginRegex: "https://.*" }).message).toMatch(/never be consulted/);
    expect(configError({ allowOrigins: "*", allowOrigin: () => true }).message).toMatch(/never be consulted/);
  });

  it("rejects an origin with a trailing slash and names the form browsers send", () => {
    const error = configError({ allowOrigins: ["https://app.example.com/"] });
    expect(error.option).toBe("allowOrigins");
    expect(error.message).toContain('Browsers send it as "https://app.example.com"');
  });

  it("rejects an origin with a path, an upper-case host or a default port", () => {
    expect(configError({ allowOrigins: ["https://app.example.com/api"] }).message).toContain('"https://app.example.com"');
    expect(configError({ allowOrigins: ["https://App.Example.com"] }).message).toContain('"https://app.example.com"');
    expect(configError({ allowOrigins: ["https://app.example.com:443"] }).message).toContain('"https://app.example.com"');
  });

  it("rejects a bare host name that is not an origin", () => {
    expect(configError({ allowOrigins: ["app.example.com"] }).message).toMatch(/not an origin/);
  });

  it('rejects "*" mixed into a list of origins, methods or headers', () => {
    expect(configError({ allowOrigins: ["https://a.example", "*"] }).option).toBe("allowOrigins");
    expect(configError({ allowOrigins: ["https://a.example"], allowMethods: ["GET", "*"] }).option).toBe("allowMethods");
    expect(configError({ allowOrigins: ["https://a.example"], allowHeaders: ["x-a", "*"] }).option).toBe("allowHeaders");
  });

  it("rejects method and header names that are not HTTP tokens", () => {
    expect(configError({ allowMethods: ["GET POST"] }).option).toBe("allowMethods");
    expect(configError({ allowHeaders: ["x-a, x-b"] }).option).toBe("allowHeaders");
    expect(configError({ exposeHeaders: ["x:y"] }).option).toBe("exposeHeaders");
  });

  it("rejects a maxAge that is negative, fractional or not a number", () => {
    expect(configError({ maxAge: -1 }).option).toBe("maxAge");
    expect(configError({ maxAge: 1.5 }).option).toBe("maxAge");
    expect(configError({ maxAge: "600" }).option).toBe("maxAge");
  });

  it("rejects option values of the wrong type", () => {
    expect(configError({ allowOrigins: "https://a.example" }).option).toBe("allowOrigins");
    expect(configError({ allowCredentials: "yes" }).option).toBe("allowCredentials");
    expect(configError({ allowOrigin: "https://a.example" }).option).toBe("allowOrigin");
    expect(configError({ allowPrivateNetwork: 1 }).option).toBe("allowPrivateNetwork");
    expect(configError(null).option).toBe("options");
  });

  it("rejects option names from other CORS libraries and suggests ours", () => {
    const error = configError({ origin: "https://a.example" });
    expect(error.option).toBe("origin");
    expect(error.message).toContain("Did you mean allowOrigins?");
    expect(configError({ allow_credentials: true }).message).toContain("allowCredentials");
  });

  it("rejects unknown option names and lists the known ones", () => {
    expect(configError({ allowOrgins: ["https://a.example"] }).message).toMatch(/Known options: allowOrigins/);
  });

  it("accepts listed origins with credentials, the null origin and extension origins", () => {
    expect(() =>
      build({ allowOrigins: ["https://a.example", "http://localhost:5173", "null", "chrome-extension://abcdef"], allowCredentials: true }),
    ).not.toThrow();
  });

  it('accepts "*" for origins, methods, headers and expose headers without credentials', () => {
    expect(() => build({ allowOrigins: "*", allowMethods: "*", allowHeaders: "*", exposeHeaders: "*" })).not.toThrow();
  });
});
