import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { osloToday } from "../../app/utils/oslo-time";

/*
 * osloToday reads the date with one kept Intl formatter (it runs several times a request);
 * it must name the same Oslo day as luxon in its zone: around midnight, on both clock-change
 * days, and across a leap year.
 */
const luxonDay = (at: Date) => DateTime.fromJSDate(at, { zone: "Europe/Oslo" }).toISODate();

describe("osloToday", () => {
  it("names the Oslo day of an instant as luxon does", () => {
    // Every 37 minutes through 2028 (a leap year): every hour of the day over the year.
    for (let t = Date.UTC(2028, 0, 1); t < Date.UTC(2029, 0, 1); t += 37 * 60_000) {
      const at = new Date(t);
      expect(osloToday(at), at.toISOString()).toBe(luxonDay(at));
    }
  });

  it("turns the day at Oslo's midnight, in winter and in summer time", () => {
    expect(osloToday(new Date("2026-12-01T22:59:59Z"))).toBe("2026-12-01");
    expect(osloToday(new Date("2026-12-01T23:00:00Z"))).toBe("2026-12-02");
    expect(osloToday(new Date("2026-06-30T21:59:59Z"))).toBe("2026-06-30");
    expect(osloToday(new Date("2026-06-30T22:00:00Z"))).toBe("2026-07-01");
    // The clock changes: 29 March and 25 October 2026.
    expect(osloToday(new Date("2026-03-29T00:59:59Z"))).toBe("2026-03-29");
    expect(osloToday(new Date("2026-10-25T22:59:59Z"))).toBe("2026-10-25");
    expect(osloToday(new Date("2026-10-25T23:00:00Z"))).toBe("2026-10-26");
  });

  it("gives today without an argument", () => {
    const before = luxonDay(new Date());
    const today = osloToday();
    const after = luxonDay(new Date());
    expect([before, after]).toContain(today);
  });
});
