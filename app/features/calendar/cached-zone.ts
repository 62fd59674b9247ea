import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from "luxon";

interface Month {
  /** First instant (ms) of the month's offset change; the next month's start if none. */
  at: number;
  before: number;
  after: number;
}

/**
 * A luxon IANA zone whose offsets come from luxon's own IANAZone, looked up once per UTC month
 * instead of once per DateTime: each lookup is an Intl formatToParts call (~7–13 µs), two per
 * meeting, which was most of a 500-meeting feed's build time. Assumes what holds for Europe/Oslo
 * (checked against IANAZone in the tests): at most one offset change per month, on a whole minute.
 * It reports type "iana" and the same name, so luxon's and ical-generator's setZone("Europe/Oslo")
 * keep it as it is.
 */
export class MonthCachedZone extends Zone<true> {
  private readonly iana: IANAZone;
  private readonly months = new Map<number, Month>();

  constructor(name: string) {
    super();
    this.iana = IANAZone.create(name);
    if (!this.iana.isValid) throw new RangeError(`Unknown time zone ${name}`);
  }

  override get type(): string {
    return "iana";
  }
  override get name(): string {
    return this.iana.name;
  }
  override get isUniversal(): false {
    return false;
  }
  override get isValid(): true {
    return true;
  }
  override offsetName(ts: number, options: ZoneOffsetOptions): string {
    return this.iana.offsetName(ts, options) ?? "";
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.iana.formatOffset(ts, format);
  }
  override equals(other: Zone): boolean {
    return other.type === "iana" && other.name === this.name;
  }

  override offset(ts: number): number {
    const date = new Date(ts);
    const key = date.getUTCFullYear() * 12 + date.getUTCMonth();
    let month = this.months.get(key);
    if (!month) {
      let lo = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
      let hi = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      const before = this.iana.offset(lo);
      const after = this.iana.offset(hi);
      // Bisect to the minute: afterwards `hi` is the first minute with the new offset.
      while (before !== after && hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (this.iana.offset(mid) === before) lo = mid;
        else hi = mid;
      }
      month = { at: hi, before, after };
      this.months.set(key, month);
    }
    return ts < month.at ? month.before : month.after;
  }
}
