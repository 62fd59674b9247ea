import { data, redirect } from "@remix-run/node";
import { osloToday } from "../../utils/oslo-time";
import { badRequest, formFields, validate } from "../../utils/forms.server";
import { message } from "../../utils/validation";
import type { SessionUser } from "../accounts/session.server";
import { readFormClaim, userOwner } from "../forms/once.server";
import { BridgeIntent, bridgeStepForm, ProposeBridgeForm } from "./bridge-form.server";
import {
  BadContactEmailError,
  issueBridgeLink,
  NoBridgeConsentError,
  NoContactEmailError,
  sendBridgeLink,
} from "./bridge-link.server";
import {
  addBridgeStep,
  BridgeClosedError,
  proposeBridge,
  setBridgeConsent,
  UnknownOfferingError,
  UnknownPlanEntryError,
} from "./bridges.server";

/*
 * The bridge forms for the routes (issue 13): each checks its one-time token where it creates
 * something (a second post answers as the first and stores nothing), validates (400 with field
 * errors, never a 500), and calls the one rule in bridges.server.ts, which checks access.
 */

type Context = { clientIp: string };

/**
 * "Propose an offering" for `networkId`: redirects to the new bridge's page (the same bridge for
 * a repeated post of the same form). 400 for a stale token, a missing offering, an unknown goal
 * or action, or a note that is too long.
 */
export async function proposeAction(
  user: SessionUser,
  context: Context,
  networkId: string,
  form: FormData,
) {
  const claim = await readFormClaim<string>(form, userOwner(user), `bridge:${networkId}`);
  if (!claim.ok) return badRequest(claim.errors);
  if (claim.earlier) return redirect(`/bridges/${claim.earlier.value}`);
  const fields = validate(ProposeBridgeForm, formFields(form));
  if (!fields.ok) return badRequest(fields.errors);
  try {
    const id = await proposeBridge(user, context, networkId, fields.value, claim.claim);
    return redirect(`/bridges/${id}`);
  } catch (error) {
    if (error instanceof UnknownOfferingError)
      return badRequest({ offeringId: [message("bridge.unknownOffering")] });
    if (error instanceof UnknownPlanEntryError)
      return badRequest({ goalId: [message("bridge.unknownEntry")] });
    throw error;
  }
}

export type BridgePageDone = {
  ok: true;
  notice:
    | "bridge.stepSaved"
    | "bridge.consentSaved"
    | "bridge.consentRemoved"
    | "bridge.linkMade"
    | "bridge.linkSent";
};

/**
 * The bridge page's forms by intent: the next step (once per token), consent given or
 * withdrawn, a new link for the contact, the link sent to the contact by e-mail (once per
 * token). 400 with field errors for bad input or no address to send to, 409 when the bridge
 * has closed. Access is checked by the functions called (404 for anyone else).
 */
export async function bridgePageAction(
  user: SessionUser,
  context: Context,
  bridgeId: string,
  form: FormData,
  now: Date = new Date(),
) {
  const intent = validate(BridgeIntent, formFields(form));
  if (!intent.ok) return badRequest(intent.errors);
  try {
    switch (intent.value.intent) {
      case "step": {
        const claim = await readFormClaim<boolean>(
          form,
          userOwner(user),
          `bridge-step:${bridgeId}`,
        );
        if (!claim.ok) return badRequest(claim.errors);
        if (claim.earlier) return data<BridgePageDone>({ ok: true, notice: "bridge.stepSaved" });
        const fields = validate(bridgeStepForm(osloToday(now)), formFields(form));
        if (!fields.ok) return badRequest(fields.errors);
        await addBridgeStep(user, context, bridgeId, fields.value, claim.claim, now);
        return data<BridgePageDone>({ ok: true, notice: "bridge.stepSaved" });
      }
      case "consent-give":
      case "consent-withdraw": {
        const give = intent.value.intent === "consent-give";
        await setBridgeConsent(user, context, bridgeId, give, now);
        return data<BridgePageDone>({
          ok: true,
          notice: give ? "bridge.consentSaved" : "bridge.consentRemoved",
        });
      }
      case "link":
        await issueBridgeLink(user, context, bridgeId, now);
        return data<BridgePageDone>({ ok: true, notice: "bridge.linkMade" });
      case "link-send": {
        const claim = await readFormClaim<string>(
          form,
          userOwner(user),
          `bridge-link-send:${bridgeId}`,
        );
        if (!claim.ok) return badRequest(claim.errors);
        if (!claim.earlier) await sendBridgeLink(user, context, bridgeId, claim.claim, now);
        return data<BridgePageDone>({ ok: true, notice: "bridge.linkSent" });
      }
    }
  } catch (error) {
    if (error instanceof NoContactEmailError)
      return badRequest({ link: [message("bridge.linkNoEmail")] });
    if (error instanceof BadContactEmailError)
      return badRequest({ link: [message("bridge.linkBadEmail")] });
    if (error instanceof NoBridgeConsentError)
      return data(
        { ok: false as const, errors: { link: [message("bridge.linkNeedsConsent")] } },
        { status: 409 },
      );
    if (error instanceof BridgeClosedError)
      return data(
        { ok: false as const, errors: { status: [message("bridge.closed")] } },
        { status: 409 },
      );
    throw error;
  }
}
