import { describe, expect, it } from "vitest";
import type { Connection } from "../../realtime/connection";
import type { DocumentRegistry } from "../../realtime/documents";
import type { RealtimeHooks, RecheckAnswer } from "../../realtime/hooks";
import { RealtimeMetrics } from "../../realtime/metrics";
import { Rechecker } from "../../realtime/recheck";

/* Checking open connections again, without a network: who is asked, how many at once. */
function connectionOf(key: string, documentName: string) {
  const closedWith: number[] = [];
  const connection = {
    identity: { key },
    documentName,
    permission: "edit",
    closed: false,
    refuse: ({ code }: { code: number }) => {
      connection.closed = true;
      closedWith.push(code);
    },
  };
  return { connection: connection as unknown as Connection, closedWith };
}

describe("the periodic recheck", () => {
  it("asks about a few identities at a time, once per identity and document", async () => {
    let running = 0;
    let most = 0;
    const asked: string[] = [];
    const hooks = {
      authorise: () => Promise.reject(new Error("not used")),
      recheck: async (identity: { key: string }, documentName: string): Promise<RecheckAnswer> => {
        asked.push(`${identity.key}|${documentName}`);
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve)); // a query's worth of waiting
        running--;
        return identity.key === "session:3" ? "accessWithdrawn" : "edit";
      },
    } as RealtimeHooks;
    const metrics = new RealtimeMetrics();
    const rechecker = new Rechecker(
      hooks,
      { get: () => undefined } as unknown as DocumentRegistry,
      metrics,
    );
    // Ten people with three tabs each on one agenda, and the same ten on a plan.
    const all = Array.from({ length: 10 }, (_, person) =>
      ["agenda:a", "plan:p"].flatMap((name) =>
        Array.from({ length: 3 }, () => connectionOf(`session:${person}`, name)),
      ),
    ).flat();
    await rechecker.recheckInTurn(
      all.map((c) => c.connection),
      4,
    );
    metrics.stop();
    expect(asked).toHaveLength(20);
    expect(new Set(asked).size).toBe(20);
    expect(most).toBe(4);
    const closed = all.filter((c) => c.closedWith.length > 0);
    expect(closed).toHaveLength(6); // person 3's six tabs
    expect(new Set(closed.map((c) => c.closedWith[0]))).toEqual(new Set([4403]));
  });
});
