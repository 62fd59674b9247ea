import ICAL from "ical.js";

/*
 * Checks an iCalendar object against the restriction table of its METHOD, as libical's
 * icalrestriction_check does: RFC 5546 §3.2.1 (PUBLISH), §3.2.2 (REQUEST) and §3.2.5 (CANCEL)
 * for VEVENT, and RFC 5545 §3.6.1 for a plain object without METHOD (a subscription feed is one).
 * Also what every object needs (RFC 5545 §3.4, §3.6.5, §3.6.6, §3.8.2.2) and, when given, that
 * the MIME `method` parameter is the object's METHOD (RFC 5545 §3.7.2, RFC 6047 §2.4).
 * Parsed with ical.js, independently of the code under test. Returns the violations, [] if none.
 */

type Presence = "1" | "1+" | "0/1" | "0+" | "0";
type Table = "PUBLISH" | "REQUEST" | "CANCEL" | "NONE";

const SECTION: Record<Table, string> = {
  PUBLISH: "RFC 5546 §3.2.1",
  REQUEST: "RFC 5546 §3.2.2",
  CANCEL: "RFC 5546 §3.2.5",
  NONE: "RFC 5545 §3.6.1",
};

const rows = (presence: Presence, names: string) =>
  Object.fromEntries(names.split(" ").map((name) => [name, presence])) as Record<string, Presence>;

// Properties the tables list as 0+ or 0/1 in all four (the common optional descriptive ones).
const OPTIONAL_ONCE = "CLASS CREATED DESCRIPTION DTEND DURATION GEO LAST-MODIFIED LOCATION";
const OPTIONAL_ONCE_2 = "PRIORITY RECURRENCE-ID RRULE TRANSP URL";
const OPTIONAL_MANY = "ATTACH CATEGORIES COMMENT EXDATE RDATE RELATED-TO RESOURCES";

/** VEVENT rows of each table (IANA and X- properties are 0+ everywhere and not listed). */
const VEVENT: Record<Table, Record<string, Presence>> = {
  PUBLISH: {
    ...rows("1", "DTSTAMP DTSTART ORGANIZER SUMMARY UID"),
    ...rows("0/1", `SEQUENCE STATUS CONTACT ${OPTIONAL_ONCE} ${OPTIONAL_ONCE_2}`),
    ...rows("0+", OPTIONAL_MANY),
    ...rows("0", "ATTENDEE REQUEST-STATUS"),
    VALARM: "0+",
  },
  REQUEST: {
    ...rows("1", "DTSTAMP DTSTART ORGANIZER SUMMARY UID"),
    ATTENDEE: "1+",
    ...rows("0/1", `SEQUENCE STATUS ${OPTIONAL_ONCE} ${OPTIONAL_ONCE_2}`),
    ...rows("0+", `CONTACT ${OPTIONAL_MANY}`),
    ...rows("0", "REQUEST-STATUS"),
    VALARM: "0+",
  },
  CANCEL: {
    ...rows("1", "DTSTAMP ORGANIZER SEQUENCE UID"),
    ATTENDEE: "0+",
    ...rows("0/1", `DTSTART STATUS SUMMARY ${OPTIONAL_ONCE} ${OPTIONAL_ONCE_2}`),
    ...rows("0+", `CONTACT ${OPTIONAL_MANY}`),
    ...rows("0", "REQUEST-STATUS"),
    VALARM: "0",
  },
  NONE: {
    // DTSTART is required when the object has no METHOD.
    ...rows("1", "DTSTAMP DTSTART UID"),
    ...rows("0/1", `ORGANIZER SEQUENCE STATUS SUMMARY ${OPTIONAL_ONCE} ${OPTIONAL_ONCE_2}`),
    ...rows("0+", `ATTENDEE CONTACT REQUEST-STATUS ${OPTIONAL_MANY}`),
    VALARM: "0+",
  },
};

const STATUS: Record<Table, string[]> = {
  PUBLISH: ["TENTATIVE", "CONFIRMED", "CANCELLED"],
  REQUEST: ["TENTATIVE", "CONFIRMED"],
  CANCEL: ["CANCELLED"],
  NONE: ["TENTATIVE", "CONFIRMED", "CANCELLED"],
};

