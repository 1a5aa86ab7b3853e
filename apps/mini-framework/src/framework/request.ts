import { getHeader, type HTTPReceive, type HTTPScope } from "@sluice/core";
import { HttpError } from "./http-error.js";

/**
 * The request a handler sees: scope facts, route parameters, and body readers that pull
 * from `receive()` and enforce a size limit.
 *
 * @example
 * ```ts
 * router.post("/todos", async (req) => json(store.add(await req.json())), 201);
 * ```
 */
export class Request {
  /** Upper-case method. */
  readonly method: string;
  /** The decoded path, without the app's `root_path`. */
  readonly path: string;
  /** Route parameters, e.g. `{ id: "42" }` for `/todos/:id`. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string parsed. */
  readonly query: URLSearchParams;
  /** The raw scope, for anything else. */
  readonly scope: HTTPScope;
  readonly #receive: HTTPReceive;
  readonly #maxBodyBytes: number;
  #bodyRead = false;

  constructor(scope: HTTPScope, receive: HTTPReceive, params: Record<string, string>, maxBodyBytes: number) {
    this.scope = scope;
    this.method = scope.method;
    this.path = scope.path.slice(scope.root_path.length) || "/";
    this.params = params;
    this.query = new URLSearchParams(scope.query_string);
    this.#receive = receive;
    this.#maxBodyBytes = maxBodyBytes;
  }

  /** The first value of a request header (case-insensitive). */
  header(name: string): string | undefined {
    return getHeader(this.scope.headers, name);
  }

  /** The whole body; throws `HttpError(413)` past the size limit. May be read once. */
  async bytes(): Promise<Uint8Array> {
    if (this.#bodyRead) throw new Error("the request body was already read");
    this.#bodyRead = true;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const event = await this.#receive();
      if (event.type === "http.disconnect") throw new HttpError(400, "the client disconnected while sending the body");
      size += event.body.byteLength;
      if (size > this.#maxBodyBytes) throw new HttpError(413, `the request body is larger than ${this.#maxBodyBytes} bytes`);
      chunks.push(event.body);
      if (!event.more_body) break;
    }
    return Buffer.concat(chunks);
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /** The body parsed as JSON; 415 unless the content type is JSON, 400 when it does not parse. */
  async json(): Promise<unknown> {
    const type = this.header("content-type") ?? "";
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      throw new HttpError(415, `expected a JSON body (content-type: application/json), got "${type || "none"}"`);
    }
    const body = await this.text();
    try {
      return JSON.parse(body) as unknown;
    } catch (error) {
      throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
    }
  }
}
