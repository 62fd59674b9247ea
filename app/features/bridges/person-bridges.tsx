import { Link } from "@remix-run/react";
import type { NetworkKind } from "../../../db/enums";
import { useT } from "../../i18n";
import { BridgeList, type BridgeItem } from "./bridge-list";

/*
 * The person's bridges on their page (issue 13), for those who manage them: each offering and
 * its status, a nudge when one has had no change for 14 days, and "Foreslå tilbud" per network.
 */

/** The section "Tilbud og brobygging" of the person page. */
export function PersonBridges({
  bridges,
  networks,
}: {
  bridges: BridgeItem[];
  networks: { id: string; kind: NetworkKind }[];
}) {
  const t = useT();
  return (
    <section className="panel" aria-labelledby="bridges-title">
      <h2 id="bridges-title">{t("bridge.section")}</h2>
      <BridgeList items={bridges} links />
      <p className="actions">
        {networks.map((network) => (
          <Link key={network.id} to={`/networks/${network.id}/bridges/new`}>
            {networks.length > 1
              ? t("bridge.proposeIn", { kind: t(`networkKind.${network.kind}`) })
              : t("bridge.propose")}
          </Link>
        ))}
      </p>
    </section>
  );
}