function fits(presence: Presence, count: number): boolean {
  switch (presence) {
    case "1":
      return count === 1;
    case "1+":
      return count >= 1;
    case "0/1":
      return count <= 1;
    case "0+":
      return true;
    case "0":
      return count === 0;
  }
}

export interface ItipCheckOptions {
  /** The Content-Type it is served or sent with; its method parameter must match METHOD. */
  contentType?: string;
  /**
   * For CANCEL: "meeting" requires STATUS:CANCELLED (the whole event is cancelled), "attendees"
   * forbids STATUS (only the listed attendees are uninvited; RFC 5546 §3.2.5).
   */
  cancels?: "meeting" | "attendees";
}

/** The violations of `ics` against the rules for its METHOD; [] when it follows them. */
export function itipViolations(ics: string, options: ItipCheckOptions = {}): string[] {
  const problems: string[] = [];
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(ics));
  } catch (error) {
    return [`does not parse: ${String(error)}`];
  }
  if (calendar.name !== "vcalendar") return ["not a VCALENDAR"];
  const count = (component: ICAL.Component, name: string) =>
    component.getAllProperties(name.toLowerCase()).length;

  // The calendar's own properties.
  const methods = calendar.getAllProperties("method").map((p) => String(p.getFirstValue()));
  const method = methods[0]?.toUpperCase() ?? null;
  const table: Table | null =
    method === null ? "NONE" : method in VEVENT ? (method as Table) : null;
  if (!table) problems.push(`METHOD:${method} is not one this check knows`);
  if (methods.length > 1) problems.push("VCALENDAR: more than one METHOD");
  if (count(calendar, "VERSION") !== 1 || calendar.getFirstPropertyValue("version") !== "2.0") {
    problems.push("VCALENDAR: VERSION must occur once and be 2.0 (RFC 5545 §3.7.4)");
  }
  if (count(calendar, "PRODID") !== 1) problems.push("VCALENDAR: PRODID must occur once");
  if (count(calendar, "CALSCALE") > 1) problems.push("VCALENDAR: CALSCALE more than once");

  // The MIME type (RFC 5545 §3.7.2: if either is given, both must be, with the same value).
  if (options.contentType !== undefined) {
    const [type, ...params] = options.contentType.split(";").map((part) => part.trim());
    if (type?.toLowerCase() !== "text/calendar") problems.push(`Content-Type is ${type}`);
    const methodParam = params
      .map((param) => /^method=(.*)$/i.exec(param)?.[1])
      .find((value) => value !== undefined);
    const mimeMethod = methodParam?.replace(/^"|"$/g, "").toUpperCase() ?? null;
    if (mimeMethod !== method) {
      problems.push(
        `Content-Type method=${mimeMethod ?? "(none)"} but METHOD:${method ?? "(none)"} (RFC 6047 §2.4)`,
      );
    }
  }

  const components = calendar.getAllSubcomponents();
  const events = components.filter((c) => c.name === "vevent");
  if (components.length === 0) problems.push("VCALENDAR: no component (RFC 5545 §3.4)");
  if (method !== null) {
    if (events.length === 0) problems.push(`METHOD:${method}: no VEVENT`);
    for (const name of ["vtodo", "vjournal", "vfreebusy"]) {
      if (components.some((c) => c.name === name)) {
        problems.push(`METHOD:${method}: ${name.toUpperCase()} must not be present`);
      }
    }
  }
  if ((method === "REQUEST" || method === "CANCEL") && events.length > 0) {
    const uids = new Set(events.map((e) => e.getFirstPropertyValue("uid")));
    if (uids.size > 1) problems.push(`METHOD:${method}: all VEVENTs must have the same UID`);
  }

  events.forEach((event, index) => {
    const where = `VEVENT[${index}]`;
    if (table) {
      for (const [name, presence] of Object.entries(VEVENT[table])) {
        const found =
          name === "VALARM" ? event.getAllSubcomponents("valarm").length : count(event, name);
        if (!fits(presence, found)) {
          problems.push(
            `${where}: ${name} must occur ${presence} time(s) under ${method ? `METHOD:${method}` : "no METHOD"} (${SECTION[table]}), found ${found}`,
          );
        }
      }
      const status = event.getFirstPropertyValue("status");
      if (status !== null && !STATUS[table].includes(String(status))) {
        problems.push(`${where}: STATUS:${String(status)} is not allowed (${SECTION[table]})`);
      }
      if (table === "CANCEL" && options.cancels === "meeting" && status !== "CANCELLED") {
        problems.push(`${where}: cancelling the meeting needs STATUS:CANCELLED`);
      }
      if (table === "CANCEL" && options.cancels === "attendees" && status !== null) {
        problems.push(`${where}: uninviting attendees must not carry STATUS (RFC 5546 §3.2.5)`);
      }
    }
    if (count(event, "DTEND") > 0 && count(event, "DURATION") > 0) {
      problems.push(`${where}: DTEND and DURATION together`);
    }
    for (const name of ["organizer", "attendee"]) {
      for (const property of event.getAllProperties(name)) {
        if (!/^mailto:/i.test(String(property.getFirstValue()))) {
          problems.push(`${where}: ${name.toUpperCase()} is not a mailto: address`);
        }
      }
    }
    const start = event.getFirstPropertyValue("dtstart") as ICAL.Time | null;
    const end = event.getFirstPropertyValue("dtend") as ICAL.Time | null;
    if (start && end) {
      // RFC 5545 §3.8.2.2: same value type, floating if and only if DTSTART is, and later.
      if (start.isDate !== end.isDate) problems.push(`${where}: DTSTART and DTEND differ in type`);
      const floating = (time: ICAL.Time) => time.zone === ICAL.Timezone.localTimezone;
      if (floating(start) !== floating(end)) problems.push(`${where}: only one time is floating`);
      if (end.toUnixTime() <= start.toUnixTime())
        problems.push(`${where}: DTEND not after DTSTART`);
    }
    for (const alarm of event.getAllSubcomponents("valarm")) {
      const action = String(alarm.getFirstPropertyValue("action") ?? "");
      if (count(alarm, "ACTION") !== 1 || count(alarm, "TRIGGER") !== 1) {
        problems.push(`${where}: VALARM needs one ACTION and one TRIGGER (RFC 5545 §3.6.6)`);
      }
      if ((action === "DISPLAY" || action === "EMAIL") && count(alarm, "DESCRIPTION") !== 1) {
        problems.push(`${where}: ${action} VALARM needs one DESCRIPTION (RFC 5545 §3.6.6)`);
      }
      if (count(alarm, "DURATION") > 0 !== count(alarm, "REPEAT") > 0) {
        problems.push(`${where}: VALARM DURATION and REPEAT go together`);
      }
    }
  });

  // Every TZID a date-time refers to has its VTIMEZONE (all tables: "MUST be present if any
  // date/time refers to a timezone"), and every VTIMEZONE is well-formed.
  const zones = components.filter((c) => c.name === "vtimezone");
  const defined = new Set(zones.map((z) => String(z.getFirstPropertyValue("tzid"))));
  const referenced = new Set<string>();
  const collect = (component: ICAL.Component) => {
    if (component.name === "vtimezone") return;
    for (const property of component.getAllProperties()) {
      const tzid = property.getParameter("tzid");
      if (typeof tzid === "string") referenced.add(tzid);
    }
    component.getAllSubcomponents().forEach(collect);
  };
  collect(calendar);
  for (const tzid of referenced) {
    if (!defined.has(tzid)) problems.push(`TZID=${tzid} has no VTIMEZONE`);
  }
  for (const zone of zones) {
    const parts = zone.getAllSubcomponents().filter((c) => /^(standard|daylight)$/.test(c.name));
    if (count(zone, "TZID") !== 1 || parts.length === 0) {
      problems.push("VTIMEZONE needs one TZID and a STANDARD or DAYLIGHT (RFC 5545 §3.6.5)");
    }
    for (const part of parts) {
      for (const name of ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"]) {
        if (count(part, name) !== 1) problems.push(`VTIMEZONE ${part.name}: ${name} not once`);
      }
    }
  }
  return problems;
}
