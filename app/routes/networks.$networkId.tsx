import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { networkCircles } from "../../db/enums";
import { ConfirmAction } from "../components/confirm";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { CheckboxGroup, ErrorSummary, type FieldErrors } from "../components/forms";
import { MemberConsents } from "../features/consent/member-consents";
import { AddMember, EditMember } from "../features/networks/member-form";
import { NetworkMap } from "../features/networks/network-map";
import { formatDate, useLocale, useT } from "../i18n";
import type { MessageKey } from "../i18n/nb";
import { idFromUrl } from "../features/access/access.server";
import { auditActor } from "../features/audit/audit.server";
import { recordConsent, withdrawConsent } from "../features/consent/consent.server";
import { latestConsentDate, parseConsentForm } from "../features/consent/consent-form.server";
import { LeaderChoiceError } from "../features/accounts/choices.server";
import { MemberRef, NetworkPageIntent } from "../features/networks/network-page-form.server";
import {
  addMember,
  DuplicateMemberError,
  managedMember,
  memberFormFields,
  MemberFields,
  MemberNameRequiredError,
  MemberUpdateFields,
  PartnerChoiceError,
  removeMember,
  setWantsInvited,
  updateMember,
} from "../features/networks/members.server";
import {
  leaderChoices,
  partnersToAdd,
  setNetworkLeaders,
  viewNetwork,
} from "../features/networks/networks.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import { requirePermission } from "../features/accounts/session.server";
import { badRequest, formFields, readForm, submittedText, validate } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ network }, t) =>
    t("title.network", { kind: t(`networkKind.${network.kind}`) }),
  );

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const { memberAccountIds, ...view } = await viewNetwork(
    user,
    context,
    idFromUrl(params.networkId),
  );
  return {
    ...view,
    // Accounts already members are not offered again.
    partners: view.manage ? await partnersToAdd(user.municipalityId, memberAccountIds) : [],
    leaderChoices: view.manage ? await leaderChoices(user.municipalityId) : [],
    today: latestConsentDate(),
    formToken: issueFormToken(userOwner(user)),
  };
}

/** `saved`: what a form that creates something created (it then starts empty; fresh-form.ts). */
type Done = {
  ok: true;
  notice: MessageKey;
  saved?: { form: "add-member" | "record-consent"; id: string; memberId?: string };
};
const done = (notice: MessageKey, saved?: Done["saved"]) =>
  data<Done>({ ok: true, notice, ...(saved ? { saved } : {}) });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const networkId = idFromUrl(params.networkId);
  const form = await readForm(request);
  const intent = validate(NetworkPageIntent, formFields(form));
  if (!intent.ok) return badRequest(intent.errors);

  if (intent.value.intent === "add-member") {
    // An account member's name and contact are the account's: those fields are dropped.
    const refused = { form: "add-member", values: submittedText(form) };
    const claim = await readFormClaim<string>(form, userOwner(user), `member:${networkId}`);
    if (!claim.ok) return badRequest(claim.errors, refused);
    if (claim.earlier) return done("member.added", { form: "add-member", id: claim.earlier.value });
    const fields = validate(MemberFields, memberFormFields(formFields(form)));
    if (!fields.ok) return badRequest(fields.errors, refused);
    try {
      const memberId = await addMember(user, context, networkId, fields.value, claim.claim);
      return done("member.added", { form: "add-member", id: memberId });
    } catch (error) {
      if (error instanceof DuplicateMemberError)
        return badRequest({ userId: [message("member.duplicate")] }, refused);
      if (error instanceof PartnerChoiceError)
        return badRequest({ userId: [message("member.unknownPartner")] }, refused);
      if (error instanceof MemberNameRequiredError)
        return badRequest({ name: [message("member.nameRequired")] }, refused);
      throw error;
    }
  }

  if (intent.value.intent === "set-leaders") {
    const leaderIds = form
      .getAll("leaderId")
      .filter((v): v is string => typeof v === "string" && v.length > 0);
    try {
      await setNetworkLeaders(user, context, networkId, leaderIds);
      return done("people.saved");
    } catch (error) {
      if (error instanceof LeaderChoiceError)
        return badRequest({ leaderId: [message("network.leadersInvalid")] });
      throw error;
    }
  }

  const ref = validate(MemberRef, formFields(form));
  if (!ref.ok) return badRequest(ref.errors);
  const { memberId, consentId } = ref.value;
  switch (intent.value.intent) {
    case "update-member": {
      const fields = validate(MemberUpdateFields, formFields(form));
      const refused = { form: "update-member", memberId };
      if (!fields.ok) return badRequest(fields.errors, refused);
      try {
        const changed = await updateMember(user, context, networkId, memberId, fields.value);
        return done(changed.length > 0 ? "member.updated" : "member.unchanged");
      } catch (error) {
        if (error instanceof MemberNameRequiredError)
          return badRequest({ name: [message("member.nameRequired")] }, refused);
        throw error;
      }
    }
    case "toggle-invited": {
      const member = await managedMember(user, networkId, memberId);
      await setWantsInvited(user, context, networkId, memberId, !member.wantsInvited);
      return done("member.updated");
    }
    case "remove-member":
      await removeMember(user, context, networkId, memberId);
      return done("member.removed");
    case "record-consent": {
      const member = await managedMember(user, networkId, memberId);
      const recorded = (ids: string[]) =>
        done("consent.recorded", {
          form: "record-consent",
          id: ids.join(" "),
          memberId: member.id,
        });
      const claim = await readFormClaim<string[]>(form, userOwner(user), `consent:${member.id}`);
      if (!claim.ok) return badRequest(claim.errors, { memberId });
      if (claim.earlier) return recorded(claim.earlier.value);
      const consent = parseConsentForm(form);
      if (!consent.ok) return badRequest(consent.errors, { memberId });
      return recorded(
        await recordConsent(
          auditActor(user, context),
          { id: member.id, personId: member.personId },
          consent.value,
          claim.claim,
        ),
      );
    }
    case "withdraw-consent": {
      const member = await managedMember(user, networkId, memberId);
      if (
        !consentId ||
        !(await withdrawConsent(
          auditActor(user, context),
          { id: member.id, personId: member.personId },
          consentId,
        ))
      ) {
        return badRequest({ consentId: [message("form.invalidChoice")] });
      }
      return done("consent.withdrawn");
    }
  }
  return badRequest({ intent: [message("form.unknownIntent")] });
}

