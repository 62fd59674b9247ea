import {
  data,
  type ActionFunctionArgs,
  type AppLoadContext,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ConfirmAction } from "../components/confirm";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { RoleFields, useUserFieldLabels } from "../features/accounts/role-fields";
import { env } from "../env.server";
import { userStatusKey } from "../features/accounts/user-status";
import { formatDateTime, useLocale, useT } from "../i18n";
import type { MessageKey } from "../i18n/nb";
import { auditActor } from "../features/audit/audit.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import { requirePermission } from "../features/accounts/session.server";
import { EditUserIntent, parseRoleFields } from "../features/accounts/user-form.server";
import {
  getUserInMunicipality,
  issueActivationLink,
  municipalityChoices,
  setActive,
  setRoles,
} from "../features/accounts/users.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { message } from "../utils/validation";
import { isUuid } from "../utils/validation.server";
import { dataTitle } from "../utils/meta";

async function loadTarget(request: Request, context: AppLoadContext, userId: string | undefined) {
  const admin = await requirePermission(request, context, "admin.users");
  const target = isUuid(userId) ? await getUserInMunicipality(userId, admin.municipalityId) : null;
  if (!target) throw new Response("Not Found", { status: 404 });
  return { admin, target };
}

export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ user }, t) => t("title.user", { name: user.name }));

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { admin, target } = await loadTarget(request, context, params.userId);
  return {
    user: target,
    isSelf: admin.id === target.id,
    ...(await municipalityChoices(admin.municipalityId)),
    formToken: issueFormToken(userOwner(admin)),
  };
}

type Done = { ok: true; notice: MessageKey; link?: string; expires?: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { admin, target } = await loadTarget(request, context, params.userId);
  const form = await readForm(request);
  const intent = validate(EditUserIntent, formFields(form));
  if (!intent.ok) return badRequest(intent.errors);
  const actor = auditActor(admin, context);

  switch (intent.value.intent) {
    case "save-roles": {
      // Nobody widens (or drops) their own access: that takes a second admin.
      if (target.id === admin.id)
        return badRequest({ intent: [message("users.cannotEditOwnRoles")] });
      const parsed = parseRoleFields(form, await municipalityChoices(admin.municipalityId));
      if (!parsed.ok) return badRequest(parsed.errors);
      await setRoles(actor, target.id, parsed);
      return data<Done>({ ok: true, notice: "users.rolesSaved" });
    }
    case "deactivate": {
      if (target.id === admin.id)
        return badRequest({ intent: [message("users.cannotDeactivateSelf")] });
      await setActive(actor, target.id, false);
      return data<Done>({ ok: true, notice: "users.deactivated" });
    }
    case "reactivate": {
      await setActive(actor, target.id, true);
      return data<Done>({ ok: true, notice: "users.reactivated" });
    }
    case "issue-link": {
      const claim = await readFormClaim<{ token: string; expiresAt: string }>(
        form,
        userOwner(admin),
        `activation:${target.id}`,
      );
      if (!claim.ok) return badRequest(claim.errors);
      if (!claim.earlier && target.activated)
        return badRequest({ intent: [message("users.alreadyActivated")] });
      const { token, expiresAt } =
        claim.earlier?.value ?? (await issueActivationLink(actor, target.id, claim.claim));
      const base = env().PUBLIC_URL ?? new URL(request.url).origin;
      return data<Done>({
        ok: true,
        notice: "users.linkIssued",
        link: new URL(`/activate/${token}`, base).href,
        expires: expiresAt,
      });
    }
  }
}

export default function EditUser() {
  const { user, isSelf, units, organisations, formToken } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const errors = result && !result.ok ? result.errors : undefined;
  const done = result && result.ok ? result : undefined;
  return (
    <>
      <h1>{user.name}</h1>
      <p>
        {user.email} · {t(userStatusKey(user))}
      </p>
      {params.get("created") && !done ? (
        <p className="ds-alert" data-color="success" role="status">
          {t("users.created")}
        </p>
      ) : null}
      {done ? (
        <div className="ds-alert" data-color="success" role="status">
          <p>
            {t(done.notice, { expires: done.expires ? formatDateTime(locale, done.expires) : "" })}
          </p>
          {done.link ? <code className="secret">{done.link}</code> : null}
        </div>
      ) : null}
      <ErrorSummary errors={errors} labels={useUserFieldLabels()} />
      <section className="panel" aria-labelledby="roles-title">
        <h2 id="roles-title">{t("users.roles")}</h2>
        <Form method="post" noValidate>
          <RoleFields
            units={units}
            organisations={organisations}
            current={{ roles: user.roles, partnerOrganisationId: user.partnerOrganisationId }}
            errors={errors}
          />
          <button
            className="ds-button"
            data-variant="primary"
            type="submit"
            name="intent"
            value="save-roles"
          >
            {t("users.saveRoles")}
          </button>
        </Form>
      </section>
      <section className="panel actions" aria-label={t("users.status")}>
        {user.active && !user.activated ? (
          <ConfirmAction
            id="issue-link"
            intent="issue-link"
            fields={{ formToken }}
            look="secondary"
            label={t("users.issueLink")}
            question={t("confirm.issueLink.question")}
            consequence={t("confirm.issueLink.consequence")}
            confirmLabel={t("confirm.issueLink.yes")}
          />
        ) : null}
        {user.active && !isSelf ? (
          <ConfirmAction
            id="deactivate"
            intent="deactivate"
            label={t("users.deactivate")}
            question={t("confirm.deactivateUser.question", { name: user.name })}
            consequence={t("confirm.deactivateUser.consequence", { name: user.name })}
            confirmLabel={t("confirm.deactivateUser.yes")}
          />
        ) : null}
        {!user.active ? (
          <Form method="post">
            <button
              className="ds-button"
              data-variant="primary"
              type="submit"
              name="intent"
              value="reactivate"
            >
              {t("users.reactivate")}
            </button>
          </Form>
        ) : null}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
