import { and, eq } from "drizzle-orm";
import * as decoding from "lib0/decoding";
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { Database } from "../../db/client";
import { invitations, meetings, networkMembers, networks, persons } from "../../db/schema";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { MESSAGE_AUTH } from "../../realtime/protocol";
import { until } from "./until";

export { until };

// y-websocket adds a process "exit" listener per provider; tests open dozens at once.
process.setMaxListeners(100);

export interface Credentials {
  cookie?: string;
  ticket?: string;
  /** Defaults to the server's own origin. */
  origin?: string | null;
}

/** ws with the headers a browser would send (Cookie, Origin): y-websocket's WebSocketPolyfill. */
function socketClass(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes the server sent, in order. */
  closeCodes: number[];
  permissionDenied: string[];
  synced(): Promise<void>;
  destroy(): void;
}

/** A real y-websocket client: WebSocketPolyfill ws, no BroadcastChannel between clients. */
export function connectClient(
  baseUrl: string,
  documentName: string,
  credentials: Credentials,
  options: { doc?: Y.Doc; connect?: boolean } = {},
): Client {
  const doc = options.doc ?? new Y.Doc();
  const origin = credentials.origin === undefined ? baseUrl : credentials.origin;
  const headers: Record<string, string> = {};
  if (credentials.cookie) headers.Cookie = credentials.cookie;
  if (origin) headers.Origin = origin;
  const provider = new WebsocketProvider(
    baseUrl.replace(/^http/, "ws") + "/realtime",
    documentName,
    doc,
    {
      WebSocketPolyfill: socketClass(headers) as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      connect: options.connect ?? true,
      params: credentials.ticket ? { ticket: credentials.ticket } : {},
      maxBackoffTime: 200,
    },
  );
  const closeCodes: number[] = [];
  const permissionDenied: string[] = [];
  provider.on("connection-close", (event: CloseEvent | null) => {
    if (event) closeCodes.push(event.code);
  });
  // y-websocket logs permission-denied with console.warn; keep it quiet and record it instead.
  provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
    decoding.readVarUint(decoder); // "permission denied", the only kind there is
    permissionDenied.push(decoding.readVarString(decoder));
  };
  return {
    doc,
    provider,
    closeCodes,
    permissionDenied,
    synced: () =>
      provider.synced
        ? Promise.resolve()
        : new Promise((resolve) => {
            const done = (isSynced: boolean) => {
              if (!isSynced) return;
              provider.off("sync", done);
              resolve();
            };
            provider.on("sync", done);
          }),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Opens a raw upgrade and reports the HTTP status if it was refused, or the open socket. */
export function rawUpgrade(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(baseUrl.replace(/^http/, "ws") + path, { headers });
    socket.on("unexpected-response", (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.on("open", () => resolve({ status: 101, socket }));
    socket.on("error", () => resolve({ status: 0 }));
  });
}

export interface DemoDocuments {
  meetingId: string;
  networkId: string;
  personId: string;
  agenda: string;
  plan: string;
  /** The NAV partner's membership (with agenda consent in the seed) and their invitation. */
  navMemberId: string;
  navInvitationId: string;
  /** The relative without an account (agenda consent in the seed) and their invitation. */
  relativeMemberId: string;
  relativeInvitationId: string;
}

/** The seeded demo meeting, with invitations for the NAV partner and the relative. */
export async function demoDocuments(db: Database): Promise<DemoDocuments> {
  const [row] = await db
    .select({ meetingId: meetings.id, networkId: networks.id, personId: persons.id })
    .from(meetings)
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(persons.name, "Siri Havdal"));
  if (!row) throw new Error("the demo meeting is missing");
  const memberId = async (name: string) =>
    (
      await db
        .select({ id: networkMembers.id })
        .from(networkMembers)
        .where(and(eq(networkMembers.networkId, row.networkId), eq(networkMembers.name, name)))
    )[0]!.id;
  const invite = async (member: string) => {
    const id = crypto.randomUUID();
    await db.insert(invitations).values({
      id,
      meetingId: row.meetingId,
      memberId: member,
      tokenHash: invitationTokenHash(id, 1),
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
    });
    return id;
  };
  const navMemberId = await memberId("Omar Haugland");
  const relativeMemberId = await memberId("Per Havdal");
  return {
    ...row,
    agenda: `agenda:${row.meetingId}`,
    plan: `plan:${row.networkId}`,
    navMemberId,
    navInvitationId: await invite(navMemberId),
    relativeMemberId,
    relativeInvitationId: await invite(relativeMemberId),
  };
}

/**
 * A working personal link for the person of the demo meeting (their own invitation, given a
 * fresh token): the link that opens their plan, progress and history without an account.
 */
export async function personLinkToken(db: Database, docs: DemoDocuments): Promise<string> {
  const [own] = await db
    .select({ id: invitations.id })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .where(and(eq(invitations.meetingId, docs.meetingId), eq(networkMembers.isPerson, true)));
  await db
    .update(invitations)
    .set({ tokenHash: invitationTokenHash(own!.id, 1) })
    .where(eq(invitations.id, own!.id));
  return invitationToken(own!.id, 1);
}
