import type { Environ, ErrorStream, InputStream } from "@sluice/core";
import type { CgiEnviron } from "./cgi-environ.js";
import { fileWrapper } from "./file-wrapper.js";

/** How the app is run, for the `wsgi.multithread`/`wsgi.multiprocess` flags. */
export interface EnvironFlags {
  /** Whether other isolates (worker threads) run the same app at the same time. */
  multiprocess: boolean;
}

/**
 * Adds the `wsgi.*` keys to the CGI keys, giving the environ the sync app is called with. The
 * CGI object is completed in place (it is made per request), which is much cheaper than copying.
 */
export function completeEnviron(cgi: CgiEnviron, scheme: string, input: InputStream, errors: ErrorStream, flags: EnvironFlags): Environ {
  const environ = cgi as Record<string, unknown>;
  environ["wsgi.version"] = [1, 0];
  environ["wsgi.url_scheme"] = scheme;
  environ["wsgi.input"] = input;
  environ["wsgi.errors"] = errors;
  // A JavaScript isolate never runs two calls of the app at once; parallel workers share no memory, like processes.
  environ["wsgi.multithread"] = false;
  environ["wsgi.multiprocess"] = flags.multiprocess;
  environ["wsgi.run_once"] = false;
  environ["wsgi.input_terminated"] = true;
  environ["wsgi.file_wrapper"] = fileWrapper;
  return environ as Environ;
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
