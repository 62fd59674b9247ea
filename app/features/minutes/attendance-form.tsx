import { Form } from "@remix-run/react";
import { useT } from "../../i18n";
import type { AttendanceLine } from "./types";

const ROLE_KEY = {
  person: "attendance.rolePerson",
  member: "attendance.roleMember",
  leader: "attendance.roleLeader",
} as const;

/**
 * Who came, for leaders: a table of the participants (person, invited members, leaders) with
 * one checkbox each, posted as `present` Refs with intent "attendance" to the page it is on.
 * Works without JavaScript.
 */
export function AttendanceForm({
  lines,
  headingLevel = 2,
}: {
  lines: AttendanceLine[];
  headingLevel?: 2 | 3;
}) {
  const t = useT();
  const Heading = `h${headingLevel}` as const;
  return (
    <section className="panel" aria-labelledby="attendance-title">
      <Heading id="attendance-title">{t("attendance.title")}</Heading>
      <p id="attendance-intro">{t("attendance.intro")}</p>
      <Form method="post" aria-describedby="attendance-intro">
        <input type="hidden" name="intent" value="attendance" />
        <div className="table-wrap">
          <table className="ds-table" aria-labelledby="attendance-title">
            <thead>
              <tr>
                <th scope="col">{t("attendance.participant")}</th>
                <th scope="col">{t("attendance.role")}</th>
                <th scope="col">{t("attendance.came")}</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => {
                const id = `present-${line.ref.replace(/[^a-z0-9-]/gi, "-")}`;
                return (
                  <tr key={line.ref}>
                    <th scope="row">
                      <label htmlFor={id}>{line.name}</label>
                    </th>
                    <td data-label={t("attendance.role")}>{t(ROLE_KEY[line.role])}</td>
                    <td data-label={t("attendance.came")}>
                      <input
                        className="ds-input"
                        type="checkbox"
                        id={id}
                        name="present"
                        value={line.ref}
                        defaultChecked={line.present === true}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="actions">
          <button type="submit" className="ds-button" data-variant="secondary">
            {t("attendance.save")}
          </button>
        </p>
      </Form>
    </section>
  );
}
