import { HttpError } from "../framework/index.js";

const MAX_TITLE = 200;

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(422, "the body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

function checkTitle(title: unknown): string {
  if (typeof title !== "string" || title.trim() === "") {
    throw new HttpError(422, "title must be a non-empty string", { field: "title" });
  }
  if (title.length > MAX_TITLE) {
    throw new HttpError(422, `title must be at most ${MAX_TITLE} characters`, { field: "title" });
  }
  return title.trim();
}

/** Validates the body of POST /todos. */
export function parseNewTodo(body: unknown): { title: string } {
  return { title: checkTitle(asObject(body).title) };
}

/** Validates the body of PATCH /todos/:id: any of title and done. */
export function parseTodoChanges(body: unknown): { title?: string; done?: boolean } {
  const input = asObject(body);
  const changes: { title?: string; done?: boolean } = {};
  for (const key of Object.keys(input)) {
    if (key !== "title" && key !== "done") throw new HttpError(422, `unknown field "${key}"`, { field: key });
  }
  if ("title" in input) changes.title = checkTitle(input.title);
  if ("done" in input) {
    if (typeof input.done !== "boolean") throw new HttpError(422, "done must be true or false", { field: "done" });
    changes.done = input.done;
  }
  return changes;
}

/** Parses the :id route parameter. */
export function parseId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw new HttpError(400, `"${raw ?? ""}" is not a todo id`);
  return id;
}
