import type { ErrorStream, FileLike, FileWrapper, InputStream, SyncResponse } from "../sync.js";
import { describeValue, fail, isRecord } from "./fail.js";

/** The checking stand-ins the app sees instead of the server's `wsgi.input` / `wsgi.errors`. */
type Closable = { close(): never };

function optionalInteger(value: unknown, method: string): void {
  if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value))) {
    fail("input-read-args", `wsgi.input.${method}() takes an optional integer, got ${describeValue(value)}`, value);
  }
}

function closeForbidden(stream: string): never {
  fail("stream-close", `the app called ${stream}.close(); ${stream} belongs to the server, which closes it`);
}

/**
 * Wraps the server's input stream: checks the app's arguments, that the server returns bytes,
 * and that the server never hands out more than CONTENT_LENGTH bytes.
 */
export function checkedInput(input: InputStream, contentLength: number | undefined): InputStream & Closable {
  let total = 0;
  const counted = (chunk: unknown, method: string): Uint8Array => {
    if (!(chunk instanceof Uint8Array)) {
      fail("input-result-type", `server's wsgi.input.${method} produced ${describeValue(chunk)}; it must produce Uint8Array`, chunk);
    }
    total += chunk.length;
    if (contentLength !== undefined && total > contentLength) {
      fail("input-over-length", `server's wsgi.input returned ${total} bytes but CONTENT_LENGTH is ${contentLength}; input must end at CONTENT_LENGTH`, chunk);
    }
    return chunk;
  };
  return {
    read(size?: number): Uint8Array {
      optionalInteger(size, "read");
      return counted(size === undefined ? input.read() : input.read(size), "read()");
    },
    readline(size?: number): Uint8Array {
      optionalInteger(size, "readline");
      return counted(size === undefined ? input.readline() : input.readline(size), "readline()");
    },
    readlines(hint?: number): Uint8Array[] {
      optionalInteger(hint, "readlines");
      const lines: unknown = hint === undefined ? input.readlines() : input.readlines(hint);
      if (!Array.isArray(lines)) fail("input-result-type", `server's wsgi.input.readlines() produced ${describeValue(lines)}; it must produce an array of Uint8Array`, lines);
      return lines.map((line: unknown) => counted(line, "readlines()"));
    },
    *[Symbol.iterator](): Iterator<Uint8Array> {
      for (const line of input) yield counted(line, "iteration");
    },
    close: () => closeForbidden("wsgi.input"),
  };
}

/** Wraps the server's error stream: the app may only write strings. */
export function checkedErrors(errors: ErrorStream): ErrorStream & Closable {
  const text = (value: unknown, method: string): string => {
    if (typeof value !== "string") fail("errors-write-type", `wsgi.errors.${method}() takes strings, got ${describeValue(value)}`, value);
    return value;
  };
  return {
    write(value: string): void {
      errors.write(text(value, "write"));
    },
    writelines(lines: Iterable<string>): void {
      const all = [...(lines as Iterable<unknown>)].map((line) => text(line, "writelines"));
      errors.writelines(all);
    },
    flush(): void {
      errors.flush();
    },
    close: () => closeForbidden("wsgi.errors"),
  };
}

/** Wraps `wsgi.file_wrapper`: the file must have `read()` and the block size must be a positive integer. */
export function checkedFileWrapper(fileWrapper: FileWrapper): FileWrapper {
  return (file: FileLike, blockSize?: number): SyncResponse => {
    if (!isRecord(file) || typeof file["read"] !== "function") {
      fail("file-wrapper-args", `wsgi.file_wrapper() needs a file with a read(size) method, got ${describeValue(file)}`, file);
    }
    if (blockSize !== undefined && (!Number.isInteger(blockSize) || blockSize <= 0)) {
      fail("file-wrapper-args", `wsgi.file_wrapper() block size must be a positive integer, got ${describeValue(blockSize)}`, blockSize);
    }
    return blockSize === undefined ? fileWrapper(file) : fileWrapper(file, blockSize);
  };
}
