/*
 * A fictional catalogue for bench:offerings (issue 13, ADR 024): `count` offerings as one CSV
 * file in the format /offerings/import reads (UTF-8, ";", bokmål headings, codes in list
 * cells), spread over the seeded organisations, with the words, weekdays, prices, ages and
 * languages the bench's ten typical searches look for. Deterministic (a seeded PRNG).
 */

/** A small fast PRNG (mulberry32): the same file on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIVITIES: [title: string, category: string, area: string][] = [
  ["Turgruppe", "activity_exercise", "physical_health"],
  ["Fotball", "activity_exercise", "physical_health"],
  ["Gåfotball", "activity_exercise", "physical_health"],
  ["Svømming", "activity_exercise", "physical_health"],
  ["Trening i salen", "activity_exercise", "physical_health"],
  ["Strikkekafé", "social_meeting_place", "network_belonging"],
  ["Språkkafé", "social_meeting_place", "network_belonging"],
  ["Middag for alle", "social_meeting_place", "network_belonging"],
  ["Kor", "culture", "network_belonging"],
  ["Lesesirkel", "culture", "network_belonging"],
  ["Kunstverksted", "culture", "mental_health"],
  ["Likepersonsmøte", "peer_support", "mental_health"],
  ["Samtalegruppe", "peer_support", "mental_health"],
  ["Jobbklubb", "work_education", "work_activity"],
  ["Leksehjelp", "work_education", "work_activity"],
  ["Sykkelverksted", "practical_help", "economy"],
  ["Hjelp med økonomien", "practical_help", "economy"],
  ["Bingo", "other", "network_belonging"],
];
const AUDIENCES = ["for voksne", "for unge", "for alle", "for kvinner", "for menn", "for seniorer"];
const PLACES = [
  "på Bryggen",
  "i parken",
  "på biblioteket",
  "i kirkestua",
  "på frivilligsentralen",
  "i hallen",
  "ved fjorden",
  "på kulturhuset",
];
const SENTENCES = [
  "Vi møtes for en prat og en kopp kaffe.",
  "Ingen påmelding, bare kom.",
  "Samtale med likepersoner som vet hvordan det er.",
  "Vi holder på med strikking og hekling, garn finnes.",
  "Trening i eget tempo med en instruktør.",
  "Passer også for deg som er ny i byen.",
  "Her kan du øve på norsk i en trygg gruppe.",
  "Ta med matpakke, vi har kaffe og te.",
  "Vi går tur i nærområdet uansett vær.",
  "Tilbudet er lagt opp for at alle skal kunne delta.",
  "Kafeen er åpen for alle, også om du ruser deg.",
  "Svømmehallen har heis og garderobe for rullestol.",
];
const CHIME = ["connectedness", "hope_optimism", "identity", "meaning", "empowerment"];
const WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"];
const TIMES = [
  ["10:00", "12:00"],
  ["13:00", "15:00"],
  ["18:00", "20:00"],
  ["19:00", "21:00"],
];
const LANGUAGES = ["nb", "nb", "nb", "nb, en", "nb, ar", "en", "nb, uk", "nb, pl"];

export const CSV_HEADINGS = [
  "Organisasjon",
  "Navn på tilbudet",
  "Beskrivelse",
  "Kategori",
  "Livsområder",
  "CHIME",
  "Faste tider",
  "Adresse",
  "Pris (kr)",
  "Uten henvisning",
  "Velkommen ved rus",
  "Rullestol",
  "Språk",
  "Alder fra",
  "Alder til",
];

/** A cell as the import reads it: quoted when it holds ";", a quote or a line break. */
const cell = (value: string) => (/[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * The CSV file's text (header line and `count` rows, CRLF) for offerings of the named
 * organisations, which must exist in the municipality the importing coordinator manages.
 */
export function offeringsCsv(count: number, organisationNames: readonly string[]): string {
  if (organisationNames.length === 0) throw new Error("no organisations to give offerings to");
  const next = random(13);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const lines = [CSV_HEADINGS.join(";")];
  for (let i = 0; i < count; i++) {
    const [activity, category, area] = pick(ACTIVITIES);
    const [start, end] = pick(TIMES);
    const young = next() < 0.2;
    lines.push(
      [
        pick(organisationNames),
        `${activity} ${pick(AUDIENCES)} ${pick(PLACES)}`,
        `${pick(SENTENCES)} ${pick(SENTENCES)}`,
        category,
        area,
        pick(CHIME),
        `${pick(WEEKDAYS)} ${start}-${end}`,
        `Storgata ${1 + Math.floor(next() * 90)}, Fjordvik`,
        next() < 0.6 ? "0" : String(20 + Math.floor(next() * 10) * 10),
        next() < 0.7 ? "ja" : "nei",
        next() < 0.3 ? "ja" : "nei",
        next() < 0.5 ? "ja" : "nei",
        pick(LANGUAGES),
        young ? "16" : next() < 0.5 ? "18" : "",
        young ? "25" : "",
      ]
        .map(cell)
        .join(";"),
    );
  }
  return lines.join("\r\n") + "\r\n";
}

/** Ten searches a leader might type in a meeting, each with a filter or two (URL queries). */
export const TYPICAL_SEARCHES = [
  "q=fotbal&free=on",
  "q=turgruppe&weekday=2",
  "q=strikking&timeOfDay=evening",
  "q=m%C3%B8te&noReferral=on",
  "q=kaf%C3%A9&welcomeWhileUsing=on",
  "q=sv%C3%B8mming&accessible=on",
  "q=spr%C3%A5kkafe&language=en",
  "q=trening&age=30",
  "q=kor&category=culture",
  "q=samtale+likeperson&lifeArea=mental_health",
] as const;
