import type { MessageKey } from "../../i18n";

/**
 * An action's status choices, in the order forms offer them (plan/document.ts
 * planActionStatuses; not imported from there, so pages do not load Yjs).
 */
export const STATUS_CHOICES = ["open", "in_progress", "blocked", "done"] as const;

const STATUS_KEYS: Record<(typeof STATUS_CHOICES)[number], MessageKey> = {
  open: "tasks.status.open",
  in_progress: "tasks.status.in_progress",
  blocked: "tasks.status.blocked",
  done: "tasks.status.done",
};

/** The catalogue key of an action's status (unknown values read as "open"). */
export function statusKey(status: string): MessageKey {
  return STATUS_KEYS[status as (typeof STATUS_CHOICES)[number]] ?? "tasks.status.open";
}
