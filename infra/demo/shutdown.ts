/**
 * What must be undone if the demo is interrupted: a miniflare instance open
 * for publishing, the `wrangler dev` process group. Each is registered while
 * it exists and runs at most once.
 */
export class Shutdown {
  private readonly tasks = new Set<() => Promise<void>>();
  private running: Promise<void> | undefined;

  /** Registers `task`; the returned function unregisters it (call it once the resource is released normally). */
  add(task: () => Promise<void>): () => void {
    this.tasks.add(task);
    return () => this.tasks.delete(task);
  }

  /** Runs every registered task, newest first; failures are ignored (the process is ending anyway). */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const task of [...this.tasks].reverse()) {
        this.tasks.delete(task);
        await task().catch(() => {});
      }
    })();
    return this.running;
  }
}
