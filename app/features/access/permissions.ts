import type { Role } from "../../../db/enums";

/*
 * The one place that says which role may do what. Loaders and actions call
 * requirePermission() (session.server.ts) with one of these names; the navigation is derived
 * from the same table, so a link is shown exactly when its page would let you in.
 * Admins administer accounts and the audit log; they do not see health data by role alone.
 */
export const permissionRoles = {
  "admin.users": ["admin"],
  "admin.audit": ["admin"],
  "admin.outbox": ["admin"],
  /** Counts and rates of the realtime server; never document content. */
  "admin.realtime": ["admin"],
  "meetings.view": ["leader", "coordinator", "partner"],
  /** My tasks: the actions one is responsible for (each row checked again: tasks.server.ts). */
  "tasks.view": ["leader", "coordinator", "partner"],
  "networks.view": ["leader", "coordinator", "partner"],
  "offerings.view": ["leader", "coordinator", "partner"],
  /** Change the catalogue: each row checked again (offerings/access.server.ts). */
  "offerings.manage": ["coordinator", "partner"],
  "overview.view": ["coordinator"],
  /** Register people and build their networks (leaders, and coordinators for their unit). */
  "people.manage": ["leader", "coordinator"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissionRoles;

export function can(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = permissionRoles[permission];
  return roles.some((role) => allowed.includes(role));
}

/**
 * The areas of Broen, in menu order: the navigation and the start page both list exactly the
 * ones a user's roles may open (navigationFor), each with its label and a one-line description.
 */
export const navigationAreas = [
  {
    to: "/meetings",
    permission: "meetings.view",
    label: "nav.meetings",
    description: "area.meetings",
  },
  {
    to: "/tasks",
    permission: "tasks.view",
    label: "nav.tasks",
    description: "area.tasks",
  },
  {
    to: "/networks",
    permission: "networks.view",
    label: "nav.networks",
    description: "area.networks",
  },
  {
    to: "/offerings",
    permission: "offerings.view",
    label: "nav.offerings",
    description: "area.offerings",
  },
  {
    to: "/overview",
    permission: "overview.view",
    label: "nav.overview",
    description: "area.overview",
  },
  { to: "/admin", permission: "admin.users", label: "nav.admin", description: "area.admin" },
] as const satisfies readonly {
  to: string;
  permission: Permission;
  label: string;
  description: string;
}[];

export function navigationFor(roles: readonly Role[]) {
  return navigationAreas.filter((area) => can(roles, area.permission));
}
