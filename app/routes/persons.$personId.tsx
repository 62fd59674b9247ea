import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { CheckboxGroup, ErrorSummary, Field, fieldId, SelectField } from "../components/forms";
import { FormTokenField, SubmitButton } from "../components/submit-button";
import { PersonFields, usePersonFieldLabels } from "../features/people/person-fields";
import { useT } from "../i18n";
import type { MessageKey } from "../i18n/nb";
import { idFromUrl } from "../features/access/access.server";
import { LeaderChoiceError } from "../features/accounts/choices.server";
import {
  createNetwork,
  DuplicateError,
  leaderChoices,
  NewNetworkFields,
} from "../features/networks/networks.server";
import {
  PersonFields as PersonSchema,
  setPersonLeaders,
  UnitRequiredError,
  unitChoices,
  updatePerson,
  viewPerson,
} from "../features/people/people.server";
import { PersonPageIntent } from "../features/people/person-page-form.server";
import { PersonBridges } from "../features/bridges/person-bridges";
import { bridgesForPersonPage } from "../features/bridges/bridge-lists.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import { requirePermission } from "../features/accounts/session.server";
import { badRequest, formFields, readForm, submittedText, validate } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";
import { message } from "../utils/validation";

// The person's name stays out of the title (utils/meta.ts): it is kept in browser history.
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, (_data, t) => t("title.person"));

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const view = await viewPerson(user, context, idFromUrl(params.personId));
  return {
    ...view,
    bridges: await bridgesForPersonPage(
      user,
      context,
      idFromUrl(params.personId),
      view.networks.map((n) => n.id),
      view.manage,
    ),
    units: view.manage ? await unitChoices(user.municipalityId) : [],
    leaderChoices: view.manage ? await leaderChoices(user.municipalityId) : [],
    me: user.id,
    formToken: issueFormToken(userOwner(user)),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const personId = idFromUrl(params.personId);
  const form = await readForm(request);
  const intent = validate(PersonPageIntent, formFields(form));
  if (!intent.ok) return badRequest(intent.errors);
  if (intent.value.intent === "set-leaders") {
    const leaderIds = form
      .getAll("leaderId")
      .filter((v): v is string => typeof v === "string" && v.length > 0);
    try {
      await setPersonLeaders(user, context, personId, leaderIds);
    } catch (error) {
      if (error instanceof LeaderChoiceError)
        return badRequest({ leaderId: [message("people.leadersInvalid")] });
      throw error;
    }
    return data({ ok: true as const, notice: "people.saved" as MessageKey });
  }
  if (intent.value.intent === "update") {
    const fields = validate(PersonSchema, formFields(form));
    const values = submittedText(form);
    if (!fields.ok) return badRequest(fields.errors, { values });
    try {
      await updatePerson(user, context, personId, fields.value);
    } catch (error) {
      if (error instanceof UnitRequiredError)
        return badRequest({ unitId: [message("people.unitRequired")] }, { values });
      throw error;
    }
    return data({ ok: true as const, notice: "people.saved" as MessageKey });
  }
  const claim = await readFormClaim<string>(form, userOwner(user), `network:${personId}`);
  if (!claim.ok) return badRequest(claim.errors);
  if (claim.earlier) return redirect(`/networks/${claim.earlier.value}`);
  const fields = validate(NewNetworkFields, formFields(form));
  if (!fields.ok) return badRequest(fields.errors);
  const leaderIds = form
    .getAll("leaderId")
    .filter((v): v is string => typeof v === "string" && v.length > 0);
  try {
    const networkId = await createNetwork(
      user,
      context,
      personId,
      { ...fields.value, leaderIds },
      claim.claim,
    );
    return redirect(`/networks/${networkId}`);
  } catch (error) {
    if (error instanceof LeaderChoiceError)
      return badRequest({ leaderId: [message("network.leadersInvalid")] });
    if (error instanceof DuplicateError) return badRequest({ kind: [message("network.exists")] });
    throw error;
  }
}

export default function PersonPage() {
  const { manage, person, networks, leaders, missingKinds, units, leaderChoices, me, bridges } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const t = useT();
  const personLabels = usePersonFieldLabels();
  const leaderOptions = leaderChoices.map((l) => ({ value: l.id, label: l.name }));
  return (
    <>
      <h1>
        {person.name}
        {person.preferredName ? ` (${person.preferredName})` : ""}
      </h1>
      {result && result.ok ? (
        <p className="ds-alert" data-color="success" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      <ErrorSummary
        errors={errors}
        labels={{
          ...personLabels,
          kind: t("network.kind"),
          leaderId: t("network.leaders"),
          planRevisionOn: t("network.planRevision"),
        }}
      />
      <section className="panel" aria-labelledby="networks-title">
        <h2 id="networks-title">{t("people.networks")}</h2>
        <ul>
          {networks.map((network) => (
            <li key={network.id}>
              <Link to={`/networks/${network.id}`}>{t(`networkKind.${network.kind}`)}</Link>
              {" · "}
              <Link to={`/networks/${network.id}/plan`}>
                {t("plan.openFor", { kind: t(`networkKind.${network.kind}`) })}
              </Link>
            </li>
          ))}
        </ul>
        {manage && missingKinds.length > 0 ? (
          <Form method="post" noValidate>
            <h3>{t("network.create")}</h3>
            <SelectField
              name="kind"
              label={t("network.kind")}
              options={missingKinds.map((kind) => ({
                value: kind,
                label: t(`networkKind.${kind}`),
              }))}
              errors={errors}
            />
            <CheckboxGroup
              id={fieldId("leaderId")}
              name="leaderId"
              legend={t("network.leaders")}
              hint={t("network.leadersHint")}
              options={leaderOptions}
              checked={[me]}
            />
            <Field
              name="planRevisionOn"
              type="date"
              label={t("network.planRevision")}
              errors={errors}
            />
            <FormTokenField />
            <SubmitButton name="intent" value="create-network">
              {t("network.create")}
            </SubmitButton>
          </Form>
        ) : null}
      </section>
      {manage ? <PersonBridges bridges={bridges} networks={networks} /> : null}
      <section className="panel" aria-labelledby="details-title">
        <h2 id="details-title">{manage ? t("people.edit") : t("people.unit")}</h2>
        {manage ? (
          <Form method="post" noValidate>
            <PersonFields
              values={result && "values" in result ? (result.values as typeof person) : person}
              units={units}
              errors={errors}
            />
            <button
              className="ds-button"
              data-variant="primary"
              type="submit"
              name="intent"
              value="update"
            >
              {t("people.save")}
            </button>
          </Form>
        ) : (
          <p>{person.unitName}</p>
        )}
      </section>
      {manage ? (
        <section className="panel" aria-labelledby="leaders-title">
          <h2 id="leaders-title">{t("people.leaders")}</h2>
          <Form method="post">
            <CheckboxGroup
              name="leaderId"
              legend={t("people.leaders")}
              options={leaderOptions}
              checked={leaders.map((l) => l.id)}
            />
            <button
              className="ds-button"
              data-variant="primary"
              type="submit"
              name="intent"
              value="set-leaders"
            >
              {t("people.saveLeaders")}
            </button>
          </Form>
        </section>
      ) : (
        <p>
          {t("people.leaders")}: {leaders.map((l) => l.name).join(", ")}
        </p>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
