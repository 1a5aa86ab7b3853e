import { once } from "node:events";
import { connect, type Socket } from "node:net";

/** Counts of one load run. */
export interface LoadCounts {
  ok: number;
  failed: number;
  /** First few failure descriptions. */
  errors: string[];
}

/**
 * One raw keep-alive connection that sends `GET <path>` and reads each response fully
 * (status line, headers, Content-Length body) before sending the next: no pipelining and
 * no HTTP client library overhead, so the load generator stays cheap.
 */
class KeepAliveConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: ((status: number) => void) | null = null;
  private failer: ((error: Error) => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly requestBytes: Buffer,
  ) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.tryParse();
    });
    socket.on("close", () => this.failer?.(new Error("connection closed by the server")));
    socket.on("error", (error) => this.failer?.(error));
  }

  static async open(port: number, path: string): Promise<KeepAliveConnection> {
    const socket = connect({ port, host: "127.0.0.1", noDelay: true });
    await once(socket, "connect");
    return new KeepAliveConnection(socket, Buffer.from(`GET ${path} HTTP/1.1\r\nHost: soak.test\r\n\r\n`, "latin1"));
  }

  private tryParse(): void {
    const headEnd = this.buffer.indexOf("\r\n\r\n");
    if (headEnd < 0 || this.waiter === null) return;
    const head = this.buffer.subarray(0, headEnd).toString("latin1");
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? "0");
    const total = headEnd + 4 + length;
    if (this.buffer.length < total) return;
    this.buffer = this.buffer.subarray(total);
    const status = Number(head.slice(9, 12));
    const resolve = this.waiter;
    this.waiter = null;
    this.failer = null;
    resolve(status);
  }

  request(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiter = resolve;
      this.failer = reject;
      this.socket.write(this.requestBytes);
    });
  }

  close(): void {
    this.failer = null;
    this.socket.destroy();
  }
}

/** Sends `total` keep-alive GET requests over `connections` connections; reconnects after a failure. */
export async function keepAliveLoad(port: number, path: string, total: number, connections: number): Promise<LoadCounts> {
  const counts: LoadCounts = { ok: 0, failed: 0, errors: [] };
  let issued = 0;
  const worker = async (): Promise<void> => {
    let connection: KeepAliveConnection | null = null;
    while (issued < total) {
      issued++;
      try {
        connection ??= await KeepAliveConnection.open(port, path);
        const status = await connection.request();
        if (status === 200) counts.ok++;
        else {
          counts.failed++;
          if (counts.errors.length < 5) counts.errors.push(`status ${status}`);
        }
      } catch (error) {
        counts.failed++;
        if (counts.errors.length < 5) counts.errors.push((error as Error).message);
        connection?.close();
        connection = null;
      }
    }
    connection?.close();
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return counts;
}
