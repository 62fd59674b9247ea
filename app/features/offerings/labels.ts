import type { LifeArea } from "../../../db/enums";
import type {
  OfferingCategory,
  OfferingLanguage,
  OfferingStatus,
  OrganisationKind,
} from "../../../db/offering-enums";
import type { ChimeElement } from "../../../db/enums";
import type { MessageKey } from "../../i18n/nb";

/*
 * The message key of each catalogue value, written out (so tests/platform/i18n.test.ts sees
 * every key used). Shared by pages and the CSV export, which writes bokmål labels.
 */
export const categoryLabel = {
  activity_exercise: "offering.category.activity_exercise",
  culture: "offering.category.culture",
  social_meeting_place: "offering.category.social_meeting_place",
  work_education: "offering.category.work_education",
  peer_support: "offering.category.peer_support",
  practical_help: "offering.category.practical_help",
  other: "offering.category.other",
} as const satisfies Record<OfferingCategory, MessageKey>;

export const statusLabel = {
  active: "offering.status.active",
  paused: "offering.status.paused",
  retired: "offering.status.retired",
} as const satisfies Record<OfferingStatus, MessageKey>;

export const kindLabel = {
  volunteer_organisation: "organisation.kind.volunteer_organisation",
  volunteer_centre: "organisation.kind.volunteer_centre",
  sports_club: "organisation.kind.sports_club",
  association: "organisation.kind.association",
  faith_community: "organisation.kind.faith_community",
  peer_organisation: "organisation.kind.peer_organisation",
  municipal_low_threshold: "organisation.kind.municipal_low_threshold",
  other: "organisation.kind.other",
} as const satisfies Record<OrganisationKind, MessageKey>;

export const languageLabel = {
  nb: "offering.language.nb",
  nn: "offering.language.nn",
  se: "offering.language.se",
  en: "offering.language.en",
  pl: "offering.language.pl",
  lt: "offering.language.lt",
  ar: "offering.language.ar",
  so: "offering.language.so",
  ti: "offering.language.ti",
  uk: "offering.language.uk",
  fa: "offering.language.fa",
  ur: "offering.language.ur",
  nsl: "offering.language.nsl",
} as const satisfies Record<OfferingLanguage, MessageKey>;

/** Life areas as the plan names them. */
export const lifeAreaLabel = {
  mental_health: "planPart.mental_health",
  housing: "planPart.housing",
  work_activity: "planPart.work_activity",
  economy: "planPart.economy",
  network_belonging: "planPart.network_belonging",
  physical_health: "planPart.physical_health",
  substance_use: "planPart.substance_use",
} as const satisfies Record<LifeArea, MessageKey>;

/** CHIME elements as the plan names them. */
export const chimeLabel = {
  connectedness: "plan.chime.connectedness",
  hope_optimism: "plan.chime.hope_optimism",
  identity: "plan.chime.identity",
  meaning: "plan.chime.meaning",
  empowerment: "plan.chime.empowerment",
} as const satisfies Record<ChimeElement, MessageKey>;

/*
 * Number formats by locale and decimals: building an Intl.NumberFormat costs about 0.1 ms,
 * and a search page shows twenty prices (toLocaleString builds one for every call).
 */
const kronerFormats = new Map<string, Intl.NumberFormat>();

/** A price in øre as people read it: "Gratis" / "Free", or "50 kr", "49,50 kr". */
export function formatCost(costOre: number, free: string, locale: "nb" | "en"): string {
  if (costOre === 0) return free;
  const decimals = costOre % 100 === 0 ? 0 : 2;
  const key = `${locale}${decimals}`;
  let format = kronerFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale === "nb" ? "nb-NO" : "en-GB", {
      minimumFractionDigits: decimals,
      maximumFractionDigits: 2,
    });
    kronerFormats.set(key, format);
  }
  return `${format.format(costOre / 100)} kr`;
}

/** A price in øre as the form and the CSV file write it: "" when free, "49,50", "50". */
export function costText(costOre: number): string {
  if (costOre === 0) return "";
  const kroner = Math.floor(costOre / 100);
  const ore = costOre % 100;
  return ore === 0 ? String(kroner) : `${kroner},${String(ore).padStart(2, "0")}`;
}
