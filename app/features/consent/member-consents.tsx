import { Form } from "@remix-run/react";
import {
  consentContents,
  consentMethods,
  type ConsentContent,
  type ConsentMethod,
} from "../../../db/enums";
import { CheckboxGroup, SelectField } from "../../components/forms";
import { useT } from "../../i18n";

/** A member's consents as the network page's loader sends them. */
export interface MemberConsentsProps {
  member: {
    id: string;
    name: string;
    consents: {
      id: string;
      content: ConsentContent;
      givenOn: string;
      expiresOn: string | null;
      method: ConsentMethod;
    }[];
  };
  /** Today in Oslo (yyyy-mm-dd): the default and latest date a consent can be given on. */
  today: string;
}

/**
 * One member's consents: those recorded, each with a withdraw button, and the form to record
 * new ones (kinds of content, given on, expiry, how). Posts the intents "withdraw-consent"
 * and "record-consent" to the page it is on (parsed by consent-form.server.ts).
 */
export function MemberConsents({ member, today }: MemberConsentsProps) {
  const t = useT();
  return (
    <>
      <h5>{t("consent.title")}</h5>
      {member.consents.length === 0 ? <p>{t("consent.none")}</p> : null}
      <ul>
        {member.consents.map((consent) => (
          <li key={consent.id}>
            {t(`consentContent.${consent.content}`)} · {t("consent.givenOn")} {consent.givenOn} ·{" "}
            {consent.expiresOn
              ? `${t("consent.expiresOn")} ${consent.expiresOn}`
              : t("consent.noExpiry")}{" "}
            · {t(`consentMethod.${consent.method}`)}
            <Form method="post" className="inline-form">
              <input type="hidden" name="memberId" value={member.id} />
              <input type="hidden" name="consentId" value={consent.id} />
              <button type="submit" name="intent" value="withdraw-consent" className="link-button">
                {t("consent.withdraw")}
                <span className="visually-hidden">
                  {" "}
                  ({member.name}, {t(`consentContent.${consent.content}`)})
                </span>
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <details>
        <summary>
          {t("consent.record")}
          <span className="visually-hidden"> ({member.name})</span>
        </summary>
        <Form method="post" noValidate>
          <input type="hidden" name="memberId" value={member.id} />
          <CheckboxGroup
            name="content"
            legend={t("consent.contents")}
            options={consentContents.map((content) => ({
              value: content,
              label: t(`consentContent.${content}`),
            }))}
          />
          <div className="field">
            <label htmlFor={`given-${member.id}`}>{t("consent.givenOn")}</label>
            <input
              id={`given-${member.id}`}
              name="givenOn"
              type="date"
              defaultValue={today}
              max={today}
              required
            />
          </div>
          <div className="field">
            <label htmlFor={`expires-${member.id}`}>{t("consent.expiresOn")}</label>
            <input id={`expires-${member.id}`} name="expiresOn" type="date" />
          </div>
          <SelectField
            id={`method-${member.id}`}
            name="method"
            label={t("consent.method")}
            options={consentMethods.map((method) => ({
              value: method,
              label: t(`consentMethod.${method}`),
            }))}
          />
          <button type="submit" name="intent" value="record-consent">
            {t("consent.record")}
          </button>
        </Form>
      </details>
    </>
  );
}
