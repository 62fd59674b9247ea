import { Form } from "@remix-run/react";
import {
  consentMethods,
  planParts,
  type ConsentContent,
  type ConsentMethod,
  type PlanPart,
} from "../../../db/enums";
import { useFreshFormKey } from "../../components/fresh-form";
import { ConfirmAction } from "../../components/confirm";
import { CheckboxGroup, SelectField } from "../../components/forms";
import { FormTokenField, SubmitButton } from "../../components/submit-button";
import { formatDate, useLocale, useT } from "../../i18n";

/** A member's consents as the network page's loader sends them. */
export interface MemberConsentsProps {
  member: {
    id: string;
    name: string;
    consents: {
      id: string;
      content: ConsentContent;
      /** For "plan": the parts covered; null: every part (a consent from before the split). */
      planParts: PlanPart[] | null;
      givenOn: string;
      expiresOn: string | null;
      method: ConsentMethod;
    }[];
  };
  /** Today in Oslo (yyyy-mm-dd): the default and latest date a consent can be given on. */
  today: string;
  /** The consents this member's form has just recorded: the form then starts empty again. */
  saved?: string;
}

/**
 * One member's consents: those recorded, each with a withdraw button, and the form to record
 * new ones (kinds of content, given on, expiry, how). Posts the intents "withdraw-consent"
 * and "record-consent" to the page it is on (parsed by consent-form.server.ts).
 */
export function MemberConsents({ member, today, saved }: MemberConsentsProps) {
  const t = useT();
  const locale = useLocale();
  const formKey = useFreshFormKey(saved);
  /** "Plan (Bolig, Økonomi)" names the parts; a consent from before the split covers all. */
  const contentLabel = (consent: MemberConsentsProps["member"]["consents"][number]) =>
    consent.content !== "plan"
      ? t(`consentContent.${consent.content}`)
      : `${t("consentContent.plan")} (${
          consent.planParts
            ? consent.planParts.map((part) => t(`planPart.${part}`)).join(", ")
            : t("consent.allPlanParts")
        })`;
  return (
    <>
      <h5>{t("consent.title")}</h5>
      {member.consents.length === 0 ? <p>{t("consent.none")}</p> : null}
      <ul>
        {member.consents.map((consent) => (
          <li key={consent.id}>
            {contentLabel(consent)} · {t("consent.givenOn")} {formatDate(locale, consent.givenOn)} ·{" "}
            {consent.expiresOn
              ? `${t("consent.expiresOn")} ${formatDate(locale, consent.expiresOn)}`
              : t("consent.noExpiry")}{" "}
            · {t(`consentMethod.${consent.method}`)}{" "}
            <ConfirmAction
              id={`withdraw-consent-${consent.id}`}
              intent="withdraw-consent"
              fields={{ memberId: member.id, consentId: consent.id }}
              look="danger-link"
              label={t("consent.withdraw")}
              labelDetail={`(${member.name}, ${contentLabel(consent)})`}
              question={t("confirm.withdrawConsent.question")}
              consequence={t("confirm.withdrawConsent.consequence", {
                name: member.name,
                content: contentLabel(consent).toLocaleLowerCase(locale),
              })}
              confirmLabel={t("confirm.withdrawConsent.yes")}
              headingLevel={5}
            />
          </li>
        ))}
      </ul>
      <details>
        <summary>
          {t("consent.record")}
          <span className="ds-sr-only"> ({member.name})</span>
        </summary>
        <Form method="post" noValidate key={formKey}>
          <input type="hidden" name="memberId" value={member.id} />
          <CheckboxGroup
            name="content"
            id={`content-${member.id}`}
            legend={t("consent.contents")}
            options={(["agenda", "minutes"] as const).map((content) => ({
              value: content,
              label: t(`consentContent.${content}`),
            }))}
          />
          <CheckboxGroup
            name="planPart"
            id={`plan-part-${member.id}`}
            legend={t("consent.planParts")}
            hint={t("consent.planPartsHint")}
            options={planParts.map((part) => ({ value: part, label: t(`planPart.${part}`) }))}
          />
          <div className="ds-field">
            <label className="ds-label" htmlFor={`given-${member.id}`}>
              {t("consent.givenOn")}
            </label>
            <input
              className="ds-input"
              id={`given-${member.id}`}
              name="givenOn"
              type="date"
              defaultValue={today}
              max={today}
              required
            />
          </div>
          <div className="ds-field">
            <label className="ds-label" htmlFor={`expires-${member.id}`}>
              {t("consent.expiresOn")}
            </label>
            <input className="ds-input" id={`expires-${member.id}`} name="expiresOn" type="date" />
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
          <FormTokenField />
          <SubmitButton name="intent" value="record-consent">
            {t("consent.record")}
          </SubmitButton>
        </Form>
      </details>
    </>
  );
}
