import { compose, type App } from "@sluice/core";
import { compression } from "@sluice/compression";
import { cors } from "@sluice/cors";
import { Router } from "./framework/index.js";
import { addTodoRoutes } from "./todos/todo-routes.js";
import { TodoStore } from "./todos/todo-store.js";

/** Builds the todo API app: the router, wrapped in CORS and compression from the catalog. */
export function createTodoApp(options: { allowOrigins?: string[] } = {}): App {
  const router = addTodoRoutes(new Router({ maxBodyBytes: 16 * 1024 }), new TodoStore());
  return compose(
    cors({ allowOrigins: options.allowOrigins ?? ["http://localhost:5173"], allowMethods: ["GET", "POST", "PATCH", "DELETE"], allowHeaders: ["content-type"] }),
    compression(),
  )(router.app);
}

/** The app the `sluice` CLI serves (`pnpm start`); origins from `TODO_ALLOWED_ORIGINS` (comma-separated). */
export const app: App = createTodoApp({
  allowOrigins: (process.env.TODO_ALLOWED_ORIGINS ?? "http://localhost:5173").split(",").map((origin) => origin.trim()).filter(Boolean),
});
