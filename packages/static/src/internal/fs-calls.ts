import { close, fstat, open, read, stat, constants, type Stats } from "node:fs";

// Thin promise wrappers over the callback fs API: cheaper per call than FileHandle objects,
// which matters on the per-request path.

export function openForReading(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(path, constants.O_RDONLY, (error, fd) => (error === null ? resolve(fd) : reject(error)));
  });
}

export function statOf(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => {
    stat(path, (error, stats) => (error === null ? resolve(stats) : reject(error)));
  });
}

export function statOfDescriptor(fd: number): Promise<Stats> {
  return new Promise((resolve, reject) => {
    fstat(fd, (error, stats) => (error === null ? resolve(stats) : reject(error)));
  });
}

export function readInto(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, length, position, (error, bytesRead) => (error === null ? resolve(bytesRead) : reject(error)));
  });
}

/** Closes a descriptor without waiting; a failing close of a read-only file has no remedy. */
export function closeQuietly(fd: number): void {
  close(fd, () => undefined);
}

/** Closes a descriptor and resolves once it is closed (never rejects, for the same reason). */
export function closeAndWait(fd: number): Promise<void> {
  return new Promise((resolve) => {
    close(fd, () => resolve());
  });
}
