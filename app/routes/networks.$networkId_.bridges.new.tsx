import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary, Field, SelectField } from "../components/forms";
import { FormTokenField, SubmitButton } from "../components/submit-button";
import { idFromUrl, notFound } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { proposeAction } from "../features/bridges/bridge-actions.server";
import { NoteField } from "../features/bridges/bridge-views";
import { proposePage, UnknownPlanEntryError } from "../features/bridges/bridges.server";
import { proposalSearchHref, servesFrom } from "../features/bridges/propose-context.server";
import { issueFormToken, userOwner } from "../features/forms/once.server";
import { listOfferings } from "../features/offerings/offerings.server";
import { useFieldMessage } from "../components/forms";
import { useT } from "../i18n";
import { readForm } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";

/*
 * "Foreslå tilbud" (issue 13): a leader who manages the network chooses one of the
 * municipality's active offerings for the person, from their page or from a goal or action of
 * the plan (?goalId=…&actionId=…). A plain text filter narrows the list; without JavaScript it is a
 * GET form. bridges/bridges.server.ts decides and stores.
 */

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.bridgePropose");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const networkId = idFromUrl(params.networkId);
  const url = new URL(request.url);
  const serves = servesFrom(url.searchParams);
  // Chosen in the offerings search (its "Foreslå" link): shown first, already selected.
  const chosen = url.searchParams.get("offeringId");
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  let page;
  try {
    page = await proposePage(user, networkId, serves);
  } catch (error) {
    if (error instanceof UnknownPlanEntryError) notFound();
    throw error;
  }
  const needle = q.toLocaleLowerCase("nb");
  const offerings = (await listOfferings(user, { status: "active" }))
    .filter(
      (o) =>
        !needle ||
        o.title.toLocaleLowerCase("nb").includes(needle) ||
        o.organisation.toLocaleLowerCase("nb").includes(needle),
    )
    .map((o) => ({ id: o.id, title: o.title, organisation: o.organisation }));
  const chosenFirst = chosen ? offerings.findIndex((o) => o.id === chosen) : -1;
  if (chosenFirst > 0) offerings.unshift(...offerings.splice(chosenFirst, 1));
  return {
    chosen: chosenFirst >= 0 ? chosen : null,
    searchHref: proposalSearchHref(networkId, serves),
    ...page,
    goalIdParam: serves.goalId,
    actionIdParam: serves.actionId,
    q,
    offerings,
    formToken: issueFormToken(userOwner(user)),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  return proposeAction(user, context, idFromUrl(params.networkId), await readForm(request));
}

export default function ProposeBridgePage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && "errors" in result ? result.errors : undefined;
  const t = useT();
  const render = useFieldMessage();
  return (
    <>
      <p>
        <a href={`/networks/${data.networkId}/plan`}>{t("bridge.back")}</a>
      </p>
      <h1>{t("bridge.propose")}</h1>
      {data.goal ? (
        <p>
          {t("bridge.forGoal")}: <q>{data.goal}</q>
        </p>
      ) : null}
      {data.action ? (
        <p>
          {t("bridge.forAction")}: {data.action}
        </p>
      ) : null}
      <p>
        <a href={data.searchHref}>{t("bridge.searchWithFilters")}</a>
      </p>
      <Form method="get" className="panel" role="search" aria-label={t("bridge.filter")}>
        {data.goalIdParam ? <input type="hidden" name="goalId" value={data.goalIdParam} /> : null}
        {data.actionIdParam ? (
          <input type="hidden" name="actionId" value={data.actionIdParam} />
        ) : null}
        <Field
          name="q"
          type="search"
          label={t("bridge.filter")}
          defaultValue={data.q}
          maxLength={200}
          aria-describedby="field-q-hint"
        />
        <p className="ds-field-description" id="field-q-hint">
          {t("bridge.filterHint")}
        </p>
        <button type="submit" className="ds-button" data-variant="secondary">
          {t("bridge.filterButton")}
        </button>
      </Form>
      <ErrorSummary
        errors={errors}
        labels={{
          offeringId: t("bridge.offering"),
          note: t("bridge.note"),
          goalId: t("bridge.forGoal"),
        }}
      />
      {data.offerings.length === 0 ? (
        <p role="status">{t("bridge.noOfferings")}</p>
      ) : (
        <Form method="post" className="panel" noValidate aria-label={t("bridge.propose")}>
          <SelectField
            name="offeringId"
            label={t("bridge.offering")}
            defaultValue={data.chosen ?? undefined}
            options={data.offerings.map((o) => ({
              value: o.id,
              label: `${o.title} – ${o.organisation}`,
            }))}
            errors={errors}
          />
          <input type="hidden" name="goalId" value={data.goalIdParam ?? ""} />
          <input type="hidden" name="actionId" value={data.actionIdParam ?? ""} />
          <NoteField errors={errors?.note?.map(render)} />
          <FormTokenField />
          <SubmitButton className="ds-button" data-variant="primary">
            {t("bridge.proposeButton")}
          </SubmitButton>
        </Form>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
