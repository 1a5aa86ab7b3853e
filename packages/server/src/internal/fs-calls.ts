import { close, fstat, open, read, type Stats } from "node:fs";

// Promise wrappers over the callback fs API: cheaper per call than FileHandle objects, which
// matters on the per-response path of http.response.pathsend.

export function openForReading(path: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    open(path, "r", (error, fd) => {
      if (error === null) resolve(fd);
      else reject(error);
    });
  });
}

export function statOfDescriptor(fd: number): Promise<Stats> {
  return new Promise<Stats>((resolve, reject) => {
    fstat(fd, (error, stats) => {
      if (error === null) resolve(stats);
      else reject(error);
    });
  });
}

export function readInto(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    read(fd, buffer, 0, length, position, (error, bytesRead) => {
      if (error === null) resolve(bytesRead);
      else reject(error);
    });
  });
}

/** Closes a descriptor without waiting; a failing close of a read-only file has no remedy. */
export function closeQuietly(fd: number): void {
  close(fd, () => undefined);
}
