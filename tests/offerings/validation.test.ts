import { describe, expect, it } from "vitest";
import {
  isValidOrganisationNumber,
  normaliseOrganisationNumber,
} from "../../app/features/offerings/organisation-number";
import { parseDateList, parseWeeklySlots } from "../../app/features/offerings/schedule";
import {
  parseOffering,
  parseOrganisation,
  type RawFields,
} from "../../app/features/offerings/validation.server";
import { unpackMessage } from "../../app/utils/validation";

/*
 * The catalogue's rules in one place (issue 13): organisation numbers with the mod-11 check
 * digit, weekly times and dates as people write them, prices in kroner stored in øre, and a
 * clear error per field for every kind of bad input.
 */

const keysOf = (errors: Record<string, string[]>) =>
  Object.fromEntries(
    Object.entries(errors).map(([field, messages]) => [
      field,
      messages.map((m) => unpackMessage(m).key),
    ]),
  );

const offering = (extra: RawFields = {}): RawFields => ({
  organisationId: "5f0c4c52-8f1e-4d0a-9a57-0d1f4e2b9c11",
  title: "Turgruppe",
  description: "Vi går en rolig tur sammen.",
  category: "activity_exercise",
  ...extra,
});

describe("organisation numbers", () => {
  it("accepts numbers whose mod-11 check digit is right and refuses the rest", () => {
    // 3·9+2·2+7·3+6·6+5·0+4·9+3·0+2·1 = 126; 126 mod 11 = 5; 11 − 5 = 6.
    expect(isValidOrganisationNumber("923609016")).toBe(true);
    expect(isValidOrganisationNumber("923609017")).toBe(false);
    expect(isValidOrganisationNumber("92360901")).toBe(false);
    expect(isValidOrganisationNumber("92360901a")).toBe(false);
    // Remainder 0 gives the check digit 0.
    expect(isValidOrganisationNumber("000000000")).toBe(true);
    expect(normaliseOrganisationNumber("923 609 016")).toBe("923609016");
  });

  it("gives a field error for a wrong number and a bad web address", () => {
    const parsed = parseOrganisation({
      name: "Fjordvik turlag",
      kind: "association",
      organisationNumber: "923 609 017",
      web: "javascript:alert(1)",
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(keysOf(parsed.errors)).toEqual({
        organisationNumber: ["organisation.error.number"],
        web: ["offering.error.web"],
      });
    const good = parseOrganisation({
      name: " Fjordvik turlag ",
      kind: "association",
      organisationNumber: "923 609 016",
      web: "https://turlag.example",
    });
    expect(good).toMatchObject({
      ok: true,
      value: { name: "Fjordvik turlag", organisationNumber: "923609016", email: null },
    });
  });
});

describe("weekly times and dates", () => {
  it("reads times as people write them, sorted", () => {
    expect(parseWeeklySlots("onsdag 10.00-12.00\nman 18:00–20:00")).toEqual({
      slots: [
        { weekday: 1, start: "18:00", end: "20:00" },
        { weekday: 3, start: "10:00", end: "12:00" },
      ],
    });
    expect(parseWeeklySlots("")).toEqual({ slots: [] });
  });

  it("refuses impossible times, upside-down times and unknown days", () => {
    expect(parseWeeklySlots("mandag 25:00-26:00")).toMatchObject({ error: { problem: "time" } });
    expect(parseWeeklySlots("mandag 10:75-11:00")).toMatchObject({ error: { problem: "time" } });
    expect(parseWeeklySlots("mandag 20:00-18:00")).toMatchObject({ error: { problem: "order" } });
    expect(parseWeeklySlots("blursdag 10:00-11:00")).toMatchObject({
      error: { problem: "format" },
    });
    expect(parseWeeklySlots("'; drop table offerings; --")).toMatchObject({
      error: { problem: "format" },
    });
  });

  it("reads dates dd.mm.yyyy and yyyy-mm-dd", () => {
    expect(parseDateList("24.12.2026, 1.1.2027 2026-12-24")).toEqual({
      dates: ["2026-12-24", "2027-01-01"],
    });
    expect(parseDateList("i morgen")).toEqual({ error: "i" });
  });
});

describe("offerings", () => {
  it("takes a complete offering, price in øre, lists in their fixed order", () => {
    const parsed = parseOffering(
      offering({
        lifeAreas: ["network_belonging", "physical_health"],
        chime: ["meaning", "connectedness"],
        languages: ["en", "nb"],
        weeklySlots: "tirsdag 18:00-20:00",
        dates: "24.12.2026",
        cost: "49,50",
        noReferral: "on",
        ageMin: "18",
        ageMax: "67",
        capacity: "12",
      }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        costOre: 4950,
        noReferral: true,
        welcomeWhileUsing: false,
        lifeAreas: ["network_belonging", "physical_health"],
        chime: ["connectedness", "meaning"],
        languages: ["nb", "en"],
        weeklySlots: [{ weekday: 2, start: "18:00", end: "20:00" }],
        dates: ["2026-12-24"],
        ageMin: 18,
        ageMax: 67,
        capacity: 12,
        status: "active",
      },
    });
    expect(parseOffering(offering({ cost: "" }))).toMatchObject({ value: { costOre: 0 } });
  });

  it("names each wrong field", () => {
    const parsed = parseOffering({
      organisationId: "not-a-uuid",
      title: "",
      description: "<script>",
      category: "bingo",
      lifeAreas: ["housing", "astrology"],
      cost: "-5",
      capacity: "-1",
      ageMin: "200",
      weeklySlots: "mandag 18:00-17:00",
      dates: "31.02.2026",
      status: "deleted",
      contactEmail: "nei",
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(keysOf(parsed.errors)).toEqual({
        organisationId: ["offering.error.organisation"],
        title: ["form.required"],
        description: ["form.invalidChars"],
        category: ["form.invalidChoice"],
        lifeAreas: ["form.invalidChoice"],
        cost: ["offering.error.cost"],
        capacity: ["offering.error.capacity"],
        ageMin: ["offering.error.age"],
        weeklySlots: ["offering.error.slotOrder"],
        dates: ["offering.error.dates"],
        status: ["form.invalidChoice"],
        contactEmail: ["form.invalidEmail"],
      });
  });

  it("refuses an upside-down age range and overlong text", () => {
    const upside = parseOffering(offering({ ageMin: "30", ageMax: "18" }));
    expect(upside.ok ? {} : keysOf(upside.errors)).toEqual({ ageMax: ["offering.error.ageOrder"] });
    const long = parseOffering(offering({ title: "x".repeat(1000) }));
    expect(long.ok ? {} : keysOf(long.errors)).toEqual({ title: ["form.tooLong"] });
  });
});
