import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary, fieldId, useFieldMessage } from "../components/forms";
import { FormTokenField, SubmitButton } from "../components/submit-button";
import { requirePermission } from "../features/accounts/session.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import {
  forbidden,
  managesOrganisations,
  offeringsScope,
} from "../features/offerings/access.server";
import { CSV_COLUMNS, importOfferings, type FileProblem } from "../features/offerings/csv.server";
import { useT } from "../i18n";
import { badRequest, readForm } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.offeringsImport");

async function requireCoordinator(request: Request, context: LoaderFunctionArgs["context"]) {
  const user = await requirePermission(request, context, "offerings.manage");
  if (!managesOrganisations(await offeringsScope(user))) forbidden();
  return user;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCoordinator(request, context);
  const created = Number(new URL(request.url).searchParams.get("created"));
  return {
    headings: CSV_COLUMNS.map(([, heading]) => heading),
    created: Number.isSafeInteger(created) && created > 0 ? created : null,
    formToken: issueFormToken(userOwner(user)),
  };
}

const FILE_MESSAGE = {
  empty: "import.error.empty",
  tooLarge: "import.error.tooLarge",
  encoding: "import.error.encoding",
  tooManyRows: "import.error.tooManyRows",
  delimiter: "import.error.delimiter",
  unclosedQuote: "import.error.unclosedQuote",
  malformed: "import.error.malformed",
  missingColumns: "import.error.missingColumns",
  unknownColumns: "import.error.unknownColumns",
} as const;

const fileMessage = (problem: FileProblem) =>
  message(FILE_MESSAGE[problem.key], {
    ...("line" in problem ? { line: problem.line } : {}),
    ...("columns" in problem ? { columns: problem.columns.join(", ") } : {}),
  });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireCoordinator(request, context);
  const form = await readForm(request);
  const claim = await readFormClaim<{ ok: true; created: number }>(
    form,
    userOwner(user),
    "offerings:import",
  );
  if (!claim.ok) return badRequest(claim.errors);
  if (claim.earlier) return redirect(`/offerings/import?created=${claim.earlier.value.created}`);
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    return badRequest({
      file: [message(file instanceof File ? "import.error.empty" : "import.error.noFile")],
    });
  }
  const result = await importOfferings(
    user,
    context,
    new Uint8Array(await file.arrayBuffer()),
    claim.claim,
  );
  if (result.ok) return redirect(`/offerings/import?created=${result.created}`);
  if ("file" in result) return badRequest({ file: [fileMessage(result.file)] });
  return data(
    {
      ok: false as const,
      errors: undefined,
      rows: result.rows.slice(0, 500),
      total: result.total,
      rejected: result.rows.length,
    },
    { status: 400 },
  );
}

export default function ImportOfferings() {
  const { headings, created } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const render = useFieldMessage();
  const errors = result?.errors;
  return (
    <>
      <p>
        <Link to="/offerings">{t("offering.back")}</Link>
      </p>
      <h1>{t("title.offeringsImport")}</h1>
      {created ? (
        <p role="status" className="ds-alert" data-color="success">
          {t("import.created", { count: created })}
        </p>
      ) : null}
      {errors ? (
        <>
          <p className="ds-alert" data-color="danger">
            {t("import.fileRejected")}
          </p>
          <ErrorSummary errors={errors} labels={{ file: t("import.file") }} />
        </>
      ) : null}
      {result && "rows" in result ? (
        <section aria-labelledby="rejected-title" className="ds-alert" data-color="danger">
          <h2 id="rejected-title" tabIndex={-1}>
            {t("import.rejected", { count: result.rejected, total: result.total })}
          </h2>
          <div className="table-wrap">
            <table className="ds-table" data-border>
              <caption>{t("import.rowsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("import.line")}</th>
                  <th scope="col">{t("offering.title")}</th>
                  <th scope="col">{t("import.column")}</th>
                  <th scope="col">{t("import.problem")}</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.flatMap((row) =>
                  row.errors.map((error, index) => (
                    <tr key={`${row.line}-${index}`}>
                      <td>{row.line}</td>
                      <td>{row.title}</td>
                      <td>{error.column || t("import.wholeRow")}</td>
                      <td>{render(error.message)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <p>{t("import.intro")}</p>
      <p>{t("import.encodings")}</p>
      <h2>{t("import.columns")}</h2>
      <p>
        <code>{headings.join(";")}</code>
      </p>
      <Form method="post" encType="multipart/form-data" noValidate>
        <div className="ds-field">
          <label className="ds-label" htmlFor={fieldId("file")}>
            {t("import.file")}
          </label>
          <input
            id={fieldId("file")}
            name="file"
            type="file"
            accept=".csv,text/csv"
            className="ds-input"
            aria-invalid={errors?.file ? true : undefined}
            aria-describedby={errors?.file ? `${fieldId("file")}-error` : undefined}
          />
          {errors?.file ? (
            <p
              id={`${fieldId("file")}-error`}
              className="ds-validation-message"
              data-field="validation"
            >
              {errors.file.map(render).join(" ")}
            </p>
          ) : null}
        </div>
        <FormTokenField />
        <SubmitButton>{t("import.submit")}</SubmitButton>
      </Form>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
