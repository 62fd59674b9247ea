/*
 * Work that can wait until the page is idle, one task per idle period, in the order it was
 * asked for: what the page does while it opens (the live agenda: the connection's answers, a
 * first key) comes first (issue 11).
 */

const tasks: (() => void)[] = [];
let scheduled = false;

/**
 * Runs `task` in a later idle period (requestIdleCallback; where there is none, after 50 ms),
 * after the tasks queued before it. Once its turn has come, a task waits at most 2 s for an idle
 * period. Returns a function that takes it off the queue if it has not run yet.
 */
export function whenIdle(task: () => void): () => void {
  tasks.push(task);
  schedule();
  return () => {
    const at = tasks.indexOf(task);
    if (at >= 0) tasks.splice(at, 1);
  };
}

function schedule(): void {
  if (scheduled || tasks.length === 0) return;
  scheduled = true;
  const run = () => {
    scheduled = false;
    try {
      tasks.shift()?.();
    } finally {
      schedule();
    }
  };
  if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 50);
}
