import { useEffect, useState, type ComponentType } from "react";
import { useT } from "../../i18n";
import type { LivePlanProps } from "./live-plan";
import type { PlanPageData } from "./plan-page.server";
import { PlanBridges } from "../bridges/plan-bridges";
import { MeetingActions } from "./meeting-actions-view";
import { PlanReadView, useNameOf } from "./plan-view";

/*
 * The plan on a page. The server renders it as it is now (readable without JavaScript, and
 * only the parts the reader may see); in the browser the live plan (Yjs, one socket per part)
 * is loaded on demand and takes its place, so other pages never carry it.
 */

/** The live plan's chunk, requested as soon as this module runs in the browser. */
const livePlan: Promise<typeof import("./live-plan")> | null =
  typeof document === "undefined" ? null : import("./live-plan");

/** The plan for `data` (planForUser / planForLink): live once loaded, as text before. */
export function PlanPanel({ data }: { data: PlanPageData }) {
  const t = useT();
  const [Live, setLive] = useState<ComponentType<LivePlanProps> | null>(null);
  const live = data.role !== "none";
  const nameOf = useNameOf(data.people);
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    void (livePlan ?? import("./live-plan")).then((module) => {
      if (!stopped) setLive(() => module.default);
    });
    return () => {
      stopped = true;
    };
  }, [live]);
  if (data.role === "none" || !data.snapshot) {
    return (
      <p className="ds-alert" data-color="info">
        {t("plan.hiddenAll")}
      </p>
    );
  }
  const { snapshot, ...props } = data;
  return (
    <>
      {/* The live editor's chunks, fetched with the page's scripts (module-preload.server.ts). */}
      {data.preload.map((url) => (
        <link key={url} rel="modulepreload" href={url} />
      ))}
      {Live ? (
        <Live {...props} />
      ) : (
        <PlanReadView snapshot={snapshot} people={data.people} revisionOn={data.revisionOn} />
      )}
      <MeetingActions
        actions={data.meetingActions}
        snapshot={snapshot}
        nameOf={nameOf}
        meetingLinks={data.meetingLinks}
      />
      <PlanBridges data={data} />
    </>
  );
}
