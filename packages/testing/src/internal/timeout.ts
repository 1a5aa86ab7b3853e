import { TestTimeoutError } from "../errors.js";

/**
 * Settles like `promise`, or rejects with `TestTimeoutError` after `timeoutMs`. The
 * underlying work is never cancelled.
 */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, awaited: string, abort?: () => void): Promise<T> {
  if (!Number.isFinite(timeoutMs)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TestTimeoutError(awaited, timeoutMs, abort)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
