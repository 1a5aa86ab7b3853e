import { empty, HttpError, json, type Router } from "../framework/index.js";
import { parseId, parseNewTodo, parseTodoChanges } from "./todo-input.js";
import type { TodoStore } from "./todo-store.js";

/** Registers the REST todo API on a router. */
export function addTodoRoutes(router: Router, store: TodoStore): Router {
  return router
    .get("/todos", (req) => {
      const done = req.query.get("done");
      if (done !== null && done !== "true" && done !== "false") throw new HttpError(400, "done must be true or false");
      return json(store.list(done === null ? {} : { done: done === "true" }));
    })
    .post("/todos", async (req) => {
      const todo = store.add(parseNewTodo(await req.json()).title);
      return json(todo, 201, [["location", `/todos/${todo.id}`]]);
    })
    .get("/todos/:id", (req) => {
      const id = parseId(req.params.id);
      const todo = store.get(id);
      if (todo === undefined) throw new HttpError(404, `no todo with id ${id}`);
      return json(todo);
    })
    .patch("/todos/:id", async (req) => {
      const id = parseId(req.params.id);
      const todo = store.update(id, parseTodoChanges(await req.json()));
      if (todo === undefined) throw new HttpError(404, `no todo with id ${id}`);
      return json(todo);
    })
    .delete("/todos/:id", (req) => {
      const id = parseId(req.params.id);
      if (!store.remove(id)) throw new HttpError(404, `no todo with id ${id}`);
      return empty();
    });
}
