import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { en } from "../../app/i18n/en";
import { nb } from "../../app/i18n/nb";
import { formatDate } from "../../app/i18n";

const appDir = path.resolve(import.meta.dirname, "../../app");
const sources = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "i18n" ? [] : sources(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [fs.readFileSync(full, "utf8")] : [];
  });

// Keys built at run time from a value: `role.${role}`, `auditAction.${action}`, nav labels.
const DYNAMIC_PREFIXES = [
  // The parts of a plan that consent names: consent/member-consents.tsx.
  "planPart.",
  // The words for each step of the person's progress scale: plan/progress-chart.tsx.
  "progress.scale",
  // The live agenda picks these by state: agenda/live-agenda.tsx and agenda-panel.tsx.
  "agenda.status.",
  "agenda.connection.",
  "agenda.ended.",
  "agenda.hidden.",
  "role.",
  "auditAction.",
  "nav.",
  "networkKind.",
  "relation.",
  "circle.",
  "channel.",
  "consentContent.",
  "consentMethod.",
  "outboxStatus.",
  "meetingKind.",
  "meetingStatus.",
  "response.",
  "plan.goalStatus.",
  "plan.chime.",
  "plan.actionStatus.",
  "plan.crisis.",
  // A bridge's status and companion: bridges/bridge-views.tsx.
  "bridge.status.",
  "bridge.companion.",
];

describe("the message catalogues", () => {
  it("have the same keys in bokmål and English, none empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nb).sort());
    for (const [key, text] of [...Object.entries(nb), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe("");
    }
  });

  it("hold no key the app never uses", () => {
    const code = sources(appDir).join("\n");
    const unused = Object.keys(nb).filter(
      (key) =>
        !code.includes(`"${key}"`) && !DYNAMIC_PREFIXES.some((prefix) => key.startsWith(prefix)),
    );
    expect(unused).toEqual([]);
  });

  it("keep the same placeholders in both languages", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(nb) as (keyof typeof nb)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(nb[key]));
    }
  });
});

describe("formatDate", () => {
  it("shows a calendar date as people read it, the same day in every time zone", () => {
    expect(formatDate("nb", "2026-11-30")).toBe("30. nov. 2026");
    expect(formatDate("en", "2026-11-30")).toBe("30 Nov 2026");
    // The last day of a month stays itself (no shift through a time zone).
    expect(formatDate("nb", "2027-03-31")).toBe("31. mars 2027");
    expect(formatDate("nb", null)).toBe("");
  });
});