export default function NetworkPage() {
  const { manage, network, leaders, members, partners, leaderChoices, today } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  // Which form a refusal answers: a member's own edit form shows its errors by its fields.
  const refused = result && !result.ok ? (result as Refused) : undefined;
  const editRefused = refused?.form === "update-member" ? refused : undefined;
  const saved = result && result.ok ? result.saved : undefined;
  const t = useT();
  const locale = useLocale();
  const personName = network.personPreferredName ?? network.personName;
  return (
    <>
      <h1>{t("network.title", { kind: t(`networkKind.${network.kind}`), name: personName })}</h1>
      <p className="muted">
        {t("network.leaders")}: {leaders.map((l) => l.name).join(", ")}
        {network.planRevisionOn
          ? ` · ${t("network.planRevision")}: ${formatDate(locale, network.planRevisionOn)}`
          : ""}
      </p>
      <p className="actions">
        {manage ? (
          <Link
            to={`/meetings/new?networkId=${network.id}`}
            className="ds-button"
            data-variant="primary"
          >
            {t("meetings.plan")}
          </Link>
        ) : null}
        <Link to={`/networks/${network.id}/plan`} className="ds-button" data-variant="secondary">
          {t("plan.open")}
        </Link>
      </p>
      {result && result.ok ? (
        <p className="ds-alert" data-color="success" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      <ErrorSummary
        errors={errors}
        labels={
          editRefused
            ? {}
            : {
                userId: t("member.account"),
                name: t("member.name"),
                relation: t("member.relation"),
                circle: t("member.circle"),
                phone: t("people.phone"),
                email: t("people.email"),
                organisation: t("member.organisation"),
                content: t("consent.contents"),
                planPart: t("consent.planParts"),
                givenOn: t("consent.givenOn"),
                expiresOn: t("consent.expiresOn"),
                method: t("consent.method"),
              }
        }
      />
      <div className="network-layout">
        <NetworkMap
          personName={personName}
          members={members.map((m) => ({
            id: m.id,
            name: m.name,
            circle: m.circle,
            relationLabel: t(`relation.${m.relation}`),
          }))}
        />
        <section aria-labelledby="members-title">
          <h2 id="members-title">{t("network.members")}</h2>
          {members.length === 0 ? <p>{t("network.noMembers")}</p> : null}
          {networkCircles.map((circle) => {
            const inCircle = members.filter((m) => m.circle === circle);
            if (inCircle.length === 0) return null;
            return (
              <section key={circle} aria-labelledby={`circle-${circle}`}>
                <h3 id={`circle-${circle}`}>{t(`circle.${circle}`)}</h3>
                {inCircle.map((member) => (
                  <article
                    key={member.id}
                    id={`member-${member.id}`}
                    className="member-card"
                    aria-labelledby={`member-name-${member.id}`}
                  >
                    <h4 id={`member-name-${member.id}`}>
                      {member.name}
                      {member.isMe ? ` (${t("member.you")})` : ""}
                    </h4>
                    <p>
                      {t(`relation.${member.relation}`)}
                      {member.organisation ? ` · ${member.organisation}` : ""}
                      {" · "}
                      {member.wantsInvited ? t("member.invited") : t("member.notInvited")}
                    </p>
                    {member.phone || member.email ? (
                      <p>
                        {t("member.contact")}:{" "}
                        {[member.phone, member.email].filter(Boolean).join(" · ")}
                      </p>
                    ) : null}
                    {manage ? (
                      <MemberAdmin
                        member={member}
                        today={today}
                        saved={saved?.memberId === member.id ? saved.id : undefined}
                        errors={
                          editRefused?.memberId === member.id ? editRefused.errors : undefined
                        }
                      />
                    ) : null}
                  </article>
                ))}
              </section>
            );
          })}
          {manage ? (
            <AddMember
              partners={partners}
              errors={editRefused ? undefined : errors}
              values={refused?.form === "add-member" ? refused.values : undefined}
              saved={saved?.form === "add-member" ? saved.id : undefined}
            />
          ) : null}
          {manage ? (
            <section className="panel" aria-labelledby="network-leaders-title">
              <h3 id="network-leaders-title">{t("network.leaders")}</h3>
              <Form method="post">
                <CheckboxGroup
                  id="network-leaders"
                  name="leaderId"
                  legend={t("network.leaders")}
                  hint={t("network.leadersHint")}
                  options={leaderChoices.map((l) => ({ value: l.id, label: l.name }))}
                  checked={leaders.map((l) => l.id)}
                />
                <button
                  className="ds-button"
                  data-variant="primary"
                  type="submit"
                  name="intent"
                  value="set-leaders"
                >
                  {t("network.saveLeaders")}
                </button>
              </Form>
            </section>
          ) : null}
        </section>
      </div>
    </>
  );
}

type LoadedMember = ReturnType<typeof useLoaderData<typeof loader>>["members"][number];

function MemberAdmin({
  member,
  today,
  saved,
  errors,
}: {
  member: LoadedMember;
  today: string;
  /** What this member's consent form has just recorded. */
  saved: string | undefined;
  /** The errors of a refused edit of this member. */
  errors: FieldErrors | undefined;
}) {
  const t = useT();
  return (
    <>
      <EditMember member={member} errors={errors} />
      <MemberConsents member={member} today={today} saved={saved} />
      <div className="actions">
        <Form method="post">
          <input type="hidden" name="memberId" value={member.id} />
          <button
            type="submit"
            name="intent"
            value="toggle-invited"
            className="ds-button"
            data-variant="secondary"
          >
            {t("member.toggleInvited")}
            <span className="ds-sr-only"> ({member.name})</span>
          </button>
        </Form>
        <ConfirmAction
          id={`remove-member-${member.id}`}
          intent="remove-member"
          fields={{ memberId: member.id }}
          label={t("member.remove")}
          labelDetail={`(${member.name})`}
          question={t("confirm.removeMember.question", { name: member.name })}
          consequence={t("confirm.removeMember.consequence", { name: member.name })}
          confirmLabel={t("confirm.removeMember.yes")}
          headingLevel={5}
        />
      </div>
    </>
  );
}

/** A refused form's answer: which form (for its values and errors) and, for one member's, whose. */
type Refused = {
  errors: FieldErrors;
  form?: "add-member" | "update-member";
  memberId?: string;
  values?: Record<string, string>;
};

export const ErrorBoundary = GeneralErrorBoundary;
