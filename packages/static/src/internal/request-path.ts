import type { HTTPScope } from "@sluice/core";

/** A request path that is safe to look up under the served directory. */
export interface RequestedPath {
  /** Segments joined with "/", no leading or trailing slash; `""` for the directory itself. */
  relative: string;
  /** `true` when the URL ended with "/" (it names a directory). */
  directoryForm: boolean;
}

/**
 * The part of the request path below the mount point and `prefix`: `""` when the path is the
 * prefix itself, otherwise it starts with "/". `undefined` when the request is not under the
 * prefix (the inner app handles it).
 */
export function routePathOf(scope: HTTPScope, prefix: string): string | undefined {
  let path = scope.path;
  const rootPath = scope.root_path;
  if (rootPath !== "" && path.startsWith(rootPath) && (path.length === rootPath.length || path[rootPath.length] === "/")) {
    path = path.slice(rootPath.length);
  }
  if (prefix === "") return path.startsWith("/") ? path : undefined;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest === "" || rest.startsWith("/")) return rest;
  return undefined;
}

/**
 * Checks a decoded route path segment by segment and returns it in a form that can be joined
 * to the served directory, or `undefined` when it must not be served: "." or ".." segments,
 * empty segments ("//"), backslashes, NUL bytes, and dotfiles unless `allowDotfiles`
 * (`.well-known` is always allowed). The path is never decoded again, so a double-encoded
 * "%252e%252e" stays the literal name "%2e%2e".
 */
export function parseRequestedPath(routePath: string, allowDotfiles: boolean): RequestedPath | undefined {
  if (routePath === "") return { relative: "", directoryForm: false };
  if (!routePath.startsWith("/")) return undefined;
  const rest = routePath.slice(1);
  if (rest === "") return { relative: "", directoryForm: true };
  const directoryForm = rest.endsWith("/");
  const body = directoryForm ? rest.slice(0, -1) : rest;
  for (const segment of body.split("/")) {
    if (!isServableSegment(segment, allowDotfiles)) return undefined;
  }
  return { relative: body, directoryForm };
}

function isServableSegment(segment: string, allowDotfiles: boolean): boolean {
  if (segment === "" || segment === "." || segment === "..") return false;
  if (segment.includes("\\") || segment.includes("\0")) return false;
  if (segment.startsWith(".") && !allowDotfiles && segment !== ".well-known") return false;
  return true;
}
