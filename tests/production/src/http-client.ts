import * as http from "node:http";
import * as https from "node:https";

/** A finished response, body fully read. */
export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Options of {@link request}. */
export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** The whole body, or an async source of chunks written with backpressure. */
  body?: Buffer | string | AsyncIterable<Buffer>;
  /** A keep-alive agent; default: a fresh connection. */
  agent?: http.Agent | false;
  /** Bind the client side to this local address (127.0.0.2, 127.0.0.3, ... on loopback). */
  localAddress?: string;
  /** Abort the request when no response arrives within this many ms. Default 30 000. */
  timeoutMs?: number;
}

/** One HTTP(S) request with node:http; self-signed certificates are accepted (test servers). */
export function request(url: string, options: RequestOptions = {}): Promise<SimpleResponse> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  return new Promise<SimpleResponse>((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: options.agent,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        ...(secure ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`no response from ${url} within ${options.timeoutMs ?? 30_000} ms`)));
    req.on("error", reject);
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
    else void writeStream(req, body).catch((error: unknown) => req.destroy(error as Error));
  });
}

async function writeStream(req: http.ClientRequest, source: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of source) {
    if (!req.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          req.off("error", onError);
          resolve();
        };
        const onError = (error: Error): void => {
          req.off("drain", onDrain);
          reject(error);
        };
        req.once("drain", onDrain);
        req.once("error", onError);
      });
    }
  }
  req.end();
}

/** Yields `total` bytes as `chunkSize` chunks (the same buffer reused: no memory growth). */
export async function* bytesSource(total: number, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  const chunk = Buffer.alloc(chunkSize, 97);
  let left = total;
  while (left > 0) {
    const size = Math.min(left, chunkSize);
    left -= size;
    yield size === chunkSize ? chunk : chunk.subarray(0, size);
    await Promise.resolve();
  }
}

/** Parses a JSON body as `T` (the caller vouches for the shape: test fixtures only). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed JSON.parse for test code
export function jsonOf<T>(response: SimpleResponse): T {
  return JSON.parse(response.body.toString("utf8")) as T;
}
