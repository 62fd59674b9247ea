import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { Checkbox, ErrorSummary, Field, useFieldMessage } from "../components/forms";
import { FormTokenField, SubmitButton } from "../components/submit-button";
import { idFromUrl } from "../features/access/access.server";
import { LeaderChoiceError } from "../features/accounts/choices.server";
import { requirePermission } from "../features/accounts/session.server";
import {
  carryItems,
  CarryRefusedError,
  followUpMeetingInput,
  nextInSeries,
  unfinishedItems,
  type CarryRefusal,
} from "../features/agenda/carry-over.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import { createMeetings } from "../features/meetings/changes.server";
import { osloDateTime, parseMeetingForm } from "../features/meetings/meeting-form.server";
import {
  managedMeeting,
  MeetingChoiceError,
  viewMeeting,
} from "../features/meetings/meetings.server";
import { formatDate, formatDateTime, translator, useLocale, useT } from "../i18n";
import type { MessageKey } from "../i18n/nb";
import { getLocale } from "../i18n/locale.server";
import { badRequest, readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";
import { message } from "../utils/validation";

/*
 * Carrying unfinished agenda items to the next meeting in the series or to a new meeting
 * (issue 11; app/features/agenda/carry-over.server.ts). Reached from the run view and the
 * meeting page; only for those who lead the meeting. One submission, one result: the form's
 * one-time token, and copies whose ids come from the source item, so nothing is duplicated.
 */

export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, (_data, t) => t("carry.pageTitle"));

const REFUSED: Record<CarryRefusal, MessageKey> = {
  sourceCancelled: "carry.refused.sourceCancelled",
  targetCancelled: "carry.refused.targetCancelled",
  sameMeeting: "carry.refused.sameMeeting",
  otherNetwork: "carry.refused.otherNetwork",
  targetLocked: "carry.refused.targetLocked",
  nothingToCarry: "carry.refused.nothingToCarry",
};
const ITEM_ID = /^[A-Za-z0-9_-]{8,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TWO_WEEKS_MS = 14 * 24 * 60 * 60 * 1000;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const view = await viewMeeting(user, context, idFromUrl(params.meetingId));
  const t = translator(await getLocale(request));
  if (!view.manage) throw new Response(t("run.notYours"), { status: 403 });
  const m = view.meeting;
  const cancelled = m.status === "cancelled";
  const next = cancelled ? null : await nextInSeries(m);
  // A new meeting is proposed two weeks later at the same wall-clock time.
  const later = osloDateTime(new Date(m.startsAt.getTime() + TWO_WEEKS_MS));
  return {
    meetingId: m.id,
    title: m.internalTitle,
    cancelled,
    items: cancelled ? [] : await unfinishedItems(m.id),
    next: next ? { id: next.id, startsAt: next.startsAt.toISOString() } : null,
    newValues: { date: later.date, time: osloDateTime(m.startsAt).time },
    formToken: issueFormToken(userOwner(user)),
  };
}

type Carried = { ok: true; targetId: string; carried: number };
const refused = (key: MessageKey, field = "target") =>
  data({ ok: false as const, errors: { [field]: [message(key)] } }, { status: 409 });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const meetingId = idFromUrl(params.meetingId);
  const form = await readForm(request);
  const itemIds = form.getAll("itemId").filter((v): v is string => typeof v === "string");
  const target = form.get("target");
  const errors: Record<string, string[]> = {};
  if (itemIds.length === 0 || itemIds.length > 200 || !itemIds.every((id) => ITEM_ID.test(id)))
    errors.itemId = [message("carry.chooseItems")];
  if (typeof target !== "string" || (target !== "new" && !UUID.test(target)))
    errors.target = [message("carry.chooseTarget")];
  if (Object.keys(errors).length > 0) return badRequest(errors);
  const owner = userOwner(user);
  // The stored result is carryItems' own (see once.server.ts): the same answer as the first post.
  const claim = await readFormClaim<Omit<Carried, "ok">>(form, owner, `carry:${meetingId}`);
  if (!claim.ok) return badRequest(claim.errors);
  if (claim.earlier) {
    const { targetId, carried } = claim.earlier.value;
    return data<Carried>({ ok: true, targetId, carried });
  }
  const locale = await getLocale(request);
  const t = translator(locale);
  let targetId = target as string;
  if (target === "new") {
    const source = (await managedMeeting(user, meetingId)).found.meeting;
    if (source.status === "cancelled") return refused(REFUSED.sourceCancelled);
    // The new meeting goes through the meeting form's own rules and its one-time token.
    const created = await readFormClaim<string[]>(form, owner, `carry-new:${meetingId}`);
    if (!created.ok) return badRequest(created.errors);
    if (created.earlier) targetId = created.earlier.value[0]!;
    else {
      // No meeting is made for items that cannot be carried (done, or carried meanwhile).
      const open = new Set((await unfinishedItems(meetingId)).map((item) => item.id));
      if (!itemIds.some((id) => open.has(id))) return refused(REFUSED.nothingToCarry);
      const parsed = parseMeetingForm(meetingFormOf(form, await followUpMeetingInput(source)));
      if (!parsed.ok) return badRequest(parsed.errors);
      try {
        [targetId] = (await createMeetings(
          user,
          context,
          source.networkId,
          parsed.meeting,
          null,
          created.claim,
        )) as [string];
      } catch (error) {
        if (error instanceof LeaderChoiceError) return refused("meeting.unknownLeader");
        if (error instanceof MeetingChoiceError) return refused("meeting.unknownMember");
        throw error;
      }
    }
  }
  try {
    const result = await carryItems(
      user,
      context,
      meetingId,
      targetId,
      itemIds,
      (date) => t("carry.note", { date: formatDate(locale, date) }),
      claim.claim,
    );
    return data<Carried>({ ok: true, targetId: result.targetId, carried: result.carried });
  } catch (error) {
    if (error instanceof CarryRefusedError) return refused(REFUSED[error.reason]);
    throw error;
  }
}

