import zlib from "node:zlib";

/*
 * The text of a PDF written by pdfkit, read back the way a PDF reader does: through each
 * font's /ToUnicode CMap (no pdftotext on this machine, and no PDF parser among the
 * dependencies). Enough for pdfkit's output (hex glyph strings in Tj/TJ, fonts by resource
 * name); not a general PDF parser.
 */

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString("latin1");
  const found = new Map<number, PdfObject>();
  const header = /(\d+) 0 obj\s*/g;
  let match: RegExpExecArray | null;
  while ((match = header.exec(text))) {
    const start = match.index + match[0].length;
    const end = text.indexOf("endobj", start);
    const body = text.slice(start, end);
    const streamAt = body.indexOf("stream\n");
    if (streamAt < 0) {
      found.set(Number(match[1]), { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, streamAt);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
    const from = start + streamAt + "stream\n".length;
    let data = pdf.subarray(from, from + length);
    if (dict.includes("/FlateDecode")) data = zlib.inflateSync(data);
    found.set(Number(match[1]), { dict, stream: data });
  }
  return found;
}

/** A /ToUnicode CMap as glyph code → text. */
function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => Buffer.from(hex, "hex").swap16().toString("utf16le");
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, src, dst] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
      map.set(parseInt(src!, 16), utf16(dst!));
    }
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    const line = /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g;
    for (const [, lo, hi, dst] of block[1]!.matchAll(line)) {
      const first = parseInt(lo!, 16);
      const last = parseInt(hi!, 16);
      if (dst!.startsWith("[")) {
        const targets = [...dst!.matchAll(/<([0-9a-fA-F]+)>/g)].map((m) => utf16(m[1]!));
        targets.forEach((value, i) => map.set(first + i, value));
      } else {
        const base = Buffer.from(dst!.slice(1, -1), "hex").swap16().toString("utf16le");
        for (let code = first; code <= last; code++) {
          map.set(
            code,
            base.slice(0, -1) +
              String.fromCharCode(base.charCodeAt(base.length - 1) + code - first),
          );
        }
      }
    }
  }
  return map;
}

/** The PDF's text, one line per text object, in the order of the content streams. */
export function pdfText(pdf: Buffer): string {
  const all = objects(pdf);
  const cmapOfFont = new Map<number, Map<number, string>>();
  for (const [id, object] of all) {
    const ref = /\/ToUnicode (\d+) 0 R/.exec(object.dict)?.[1];
    const cmap = ref ? all.get(Number(ref))?.stream : null;
    if (cmap) cmapOfFont.set(id, parseCmap(cmap.toString("latin1")));
  }
  const lines: string[] = [];
  for (const page of [...all.values()].filter((o) => /\/Type \/Page\b/.test(o.dict))) {
    const fonts = new Map<string, Map<number, string>>();
    const resourcesRef = /\/Resources (\d+) 0 R/.exec(page.dict)?.[1];
    const resourceDict = resourcesRef ? (all.get(Number(resourcesRef))?.dict ?? "") : page.dict;
    const resources = /\/Font <<([\s\S]*?)>>/.exec(resourceDict)?.[1] ?? "";
    for (const [, name, id] of resources.matchAll(/\/(\w+) (\d+) 0 R/g)) {
      fonts.set(name!, cmapOfFont.get(Number(id)) ?? new Map());
    }
    const contentIds = [...(/\/Contents (\d+) 0 R/.exec(page.dict) ?? [])].slice(1);
    for (const contentId of contentIds) {
      const content = all.get(Number(contentId))?.stream?.toString("latin1") ?? "";
      let cmap = new Map<number, string>();
      let line = "";
      for (const token of content.matchAll(/\/(\w+) [\d.]+ Tf|<([0-9a-fA-F]*)>|\bET\b/g)) {
        if (token[1]) cmap = fonts.get(token[1]) ?? new Map();
        else if (token[2] !== undefined) {
          for (let i = 0; i < token[2].length; i += 4) {
            line += cmap.get(parseInt(token[2].slice(i, i + 4), 16)) ?? "\uFFFD";
          }
        } else {
          lines.push(line);
          line = "";
        }
      }
    }
  }
  return lines.join("\n");
}
