import { Form } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import {
  memberRelations,
  networkCircles,
  type MemberRelation,
  type NetworkCircle,
} from "../../../db/enums";
import { useFreshFormKey } from "../../components/fresh-form";
import { Checkbox, Field, fieldId, SelectField, type FieldErrors } from "../../components/forms";
import { FormTokenField, SubmitButton } from "../../components/submit-button";
import { useT } from "../../i18n";

/*
 * The network page's member forms: adding a member (intent "add-member") and correcting one
 * member's details afterwards ("update-member"). Parsed by members.server.ts.
 */

function useChoices() {
  const t = useT();
  return {
    relations: memberRelations.map((relation) => ({
      value: relation,
      label: t(`relation.${relation}`),
    })),
    circles: networkCircles.map((circle) => ({ value: circle, label: t(`circle.${circle}`) })),
  };
}

/**
 * Adds a partner with an account or a member without one. The form starts empty after each
 * member added (`saved`: the new member's id). Name, organisation, phone and e-mail apply only
 * to a member without an account: once an account is chosen they are hidden and disabled (a
 * disabled field is not sent), and the server ignores them anyway (without JavaScript they stay
 * in view, with a hint saying so).
 */
export function AddMember({
  partners,
  errors,
  values,
  saved,
}: {
  partners: { id: string; name: string; organisation: string }[];
  errors: FieldErrors;
  /** What was typed, after a refusal (without JavaScript the page is rendered anew). */
  values?: Record<string, string>;
  saved: string | undefined;
}) {
  const t = useT();
  const key = useFreshFormKey(saved);
  return (
    <section className="panel" aria-labelledby="add-member-title">
      <h3 id="add-member-title">{t("member.add")}</h3>
      <AddMemberForm key={key} partners={partners} errors={errors} values={values ?? {}} />
    </section>
  );
}

function AddMemberForm({
  partners,
  errors,
  values,
}: {
  partners: { id: string; name: string; organisation: string }[];
  errors: FieldErrors;
  values: Record<string, string>;
}) {
  const t = useT();
  const { relations, circles } = useChoices();
  // Rendered by the server, the contact fields always show (without JavaScript nothing could
  // show them again); once scripts run they follow the account choice, as the browser has it.
  const [account, setAccount] = useState("");
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const select = form.current?.elements.namedItem("userId");
    if (select instanceof HTMLSelectElement) setAccount(select.value);
  }, []);
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const target = event.target as HTMLSelectElement;
    if (target.name === "userId") setAccount(target.value);
  };
  const withAccount = account !== "";
  return (
    <Form method="post" noValidate onChange={onChange} ref={form}>
      <SelectField
        name="userId"
        label={t("member.account")}
        defaultValue={values.userId ?? ""}
        emptyLabel={t("member.noAccount")}
        options={partners.map((p) => ({ value: p.id, label: `${p.name} (${p.organisation})` }))}
        errors={errors}
      />
      {withAccount ? <p className="muted">{t("member.fromAccount")}</p> : null}
      <fieldset
        className="ds-fieldset"
        disabled={withAccount}
        hidden={withAccount}
        aria-describedby="member-contact-hint"
      >
        <legend className="ds-label">{t("member.withoutAccount")}</legend>
        <p data-field="description" id="member-contact-hint">
          {t("member.contactHint")}
        </p>
        <Field
          name="name"
          label={t("member.name")}
          autoComplete="off"
          defaultValue={values.name ?? ""}
          errors={errors}
        />
        <Field
          name="organisation"
          label={t("member.organisation")}
          autoComplete="off"
          defaultValue={values.organisation ?? ""}
          errors={errors}
        />
        <Field
          name="phone"
          type="tel"
          label={t("people.phone")}
          autoComplete="off"
          defaultValue={values.phone ?? ""}
          errors={errors}
        />
        <Field
          name="email"
          type="email"
          label={t("people.email")}
          autoComplete="off"
          defaultValue={values.email ?? ""}
          errors={errors}
        />
      </fieldset>
      <SelectField
        name="relation"
        label={t("member.relation")}
        defaultValue={values.relation}
        options={relations}
        errors={errors}
      />
      <SelectField
        name="circle"
        label={t("member.circle")}
        defaultValue={values.circle}
        options={circles}
        errors={errors}
      />
      <Checkbox
        id={fieldId("wantsInvited")}
        name="wantsInvited"
        value="yes"
        defaultChecked={"relation" in values ? values.wantsInvited === "yes" : true}
        label={t("member.wantsInvited")}
      />
      <FormTokenField />
      <SubmitButton name="intent" value="add-member">
        {t("member.add")}
      </SubmitButton>
    </Form>
  );
}

export interface EditableMember {
  id: string;
  name: string;
  hasAccount: boolean;
  relation: MemberRelation;
  circle: NetworkCircle;
  organisation: string | null;
  phone: string | null;
  email: string | null;
}

/**
 * Corrects one member's details. A member without an account: name, relation, organisation,
 * phone, e-mail and place in the map; an account member: relation and place only (the rest is
 * the account's). Mounted anew whenever the stored details change, so it always shows them.
 */
export function EditMember({
  member,
  errors,
}: {
  member: EditableMember;
  /** The errors of a refused save of this member's form. */
  errors?: FieldErrors;
}) {
  const t = useT();
  const { relations, circles } = useChoices();
  const id = (field: string) => `member-${member.id}-${field}`;
  const stored = [
    member.name,
    member.relation,
    member.circle,
    member.organisation,
    member.phone,
    member.email,
  ].join("\n");
  return (
    <details key={stored} open={errors ? true : undefined}>
      <summary>
        {t("member.edit")}
        <span className="ds-sr-only"> ({member.name})</span>
      </summary>
      <Form method="post" noValidate>
        <input type="hidden" name="memberId" value={member.id} />
        {member.hasAccount ? (
          <p className="muted">{t("member.fromAccount")}</p>
        ) : (
          <Field
            id={id("name")}
            autoComplete="off"
            name="name"
            label={t("member.name")}
            defaultValue={member.name}
            errors={errors}
          />
        )}
        <SelectField
          id={id("relation")}
          name="relation"
          label={t("member.relation")}
          defaultValue={member.relation}
          options={relations}
          errors={errors}
        />
        <SelectField
          id={id("circle")}
          name="circle"
          label={t("member.circle")}
          defaultValue={member.circle}
          options={circles}
          errors={errors}
        />
        {member.hasAccount ? null : (
          <>
            <Field
              id={id("organisation")}
              autoComplete="off"
              name="organisation"
              label={t("member.organisation")}
              defaultValue={member.organisation ?? ""}
              errors={errors}
            />
            <Field
              id={id("phone")}
              autoComplete="off"
              name="phone"
              type="tel"
              label={t("people.phone")}
              defaultValue={member.phone ?? ""}
              errors={errors}
            />
            <Field
              id={id("email")}
              autoComplete="off"
              name="email"
              type="email"
              label={t("people.email")}
              defaultValue={member.email ?? ""}
              errors={errors}
            />
          </>
        )}
        <button
          className="ds-button"
          data-variant="primary"
          type="submit"
          name="intent"
          value="update-member"
        >
          {t("member.save")}
          <span className="ds-sr-only"> ({member.name})</span>
        </button>
      </Form>
    </details>
  );
}
