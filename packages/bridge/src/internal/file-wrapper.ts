import type { FileLike, FileWrapper, SyncResponse } from "@sluice/core";

/** Default block size of `wsgi.file_wrapper`, in bytes. */
export const DEFAULT_FILE_BLOCK_SIZE = 64 * 1024;

/**
 * The response `wsgi.file_wrapper` returns: iterates the file in `blockSize` reads and closes it
 * in `close()`. The bridge recognises it and, when the file has an absolute `path` and the server
 * advertises `http.response.pathsend`, lets the server send the file itself.
 */
export class FileResponse implements SyncResponse {
  readonly file: FileLike;
  readonly blockSize: number;

  constructor(file: FileLike, blockSize: number) {
    this.file = file;
    this.blockSize = blockSize;
  }

  *[Symbol.iterator](): Iterator<Uint8Array> {
    for (let block = this.file.read(this.blockSize); block.length > 0; block = this.file.read(this.blockSize)) yield block;
  }

  close(): void {
    this.file.close?.();
  }
}

/** The `wsgi.file_wrapper` callable. */
export const fileWrapper: FileWrapper = (file, blockSize = DEFAULT_FILE_BLOCK_SIZE) => new FileResponse(file, blockSize);
