import type { App, HTTPReceive, HTTPScope, HTTPSend } from "@sluice/core";
import { HttpError } from "./http-error.js";
import { json, type Reply } from "./reply.js";
import { Request } from "./request.js";

/**
 * A route handler: gets the request, returns (or resolves to) a reply.
 *
 * @example
 * ```ts
 * const hello: Handler = (req) => text(`hello ${req.params.name ?? ""}`);
 * ```
 */
export type Handler = (request: Request) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/**
 * Options of a `Router`.
 *
 * @example
 * ```ts
 * new Router({ maxBodyBytes: 64 * 1024 });
 * ```
 */
export interface RouterOptions {
  /** Largest request body a handler may read, in bytes. Default `1 MiB`. */
  maxBodyBytes?: number;
  /** Called with unexpected errors (not `HttpError`) before the 500 is sent. Default: `console.error`. */
  onError?: (error: unknown, request: Request) => void;
}

/** Turns `/todos/:id` into a regular expression with one capture per parameter. */
function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split("/")
    .map((segment) => {
      if (segment.startsWith(":")) {
        names.push(segment.slice(1));
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { pattern: new RegExp(`^${source}/?$`), names };
}

async function sendReply(send: HTTPSend, reply: Reply): Promise<void> {
  await send({ type: "http.response.start", status: reply.status, headers: reply.headers });
  await send({ type: "http.response.body", body: reply.body });
}

/**
 * A method + path router that is itself a Sluice app (`router.app`). Path parameters are
 * written `:name`; a path that exists under other methods answers 405 with `Allow`; an
 * unknown path answers 404; errors become JSON problem responses.
 *
 * @example
 * ```ts
 * const router = new Router();
 * router.get("/todos/:id", (req) => json(store.get(req.params.id)));
 * await serve(router.app, { port: 8000 });
 * ```
 */
export class Router {
  readonly #routes: Route[] = [];
  readonly #maxBodyBytes: number;
  readonly #onError: (error: unknown, request: Request) => void;

  constructor(options: RouterOptions = {}) {
    this.#maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.#onError = options.onError ?? ((error) => console.error(error));
  }

  /** Adds a route for `method` (upper case) and `path`. */
  add(method: string, path: string, handler: Handler): this {
    this.#routes.push({ method, ...compile(path), handler });
    return this;
  }

  /** Adds a GET route (HEAD is answered by it too). */
  get(path: string, handler: Handler): this {
    return this.add("GET", path, handler);
  }

  /** Adds a POST route. */
  post(path: string, handler: Handler): this {
    return this.add("POST", path, handler);
  }

  /** Adds a PUT route. */
  put(path: string, handler: Handler): this {
    return this.add("PUT", path, handler);
  }

  /** Adds a PATCH route. */
  patch(path: string, handler: Handler): this {
    return this.add("PATCH", path, handler);
  }

  /** Adds a DELETE route. */
  delete(path: string, handler: Handler): this {
    return this.add("DELETE", path, handler);
  }

  /** Finds the handler for a request, or throws the 404/405 `HttpError`. */
  #match(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    const allowed = new Set<string>();
    for (const route of this.#routes) {
      const found = route.pattern.exec(path);
      if (found === null) continue;
      const wanted = method === "HEAD" ? "GET" : method;
      if (route.method !== wanted) {
        allowed.add(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = found[i + 1] ?? ""));
      return { handler: route.handler, params };
    }
    if (allowed.size > 0) {
      if (allowed.has("GET")) allowed.add("HEAD");
      const allow = [...allowed].sort().join(", ");
      throw new HttpError(405, `${method} is not allowed on ${path}; use ${allow}`, {}, [["allow", allow]]);
    }
    throw new HttpError(404, `nothing lives at ${path}`);
  }

  /** The router as a Sluice app; non-HTTP scopes are not handled (lifespan is reported unsupported). */
  readonly app: App = async (scope, receive, send) => {
    if (scope.type !== "http") {
      if (scope.type === "websocket") await send({ type: "websocket.close", code: 1000 });
      else throw new Error(`this router handles http only, not ${scope.type}`);
      return;
    }
    await this.#handle(scope, receive as HTTPReceive, send);
  };

  async #handle(scope: HTTPScope, receive: HTTPReceive, send: HTTPSend): Promise<void> {
    const path = scope.path.slice(scope.root_path.length) || "/";
    let request = new Request(scope, receive, {}, this.#maxBodyBytes);
    let reply: Reply;
    try {
      const { handler, params } = this.#match(scope.method, path);
      request = new Request(scope, receive, params, this.#maxBodyBytes);
      reply = await handler(request);
    } catch (error) {
      if (!(error instanceof HttpError)) this.#onError(error, request);
      const problem = error instanceof HttpError ? error : new HttpError(500, "the server hit an unexpected error");
      reply = json(problem.toProblem(), problem.status, problem.headers);
      reply.headers[0] = ["content-type", "application/problem+json"];
    }
    await sendReply(send, reply);
  }
}
