import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from "luxon";

interface Month {
  /** The month's first instant (ms) and the next month's. */
  from: number;
  to: number;
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
  /** The month looked up last: consecutive lookups (a feed is sorted by time) mostly hit it. */
  private last: Month = { from: 0, to: 0, at: 0, before: 0, after: 0 };

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
    const last = this.last;
    if (ts >= last.from && ts < last.to) return ts < last.at ? last.before : last.after;
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
      month = {
        from: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
        to: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
        at: hi,
        before,
        after,
      };
      this.months.set(key, month);
    }
    this.last = month;
    return ts < month.at ? month.before : month.after;
  }

  /**
   * True when the wall-clock time of `ts` in this zone is also the wall-clock time of another
   * instant: the hour that happens twice when the clocks go back (RFC 5545 §3.3.5 reads such a
   * local time as its first occurrence). Offsets come from offset(), so this costs a few cached
   * lookups. Assumes offset changes at least NEARBY_MS apart and smaller than that.
   */
  occursTwice(ts: number): boolean {
    const own = this.offset(ts);
    for (const other of [this.offset(ts - NEARBY_MS), this.offset(ts + NEARBY_MS)]) {
      // The instant that shows the same wall clock under the other offset, if that offset is
      // really in force then.
      if (other !== own && this.offset(ts + (own - other) * 60_000) === other) return true;
    }
    return false;
  }
}

/** Further than any offset change in Europe/Oslo moves the clock (one hour). */
const NEARBY_MS = 3 * 3_600_000;
