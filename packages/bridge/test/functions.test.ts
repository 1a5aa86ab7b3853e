// syncToAsync / WorkerPool.run and asyncToSync: values cross threads, errors keep their identity.
import { afterAll, describe, expect, it } from "vitest";
import {
  AsyncCallTimeoutError,
  ModuleExportError,
  PoolClosedError,
  QueueFullError,
  WorkerCrashedError,
  WorkerPool,
  WorkerTimeoutError,
  asyncToSync,
  syncToAsync,
} from "../src/index.js";
import { fixture } from "./helpers/app-client.js";

const functions = fixture("functions.mjs");
const pool = new WorkerPool({ workers: 1 });
afterAll(async () => {
  await pool.close();
});

describe("syncToAsync", () => {
  it("runs an exported sync function on a worker and resolves with its result", async () => {
    const add = syncToAsync<(a: number, b: number) => number>(functions, "add", { pool });
    await expect(add(2, 3)).resolves.toBe(5);
  });

  it("structured-clones arguments such as dates and bytes", async () => {
    const describeValue = syncToAsync(functions, "describe", { pool });
    await expect(describeValue({ when: new Date(0), bytes: new Uint8Array(3) })).resolves.toEqual({
      type: "object",
      keys: ["when", "bytes"],
      date: true,
      bytes: 3,
    });
  });

  it("rejects with an error of the same name, message, code and stack", async () => {
    const fail = syncToAsync(functions, "failSync", { pool });
    const error = (await fail("disk full").catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("QuotaError");
    expect(error.message).toBe("sync failure: disk full");
    expect(error.code).toBe("E_QUOTA");
    expect(error.stack).toContain("failSync");
    expect(error.stack).toContain("functions.mjs");
  });

  it("uses a shared default pool when none is given", async () => {
    const add = syncToAsync(functions, "add");
    await expect(add(20, 22)).resolves.toBe(42);
  });

  it("rejects with a DataCloneError when the result cannot cross threads", async () => {
    const returnsFunction = syncToAsync(functions, "returnsFunction", { pool });
    await expect(returnsFunction()).rejects.toMatchObject({ name: "DataCloneError" });
  });

  it("rejects with ModuleExportError for a missing or non-function export", async () => {
    await expect(pool.run(functions, "nope")).rejects.toMatchObject({ name: ModuleExportError.name, code: "ERR_MODULE_EXPORT" });
    await expect(pool.run(functions, "notAFunction")).rejects.toThrow(/is not a function \(it is string\)/);
  });

  it("rejects with WorkerCrashedError when the function ends its thread, and keeps serving", async () => {
    const own = new WorkerPool({ workers: 1 });
    try {
      await expect(own.run(functions, "exitThread")).rejects.toBeInstanceOf(WorkerCrashedError);
      await expect(own.run(functions, "add", [1, 1])).resolves.toBe(2);
      expect(own.stats.crashed).toBe(1);
    } finally {
      await own.close();
    }
  });

  it("rejects with WorkerTimeoutError when a call runs past the pool's timeout", async () => {
    const own = new WorkerPool({ workers: 1, timeout: 100 });
    try {
      await own.run(functions, "add", [0, 0]);
      await expect(own.run(functions, "burn", [5000])).rejects.toBeInstanceOf(WorkerTimeoutError);
      await expect(own.run(functions, "add", [2, 2])).resolves.toBe(4);
    } finally {
      await own.close();
    }
  });

  it("rejects with QueueFullError beyond maxQueue, and with PoolClosedError after close()", async () => {
    const own = new WorkerPool({ workers: 1, maxQueue: 1 });
    await own.run(functions, "add", [0, 0]);
    const running = own.run(functions, "burn", [200]);
    const queued = own.run(functions, "add", [1, 2]);
    await expect(own.run(functions, "add", [3, 4])).rejects.toBeInstanceOf(QueueFullError);
    await expect(running).resolves.toBe(true);
    await expect(queued).resolves.toBe(3);
    await own.close();
    await expect(own.run(functions, "add", [1, 1])).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe("preload", () => {
  it("imports the preload modules in each worker, in order, before the function's module", async () => {
    const dataModule = `data:text/javascript,${encodeURIComponent('globalThis.sluicePreloaded = [...(globalThis.sluicePreloaded ?? []), "data"];')}`;
    const own = new WorkerPool({ workers: 1, preload: [fixture("preload.mjs"), dataModule] });
    try {
      await expect(own.run(functions, "preloaded")).resolves.toEqual(["preload.mjs", "data"]);
    } finally {
      await own.close();
    }
  });

  it("fails the app's ready() when a preload module throws", async () => {
    const { workerPoolApp } = await import("../src/index.js");
    const app = workerPoolApp({
      module: fixture("sync-apps.mjs"),
      exportName: "hello",
      workers: 1,
      preload: [`data:text/javascript,${encodeURIComponent('throw new Error("preload broke");')}`],
    });
    try {
      await expect(app.ready()).rejects.toThrow("preload broke");
    } finally {
      await app.close();
    }
  });
});

describe("asyncToSync", () => {
  it("blocks until the async function resolves and returns its value", () => {
    const double = asyncToSync<(x: number) => Promise<number>>(functions, "asyncDouble");
    expect(double(21)).toBe(42);
    expect(double(5)).toBe(10);
  });

  it("throws an error of the same name, message, code and stack", () => {
    const fail = asyncToSync(functions, "asyncFail");
    let caught: (Error & { code?: string }) | undefined;
    try {
      fail("network down");
    } catch (error) {
      caught = error as Error & { code?: string };
    }
    expect(caught?.name).toBe("QuotaError");
    expect(caught?.message).toBe("async failure: network down");
    expect(caught?.code).toBe("E_QUOTA");
    expect(caught?.stack).toContain("asyncFail");
  });

  it("throws AsyncCallTimeoutError when the function does not settle in time", () => {
    const never = asyncToSync(functions, "never", { timeout: 100 });
    expect(() => never()).toThrow(AsyncCallTimeoutError);
  });

  it("throws a DataCloneError when an argument cannot cross threads", () => {
    const double = asyncToSync(functions, "asyncDouble");
    expect(() => double(() => 1)).toThrow(/could not be cloned/);
  });

  it("works inside a sync app running on the worker pool", async () => {
    const { workerPoolApp } = await import("../src/index.js");
    const { callApp } = await import("./helpers/app-client.js");
    const app = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "callAsyncFunctions", workers: 1 });
    try {
      const outcome = await callApp(app);
      expect(JSON.parse(outcome.body.toString())).toEqual({
        doubled: 42,
        failure: { name: "QuotaError", message: "async failure: inside a worker", code: "E_QUOTA" },
      });
    } finally {
      await app.close();
    }
  });
});
