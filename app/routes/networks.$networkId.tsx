import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { memberRelations, networkCircles } from "../../db/enums";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { CheckboxGroup, ErrorSummary, Field, SelectField } from "../components/forms";
import { MemberConsents } from "../features/consent/member-consents";
import { NetworkMap } from "../features/networks/network-map";
import { useT } from "../i18n";
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
  MemberFields,
  MemberNameRequiredError,
  PartnerChoiceError,
  removeMember,
  setWantsInvited,
} from "../features/networks/members.server";
import {
  leaderChoices,
  partnerChoices,
  setNetworkLeaders,
  viewNetwork,
} from "../features/networks/networks.server";
import { requirePermission } from "../features/accounts/session.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "people.networks");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const view = await viewNetwork(user, context, idFromUrl(params.networkId));
  return {
    ...view,
    partners: view.manage ? await partnerChoices(user.municipalityId) : [],
    leaderChoices: view.manage ? await leaderChoices(user.municipalityId) : [],
    today: latestConsentDate(),
  };
}

type Done = { ok: true; notice: MessageKey };
const done = (notice: MessageKey) => data<Done>({ ok: true, notice });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const networkId = idFromUrl(params.networkId);
  const form = await readForm(request);
  const intent = validate(NetworkPageIntent, formFields(form));
  if (!intent.ok) return badRequest(intent.errors);

  if (intent.value.intent === "add-member") {
    const fields = validate(MemberFields, formFields(form));
    if (!fields.ok) return badRequest(fields.errors);
    try {
      await addMember(user, context, networkId, fields.value);
      return done("member.added");
    } catch (error) {
      if (error instanceof DuplicateMemberError)
        return badRequest({ userId: [message("member.duplicate")] });
      if (error instanceof PartnerChoiceError)
        return badRequest({ userId: [message("member.unknownPartner")] });
      if (error instanceof MemberNameRequiredError)
        return badRequest({ name: [message("member.nameRequired")] });
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
      const consent = parseConsentForm(form);
      if (!consent.ok) return badRequest(consent.errors, { memberId });
      await recordConsent(
        auditActor(user, context),
        { id: member.id, personId: member.personId },
        consent.value,
      );
      return done("consent.recorded");
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
  const t = useT();
  const personName = network.personPreferredName ?? network.personName;
  return (
    <>
      <h1>{t("network.title", { kind: t(`networkKind.${network.kind}`), name: personName })}</h1>
      <p className="muted">
        {t("network.leaders")}: {leaders.map((l) => l.name).join(", ")}
        {network.planRevisionOn ? ` · ${t("network.planRevision")}: ${network.planRevisionOn}` : ""}
      </p>
      {manage ? (
        <p className="actions">
          <Link to={`/meetings/new?networkId=${network.id}`} className="button">
            {t("meetings.plan")}
          </Link>
        </p>
      ) : null}
      {result && result.ok ? (
        <p className="notice" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      <ErrorSummary
        errors={errors}
        labels={{
          userId: t("member.account"),
          name: t("member.name"),
          relation: t("member.relation"),
          circle: t("member.circle"),
          phone: t("people.phone"),
          email: t("people.email"),
          organisation: t("member.organisation"),
          content: t("consent.contents"),
          givenOn: t("consent.givenOn"),
          expiresOn: t("consent.expiresOn"),
          method: t("consent.method"),
        }}
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
                    {manage ? <MemberAdmin member={member} today={today} /> : null}
                  </article>
                ))}
              </section>
            );
          })}
          {manage ? <AddMember partners={partners} errors={errors} /> : null}
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
                <button type="submit" name="intent" value="set-leaders">
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

function MemberAdmin({ member, today }: { member: LoadedMember; today: string }) {
  const t = useT();
  return (
    <>
      <MemberConsents member={member} today={today} />
      <div className="actions">
        <Form method="post">
          <input type="hidden" name="memberId" value={member.id} />
          <button type="submit" name="intent" value="toggle-invited" className="secondary">
            {t("member.toggleInvited")}
            <span className="visually-hidden"> ({member.name})</span>
          </button>
        </Form>
        <Form method="post">
          <input type="hidden" name="memberId" value={member.id} />
          <button type="submit" name="intent" value="remove-member" className="danger">
            {t("member.remove")}
            <span className="visually-hidden"> ({member.name})</span>
          </button>
        </Form>
      </div>
    </>
  );
}

function AddMember({
  partners,
  errors,
}: {
  partners: { id: string; name: string; organisation: string }[];
  errors: Record<string, string[]> | undefined;
}) {
  const t = useT();
  return (
    <section className="panel" aria-labelledby="add-member-title">
      <h3 id="add-member-title">{t("member.add")}</h3>
      <Form method="post" noValidate>
        <SelectField
          name="userId"
          label={t("member.account")}
          defaultValue=""
          emptyLabel={t("member.noAccount")}
          options={partners.map((p) => ({ value: p.id, label: `${p.name} (${p.organisation})` }))}
          errors={errors}
        />
        <Field name="name" label={t("member.name")} autoComplete="off" errors={errors} />
        <SelectField
          name="relation"
          label={t("member.relation")}
          options={memberRelations.map((relation) => ({
            value: relation,
            label: t(`relation.${relation}`),
          }))}
          errors={errors}
        />
        <SelectField
          name="circle"
          label={t("member.circle")}
          options={networkCircles.map((circle) => ({
            value: circle,
            label: t(`circle.${circle}`),
          }))}
          errors={errors}
        />
        <Field
          name="organisation"
          label={t("member.organisation")}
          autoComplete="off"
          errors={errors}
        />
        <Field
          name="phone"
          type="tel"
          label={t("people.phone")}
          autoComplete="off"
          errors={errors}
        />
        <Field
          name="email"
          type="email"
          label={t("people.email")}
          autoComplete="off"
          errors={errors}
        />
        <label className="checkbox">
          <input type="checkbox" name="wantsInvited" value="yes" defaultChecked />{" "}
          {t("member.wantsInvited")}
        </label>
        <button type="submit" name="intent" value="add-member">
          {t("member.add")}
        </button>
      </Form>
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
