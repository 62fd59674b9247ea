import { invitationByToken, invitationMayWrite } from "../access/invitations.server";
import { issueTicket, TICKET_LIFETIME_MS } from "../documents/tickets.server";
import { parseDocumentName } from "../documents/registry.server";

/**
 * A ticket for one of the person's plan documents (`plan:<networkId>` or a part of it) through
 * their own personal link, so they read and write their plan without an account (issue 12).
 * Null for any other link (a relative's, a partner's), a link that is not current, a cancelled
 * meeting's link, or a document of another network. The realtime server checks the same rule
 * again at the upgrade and at every recheck (documents/registry.server.ts).
 */
export async function planTicket(
  token: string,
  documentName: string,
): Promise<{ document: string; ticket: string; expiresInSeconds: number } | null> {
  const document = parseDocumentName(documentName);
  if (document?.kind !== "plan") return null;
  const invitation = await invitationByToken(token);
  if (!invitationMayWrite(invitation, "plan") || invitation.networkId !== document.id) return null;
  const { id: invitationId, linkVersion } = invitation.invitation;
  return {
    document: document.name,
    ticket: issueTicket({ invitationId, linkVersion }, document.name),
    expiresInSeconds: TICKET_LIFETIME_MS / 1000,
  };
}
