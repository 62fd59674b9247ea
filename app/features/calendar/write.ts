/**
 * The same text as ical-generator 10's `calendar.toString()` for the feeds Broen builds (checked
 * byte for byte in tests/calendar/calendar-ics.test.ts), but fast: the library's foldLines
 * constructs a TextEncoder for every character (~0.4 µs each), which alone took ~70 ms for a
 * 500-event feed, and its event objects (validation, luxon formatting) took most of the rest.
 */
/** The calendar around already written events (each ending in CRLF), folded. */
export function writeCalendar(
  header: { prodId: string; method: string | null; name: string | null },
  vtimezone: string | null,
  events: string,
): string {
  let g = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-" + header.prodId + "\r\n";
  if (header.method) g += "METHOD:" + header.method + "\r\n";
  if (header.name) g += "NAME:" + header.name + "\r\nX-WR-CALNAME:" + header.name + "\r\n";
  // The library normalises the generator's line endings to CRLF the same way.
  if (vtimezone) g += vtimezone.replace(/\r\n/g, "\n").replace(/\n/g, "\r\n").trim() + "\r\n";
  return foldLines(g + events + "END:VCALENDAR");
}

/** "yyyyMMdd'T'HHmmss" of a Date's UTC fields, as ical-generator writes dates. */
export function basicDateTime(value: Date): string {
  const two = (n: number) => (n < 10 ? "0" : "") + n;
  return (
    String(value.getUTCFullYear()).padStart(4, "0") +
    two(value.getUTCMonth() + 1) +
    two(value.getUTCDate()) +
    "T" +
    two(value.getUTCHours()) +
    two(value.getUTCMinutes()) +
    two(value.getUTCSeconds())
  );
}

/** RFC 5545 §3.1 folding exactly as ical-generator does it: at most 74 octets, then CRLF + space. */
export function foldLines(input: string): string {
  return input.split("\r\n").map(foldLine).join("\r\n");
}

function foldLine(line: string): string {
  // A UTF-16 unit is at most 3 UTF-8 octets (a surrogate pair is 4 for two units).
  if (line.length <= 24) return line;
  let result = "";
  let octets = 0;
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    let size: number;
    let next = i;
    if (code < 0x80) size = 1;
    else if (code < 0x800) size = 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      // Kept together with the following unit, as the library does.
      next = i + 1;
      size = Buffer.byteLength(line.slice(i, i + 2));
    } else size = 3;
    octets += size;
    if (octets > 74) {
      result += line.slice(from, i) + "\r\n ";
      from = i;
      octets = size;
    }
    i = next;
  }
  return result + line.slice(from);
}
