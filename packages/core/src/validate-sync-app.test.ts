import { describe, expect, it } from "vitest";
import { expectRule, memoryErrors, runSync, syncEnviron, thrownBy } from "../test/support.js";
import type { Environ, FileLike, StartResponse, SyncApp, SyncResponse } from "./sync.js";
import { validateSyncApp } from "./validate-sync-app.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (chunks: Uint8Array[]): string => new TextDecoder().decode(Buffer.concat(chunks));

/** An app that answers 200 with `body`, after running `before` (where a test breaks a rule). */
function okApp(before: (environ: Environ, startResponse: StartResponse) => void = () => undefined, body: Uint8Array[] = [bytes("ok")]): SyncApp {
  return (environ, startResponse) => {
    before(environ, startResponse);
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return body;
  };
}

/** Runs `app` validated behind the test server and returns what it threw. */
function violationOf(app: SyncApp, environ: Environ = syncEnviron()): unknown {
  return thrownBy(() => runSync(validateSyncApp(app), environ));
}

/** Calls `app` with a start_response that does what `start` does. */
function withStartResponse(app: SyncApp, start: StartResponse): unknown {
  return thrownBy(() => validateSyncApp(app)(syncEnviron(), start));
}

const passStart: StartResponse = () => () => undefined;

describe("validateSyncApp with correct apps and servers", () => {
  it("passes status, headers and body through unchanged", () => {
    const body = [bytes("hello "), bytes("world")];
    const app: SyncApp = (_environ, startResponse) => {
      startResponse("201 Created", [["Content-Type", "text/plain"], ["X-Id", "7"]]);
      return body;
    };
    const exchange = runSync(validateSyncApp(app));
    expect(exchange.status).toBe("201 Created");
    expect(exchange.headers).toEqual([["Content-Type", "text/plain"], ["X-Id", "7"]]);
    expect(exchange.chunks[0]).toBe(body[0]);
    expect(text(exchange.chunks)).toBe("hello world");
  });

  it("lets the app read the request body through every input method", () => {
    const app: SyncApp = (environ, startResponse) => {
      const input = environ["wsgi.input"];
      const first = input.readline();
      const second = input.read(3);
      const rest = [...input];
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [first, second, ...rest];
    };
    const body = bytes("line one\nabcdef\nlast\n");
    const exchange = runSync(validateSyncApp(app), syncEnviron({ REQUEST_METHOD: "POST", CONTENT_LENGTH: String(body.length) }, body));
    expect(text(exchange.chunks)).toBe("line one\nabcdef\nlast\n");
  });

  it("forwards writes to wsgi.errors and write() to the server", () => {
    const errors = memoryErrors();
    const app: SyncApp = (environ, startResponse) => {
      environ["wsgi.errors"].write("cache miss\n");
      environ["wsgi.errors"].writelines(["a", "b"]);
      const write = startResponse("200 OK", [["Content-Type", "text/plain"]]);
      write(bytes("pushed "));
      return [bytes("returned")];
    };
    const exchange = runSync(validateSyncApp(app), syncEnviron({ "wsgi.errors": errors }));
    expect(errors.text).toEqual(["cache miss\n", "a", "b"]);
    expect(text(exchange.chunks)).toBe("pushed returned");
  });

  it("calls the app's own close() when the server closes the response", () => {
    let closedByApp = 0;
    const app: SyncApp = (_environ, startResponse) => {
      startResponse("200 OK", []);
      return Object.assign([bytes("x")], {
        close: () => {
          closedByApp++;
        },
      });
    };
    const checked = validateSyncApp(app);
    runSync(checked);
    expect(closedByApp).toBe(1);
    expect(() => checked.assertResponsesClosed()).not.toThrow();
  });

  it("lets an error handler replace the status with excInfo before any body was sent", () => {
    const app: SyncApp = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      startResponse("500 Internal Server Error", [["Content-Type", "text/plain"]], new Error("render failed"));
      return [bytes("oops")];
    };
    expect(runSync(validateSyncApp(app)).status).toBe("500 Internal Server Error");
  });

  it("passes wsgi.file_wrapper calls through to the server's wrapper", () => {
    const file: FileLike = { read: () => new Uint8Array() };
    const wrapped: SyncResponse = [bytes("file body")];
    const app: SyncApp = (environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
      return environ["wsgi.file_wrapper"]!(file, 4096);
    };
    const seen: unknown[] = [];
    const environ = syncEnviron({ "wsgi.file_wrapper": (f: FileLike, size?: number) => (seen.push(f, size), wrapped) });
    expect(text(runSync(validateSyncApp(app), environ).chunks)).toBe("file body");
    expect(seen).toEqual([file, 4096]);
  });
});

