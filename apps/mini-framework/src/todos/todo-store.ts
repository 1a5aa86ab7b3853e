/** One todo item. */
export interface Todo {
  id: number;
  title: string;
  done: boolean;
  createdAt: string;
}

/** An in-memory todo list with increasing ids. */
export class TodoStore {
  readonly #todos = new Map<number, Todo>();
  #nextId = 1;

  list(filter?: { done?: boolean }): Todo[] {
    const all = [...this.#todos.values()];
    return filter?.done === undefined ? all : all.filter((todo) => todo.done === filter.done);
  }

  get(id: number): Todo | undefined {
    return this.#todos.get(id);
  }

  add(title: string): Todo {
    const todo: Todo = { id: this.#nextId++, title, done: false, createdAt: new Date().toISOString() };
    this.#todos.set(todo.id, todo);
    return todo;
  }

  update(id: number, changes: Partial<Pick<Todo, "title" | "done">>): Todo | undefined {
    const todo = this.#todos.get(id);
    if (todo === undefined) return undefined;
    const updated = { ...todo, ...changes };
    this.#todos.set(id, updated);
    return updated;
  }

  remove(id: number): boolean {
    return this.#todos.delete(id);
  }
}
