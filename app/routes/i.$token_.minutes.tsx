import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { MinutesView, VersionList } from "../features/minutes/minutes-view";
import { minutesForLink, versionParam } from "../features/minutes/read.server";
import { formatDateTime, useT } from "../i18n";
import { dataTitle } from "../utils/meta";

/** The locked minutes of one meeting through a personal link, with consent for "minutes". */
export const meta: MetaFunction<typeof loader> = (args) => [
  ...dataTitle(args, (loaded, t, locale) =>
    loaded.found
      ? t("title.minutesLink", { when: formatDateTime(locale, loaded.found.startsAt) })
      : t("invitation.title"),
  ),
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const found = await minutesForLink(token, context.clientIp, {
    version: versionParam(new URL(request.url)),
    purpose: "view",
  });
  if (!found) return data({ found: null }, { status: 404 });
  const base = `/i/${token}/minutes`;
  const minutes = found.minutes;
  return {
    found: {
      startsAt: found.meeting.startsAt.toISOString(),
      invitationHref: `/i/${token}`,
      versions: (minutes?.versions ?? []).map((v) => ({
        ...v,
        href: `${base}?version=${v.version}`,
        current: v.version === minutes?.selected.version,
      })),
      selected: minutes?.selected ?? null,
      pdfHref: minutes ? `${base}/pdf?version=${minutes.selected.version}` : null,
    },
  };
}

export default function InvitationMinutesPage() {
  const { found } = useLoaderData<typeof loader>();
  const t = useT();
  if (!found) {
    return (
      <section className="panel narrow" aria-labelledby="minutes-title">
        <h1 id="minutes-title">{t("minutes.title")}</h1>
        <p>{t("invitation.invalid")}</p>
      </section>
    );
  }
  const { selected } = found;
  return (
    <>
      <h1>{t("minutes.title")}</h1>
      <p className="no-print">
        <a href={found.invitationHref}>{t("invitation.title")}</a>
      </p>
      {!selected ? <p>{t("minutes.noneForReader")}</p> : null}
      {found.versions.length > 0 ? <VersionList versions={found.versions} /> : null}
      {found.pdfHref && selected ? (
        <p className="no-print">
          <a href={found.pdfHref} download>
            {t("minutes.pdf", { version: selected.version })}
          </a>
        </p>
      ) : null}
      {selected ? (
        <MinutesView
          minutes={selected.rendered}
          version={selected.version}
          reviews={selected.reviews}
          lockedAt={selected.lockedAt}
          unreviewedReason={selected.unreviewedReason}
        />
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
