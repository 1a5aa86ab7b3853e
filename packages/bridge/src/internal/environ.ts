import type { Environ, ErrorStream, InputStream } from "@sluice/core";
import type { CgiEnviron } from "./cgi-environ.js";
import { fileWrapper } from "./file-wrapper.js";

/** How the app is run, for the `wsgi.multithread`/`wsgi.multiprocess` flags. */
export interface EnvironFlags {
  /** Whether other isolates (worker threads) run the same app at the same time. */
  multiprocess: boolean;
}

/** Adds the `wsgi.*` keys to the CGI keys, giving the environ the sync app is called with. */
export function completeEnviron(cgi: CgiEnviron, scheme: string, input: InputStream, errors: ErrorStream, flags: EnvironFlags): Environ {
  return {
    ...(cgi as Pick<Environ, "REQUEST_METHOD" | "SCRIPT_NAME" | "PATH_INFO" | "QUERY_STRING" | "SERVER_NAME" | "SERVER_PORT" | "SERVER_PROTOCOL">),
    "wsgi.version": [1, 0],
    "wsgi.url_scheme": scheme,
    "wsgi.input": input,
    "wsgi.errors": errors,
    // A JavaScript isolate never runs two calls of the app at once; parallel workers share no memory, like processes.
    "wsgi.multithread": false,
    "wsgi.multiprocess": flags.multiprocess,
    "wsgi.run_once": false,
    "wsgi.input_terminated": true,
    "wsgi.file_wrapper": fileWrapper,
  };
}

/** A `wsgi.errors` stream that hands each piece of text to `write`. */
export function errorStream(write: (text: string) => void): ErrorStream {
  return {
    write(text: string) {
      write(text);
    },
    writelines(lines: Iterable<string>) {
      for (const line of lines) write(line);
    },
    flush() {
      // Every write is handed over at once; nothing is buffered here.
    },
  };
}