/** The new meeting as the meeting form would post it: the source's details, the chosen time. */
function meetingFormOf(
  posted: FormData,
  input: Awaited<ReturnType<typeof followUpMeetingInput>>,
): FormData {
  const form = new FormData();
  const text = (name: string) => {
    const value = posted.get(name);
    return typeof value === "string" ? value : "";
  };
  form.set("kind", input.kind);
  form.set("date", text("date"));
  form.set("time", text("time"));
  if (text("utcOffset")) form.set("utcOffset", text("utcOffset"));
  if (text("pastConfirmed")) form.set("pastConfirmed", text("pastConfirmed"));
  form.set("durationMinutes", String(input.durationMinutes));
  form.set("place", input.place ?? "");
  form.set("videoLink", input.videoLink ?? "");
  form.set("internalTitle", input.internalTitle);
  form.set("calendarTitle", input.calendarTitle);
  if (input.detailsInInvites) form.set("detailsInInvites", "on");
  for (const id of input.memberIds) form.append("memberId", id);
  for (const id of input.leaderIds) form.append("leaderId", id);
  return form;
}

export default function CarryOver() {
  const { meetingId, title, cancelled, items, next, newValues } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const render = useFieldMessage();
  const errors = result && !result.ok ? (result.errors as Record<string, string[]>) : undefined;
  const done = result && result.ok ? (result as Carried) : null;
  return (
    <>
      <p>
        <a href={`/meetings/${meetingId}`}>{t("run.back")}</a>
      </p>
      <h1>
        {t("carry.pageTitle")}: {title}
      </h1>
      {done ? (
        <div className="ds-alert" data-color="success" role="status">
          <p>{t("carry.done", { count: done.carried })}</p>
          <p>
            <a href={`/meetings/${done.targetId}`}>{t("carry.openTarget")}</a>
          </p>
        </div>
      ) : null}
      <ErrorSummary
        errors={errors}
        labels={{
          itemId: t("carry.items"),
          target: t("carry.target"),
          date: t("carry.newDate"),
          time: t("carry.newTime"),
          pastConfirmed: t("carry.pastConfirm"),
        }}
      />
      {cancelled ? (
        <p className="ds-alert" data-color="info">
          {t("carry.refused.sourceCancelled")}
        </p>
      ) : items.length === 0 ? (
        <p>{t("carry.none")}</p>
      ) : (
        <Form method="post" className="panel" aria-describedby="carry-intro">
          <p id="carry-intro">{t("carry.intro")}</p>
          <FormTokenField />
          <fieldset className="ds-fieldset" id="field-itemId">
            <legend className="ds-label">{t("carry.items")}</legend>
            {items.map((item) => (
              <Checkbox
                key={item.id}
                id={`carry-item-${item.id}`}
                name="itemId"
                value={item.id}
                label={item.title || "–"}
                defaultChecked
              />
            ))}
            {errors?.itemId ? (
              <p className="ds-validation-message">{errors.itemId.map(render).join(" ")}</p>
            ) : null}
          </fieldset>
          <fieldset className="ds-fieldset" id="field-target">
            <legend className="ds-label">{t("carry.target")}</legend>
            {next ? (
              <Checkbox
                type="radio"
                id="carry-target-next"
                name="target"
                value={next.id}
                label={t("carry.toNext", { when: formatDateTime(locale, next.startsAt) })}
                defaultChecked
              />
            ) : (
              <p>{t("carry.noNext")}</p>
            )}
            <Checkbox
              type="radio"
              id="carry-target-new"
              name="target"
              value="new"
              label={t("carry.toNew")}
              defaultChecked={!next}
            />
            <Field
              name="date"
              type="date"
              label={t("carry.newDate")}
              defaultValue={newValues.date}
              errors={errors}
            />
            <Field
              name="time"
              type="time"
              label={t("carry.newTime")}
              defaultValue={newValues.time}
              errors={errors}
            />
            {errors?.pastConfirmed ? (
              <Checkbox
                id="field-pastConfirmed"
                name="pastConfirmed"
                value="on"
                label={t("carry.pastConfirm")}
              />
            ) : null}
            {errors?.target ? (
              <p className="ds-validation-message">{errors.target.map(render).join(" ")}</p>
            ) : null}
          </fieldset>
          <p className="actions">
            <SubmitButton>{t("carry.submit")}</SubmitButton>
          </p>
        </Form>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
