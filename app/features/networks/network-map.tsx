import { networkCircles, type NetworkCircle } from "../../../db/enums";
import { useT } from "../../i18n";

interface MapMember {
  id: string;
  name: string;
  circle: NetworkCircle;
  relationLabel: string;
}

const SIZE = 360;
const CENTRE = SIZE / 2;
const RING_RADIUS: Record<NetworkCircle, number> = {
  family_friends: 70,
  services: 115,
  community: 160,
};

/**
 * The person in the centre and members on three rings. The picture is a summary for sighted
 * users; the same information is in the member list next to it, which is the accessible source.
 */
export function NetworkMap({ personName, members }: { personName: string; members: MapMember[] }) {
  const t = useT();
  return (
    <figure className="network-map">
      <svg
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        role="img"
        aria-labelledby="map-title map-desc"
        focusable="false"
      >
        <title id="map-title">{t("network.map")}</title>
        <desc id="map-desc">{t("network.mapDescription", { name: personName })}</desc>
        {networkCircles.map((circle) => (
          <circle
            key={circle}
            cx={CENTRE}
            cy={CENTRE}
            r={RING_RADIUS[circle]}
            className={`ring ring-${circle}`}
          />
        ))}
        <circle cx={CENTRE} cy={CENTRE} r={26} className="centre" />
        <text x={CENTRE} y={CENTRE + 5} textAnchor="middle" className="centre-label">
          {initials(personName)}
        </text>
        {networkCircles.flatMap((circle) => {
          const onRing = members.filter((m) => m.circle === circle);
          return onRing.map((member, index) => {
            const angle = (2 * Math.PI * index) / onRing.length - Math.PI / 2 + ringOffset(circle);
            const x = CENTRE + RING_RADIUS[circle] * Math.cos(angle);
            const y = CENTRE + RING_RADIUS[circle] * Math.sin(angle);
            return (
              <g key={member.id} className={`member member-${circle}`}>
                <title>{`${member.name} (${member.relationLabel})`}</title>
                <circle cx={x} cy={y} r={15} />
                <text x={x} y={y + 4} textAnchor="middle">
                  {initials(member.name)}
                </text>
              </g>
            );
          });
        })}
      </svg>
      <figcaption className="map-legend">
        {networkCircles.map((circle) => (
          <span key={circle} className={`legend legend-${circle}`}>
            {t(`circle.${circle}`)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

const ringOffset = (circle: NetworkCircle) =>
  ({ family_friends: 0, services: 0.35, community: 0.7 })[circle];

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join("");
}