describe("validateSyncApp reports server violations", () => {
  it("rejects a call without a startResponse function", () => {
    const error = thrownBy(() => validateSyncApp(okApp())(syncEnviron(), "200" as unknown as StartResponse));
    expectRule(error, "call-args", /startResponse "200"; it must be a function/);
  });

  it("rejects an environ missing a required key", () => {
    const environ: Record<string, unknown> = { ...syncEnviron() };
    delete environ["SERVER_PROTOCOL"];
    expectRule(violationOf(okApp(), environ as Environ), "environ-required-key", /missing the required key "SERVER_PROTOCOL"/);
  });

  it("rejects a CGI key whose value is not a string", () => {
    expectRule(violationOf(okApp(), syncEnviron({ SERVER_PORT: 8000 })), "environ-cgi-string", /environ\["SERVER_PORT"\] is 8000; keys without a dot are CGI variables/);
  });

  it("rejects HTTP_CONTENT_TYPE in the environ", () => {
    expectRule(violationOf(okApp(), syncEnviron({ HTTP_CONTENT_TYPE: "text/plain" })), "environ-http-content-headers", /environ has "HTTP_CONTENT_TYPE"; .* belongs in "CONTENT_TYPE"/);
  });

  it("rejects a wsgi.version other than [1, 0]", () => {
    expectRule(violationOf(okApp(), syncEnviron({ "wsgi.version": [2, 0] })), "environ-wsgi-version", /environ\["wsgi\.version"\] is an array of 2; it must be \[1, 0\]/);
  });

  it("rejects a url scheme other than http or https", () => {
    expectRule(violationOf(okApp(), syncEnviron({ "wsgi.url_scheme": "ftp" })), "environ-url-scheme", /"wsgi\.url_scheme"\] is "ftp"/);
  });

  it("rejects a wsgi.input without readline()", () => {
    const input = { read: () => new Uint8Array(), readlines: () => [], [Symbol.iterator]: () => [][Symbol.iterator]() };
    expectRule(violationOf(okApp(), syncEnviron({ "wsgi.input": input })), "environ-input", /environ\["wsgi\.input"\] lacks readline\(\)/);
  });

  it("rejects a wsgi.errors without flush()", () => {
    const errors = { write: () => undefined, writelines: () => undefined };
    expectRule(violationOf(okApp(), syncEnviron({ "wsgi.errors": errors })), "environ-errors", /environ\["wsgi\.errors"\] lacks flush\(\)/);
  });

  it("rejects a wsgi.multithread flag that is not a boolean", () => {
    expectRule(violationOf(okApp(), syncEnviron({ "wsgi.multithread": 1 })), "environ-wsgi-key-type", /environ\["wsgi\.multithread"\] is 1; it must be a boolean/);
  });

  it("rejects an empty REQUEST_METHOD", () => {
    expectRule(violationOf(okApp(), syncEnviron({ REQUEST_METHOD: "" })), "environ-request-method", /REQUEST_METHOD"\] is ""; it must be a non-empty method token/);
  });

  it('rejects SCRIPT_NAME "/"', () => {
    expectRule(violationOf(okApp(), syncEnviron({ SCRIPT_NAME: "/" })), "environ-script-name", /environ\["SCRIPT_NAME"\] is "\/"/);
  });

  it("rejects an empty PATH_INFO when SCRIPT_NAME is empty too", () => {
    expectRule(violationOf(okApp(), syncEnviron({ PATH_INFO: "" })), "environ-path-info", /environ\["PATH_INFO"\] is ""; .* at least "\/" when SCRIPT_NAME is ""/);
  });

  it("rejects a CONTENT_LENGTH that is not a number", () => {
    expectRule(violationOf(okApp(), syncEnviron({ CONTENT_LENGTH: "12 bytes" })), "environ-content-length", /CONTENT_LENGTH"\] is "12 bytes"/);
  });

  it("rejects an input stream that returns strings", () => {
    const input = { read: () => "text", readline: () => "", readlines: () => [], [Symbol.iterator]: () => [][Symbol.iterator]() };
    const app = okApp((environ) => environ["wsgi.input"].read());
    expectRule(violationOf(app, syncEnviron({ "wsgi.input": input })), "input-result-type", /server's wsgi\.input\.read\(\) produced "text"; it must produce Uint8Array/);
  });

  it("rejects an input stream that reads past CONTENT_LENGTH", () => {
    const app = okApp((environ) => environ["wsgi.input"].read());
    const environ = syncEnviron({ REQUEST_METHOD: "POST", CONTENT_LENGTH: "4" }, bytes("12345678"));
    expectRule(violationOf(app, environ), "input-over-length", /returned 8 bytes but CONTENT_LENGTH is 4/);
  });

  it("rejects a startResponse that does not return write()", () => {
    const error = withStartResponse(okApp(), (() => undefined) as unknown as StartResponse);
    expectRule(error, "start-response-result", /startResponse returned undefined; it must return the write\(\) function/);
  });

  it("rejects a startResponse that swallows excInfo after headers were sent", () => {
    const app: SyncApp = (_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      write(bytes("partial"));
      startResponse("500 Internal Server Error", [], new Error("late failure"));
      return [];
    };
    expectRule(withStartResponse(app, passStart), "start-response-reraise", /returned normally when called with excInfo after headers were sent/);
  });

  it("rejects reading the response after close()", () => {
    const response = validateSyncApp(okApp())(syncEnviron(), passStart);
    response.close?.();
    expectRule(thrownBy(() => [...response]), "response-read-after-close", /read the response iterable after calling close\(\)/);
  });

  it("rejects a second close() of the same response", () => {
    const response = validateSyncApp(okApp())(syncEnviron(), passStart);
    expect(Buffer.concat([...response]).length).toBe(2);
    response.close?.();
    expectRule(thrownBy(() => response.close?.()), "response-close-once", /called close\(\) on the response twice/);
  });

  it("reports a response the server never closed", () => {
    const checked = validateSyncApp(okApp());
    expect([...checked(syncEnviron(), passStart)]).toHaveLength(1);
    expectRule(thrownBy(() => checked.assertResponsesClosed()), "response-close-missing", /1 response\(s\) returned by the sync app were never closed/);
  });
});

describe("validateSyncApp reports app violations", () => {
  const start = (status: unknown, headers: unknown = [], ...rest: unknown[]) =>
    violationOf(okApp((_environ, startResponse) => (startResponse as (...args: unknown[]) => unknown)(status, headers, ...rest)));

  it("rejects startResponse called with one argument", () => {
    expectRule(violationOf(okApp((_e, startResponse) => (startResponse as (...args: unknown[]) => unknown)("200 OK"))), "start-response-args", /called with 1 arguments; it takes \(status, headers, excInfo\?\)/);
  });

  it("rejects a numeric status", () => {
    expectRule(start(200), "status-line", /status must be a string like "200 OK", got 200/);
  });

  it("rejects a status without a reason phrase", () => {
    expectRule(start("200"), "status-line", /status "200" must be a three-digit code from 100 to 599, one space and a reason phrase/);
  });

  it("rejects a status holding a line break", () => {
    expectRule(start("200 OK\r\nX-Injected: 1"), "status-control-chars", /status .* holds a control character/);
  });

  it("rejects headers given as an object", () => {
    expectRule(start("200 OK", { "Content-Type": "text/plain" }), "headers-type", /startResponse headers must be an array of \[name, value\] pairs/);
  });

  it("rejects a header value beyond latin-1", () => {
    expectRule(start("200 OK", [["X-Title", "naïve ☃"]]), "headers-byte-string", /startResponse headers\[0\] holds a character above U\+00FF/);
  });

  it("rejects a header name with a colon", () => {
    expectRule(start("200 OK", [["X-Bad:", "1"]]), "header-name-token", /name "X-Bad:" is not an HTTP token/);
  });

  it("rejects a header value with a newline", () => {
    expectRule(start("200 OK", [["Location", "/a\nb"]]), "header-value-chars", /value of "Location" holds a control character/);
  });

  it("rejects a Status header", () => {
    expectRule(start("200 OK", [["Status", "404"]]), "header-name-status", /headers hold "Status"; the status goes in the status argument/);
  });

  it("rejects the hop-by-hop Connection header", () => {
    expectRule(start("200 OK", [["Connection", "close"]]), "header-hop-by-hop", /hop-by-hop header "Connection"/);
  });

  it("rejects the hop-by-hop Transfer-Encoding header", () => {
    expectRule(start("200 OK", [["Transfer-Encoding", "chunked"]]), "header-hop-by-hop", /hop-by-hop header "Transfer-Encoding"/);
  });

  it("rejects a second startResponse without excInfo", () => {
    expectRule(violationOf(okApp((_e, startResponse) => startResponse("200 OK", []))), "start-response-twice", /called a second time without excInfo/);
  });

  it("rejects body bytes yielded before startResponse was called", () => {
    function* lazyBody(): Generator<Uint8Array> {
      yield bytes("too early");
    }
    const app: SyncApp = () => lazyBody();
    expectRule(violationOf(app), "start-response-missing", /yielded body bytes before startResponse\(\) was called/);
  });

  it("rejects a response that ends without startResponse", () => {
    expectRule(violationOf(() => []), "start-response-missing", /iterable ended without startResponse\(\) having been called/);
  });

  it("rejects a lone Uint8Array returned as the response", () => {
    const app = ((_environ: Environ, startResponse: StartResponse) => {
      startResponse("200 OK", []);
      return bytes("not wrapped");
    }) as unknown as SyncApp;
    expectRule(violationOf(app), "response-iterable", /returned Uint8Array\(11\); it must return an iterable of Uint8Array chunks/);
  });

  it("rejects a chunk that is a string", () => {
    expectRule(violationOf(okApp(undefined, ["text" as unknown as Uint8Array])), "response-chunk-type", /iterable yielded "text"; every chunk must be a Uint8Array/);
  });

  it("rejects write() with a string", () => {
    const app: SyncApp = (_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      (write as (data: unknown) => void)("text");
      return [];
    };
    expectRule(violationOf(app), "write-type", /write\(\) takes a Uint8Array, got "text"/);
  });

  it("rejects a wsgi.input read size that is not an integer", () => {
    const app = okApp((environ) => environ["wsgi.input"].read("10" as unknown as number));
    expectRule(violationOf(app), "input-read-args", /wsgi\.input\.read\(\) takes an optional integer, got "10"/);
  });

  it("rejects writing a Uint8Array to wsgi.errors", () => {
    const app = okApp((environ) => environ["wsgi.errors"].write(bytes("oops") as unknown as string));
    expectRule(violationOf(app), "errors-write-type", /wsgi\.errors\.write\(\) takes strings, got Uint8Array\(4\)/);
  });

  it("rejects the app closing wsgi.input", () => {
    const app = okApp((environ) => (environ["wsgi.input"] as unknown as { close(): void }).close());
    expectRule(violationOf(app), "stream-close", /the app called wsgi\.input\.close\(\)/);
  });

  it("rejects wsgi.file_wrapper given something that cannot be read", () => {
    const app: SyncApp = (environ, startResponse) => {
      startResponse("200 OK", []);
      return environ["wsgi.file_wrapper"]!("/srv/file.txt" as unknown as FileLike);
    };
    const environ = syncEnviron({ "wsgi.file_wrapper": () => [] });
    expectRule(violationOf(app, environ), "file-wrapper-args", /wsgi\.file_wrapper\(\) needs a file with a read\(size\) method, got "\/srv\/file\.txt"/);
  });

  it("throws a swallowed violation again when the app returns, after closing its response", () => {
    let closedByApp = false;
    const app: SyncApp = (_environ, startResponse) => {
      try {
        startResponse("200 OK", [["Connection", "close"]]);
      } catch {
        startResponse("200 OK", []);
      }
      return Object.assign([bytes("x")], { close: () => void (closedByApp = true) });
    };
    const checked = validateSyncApp(app);
    expectRule(thrownBy(() => checked(syncEnviron(), passStart)), "header-hop-by-hop", /"Connection"/);
    expect(closedByApp).toBe(true);
    expect(() => checked.assertResponsesClosed()).not.toThrow();
  });
});
