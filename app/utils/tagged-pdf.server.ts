import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import PDFDocument from "pdfkit";
import type { Locale } from "../i18n";

/*
 * The one way Broen writes a PDF (minutes, plan): PDF 1.7, tagged (headings, paragraphs, lists
 * in a structure tree, /MarkInfo), archival profile PDF/A-2a as pdfkit gives it, the language
 * set, the title shown in the window, and DejaVu Sans embedded (subset) so æ, ø and å come out
 * right in every reader. The fonts ship in assets/fonts with their licence.
 */

/** The folder with the shipped fonts: found upwards from this module (source or build). */
function fontsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "assets", "fonts");
    if (fs.existsSync(path.join(candidate, "DejaVuSans.ttf"))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("assets/fonts/DejaVuSans.ttf was not found");
}

let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** The shipped DejaVu Sans regular and bold (read once); throws when they are missing. */
export function loadFonts() {
  const dir = fontsDir();
  fonts ??= {
    regular: fs.readFileSync(path.join(dir, "DejaVuSans.ttf")),
    bold: fs.readFileSync(path.join(dir, "DejaVuSans-Bold.ttf")),
  };
  return fonts;
}

export type PdfStruct = ReturnType<PDFKit.PDFDocument["struct"]>;

/** An open tagged PDF: write with the helpers, then `finish()` for the bytes. */
export interface TaggedPdf {
  doc: PDFKit.PDFDocument;
  /** The structure tree's root ("Document"). */
  root: PdfStruct;
  heading(level: 1 | 2 | 3, text: string): void;
  paragraph(text: string, parent?: PdfStruct): void;
  /** A bulleted list (L > LI > LBody); nothing for no lines. */
  list(lines: string[], parent?: PdfStruct): void;
  /** Ends the structure and the file; resolves with the whole file, rejects on a pdfkit error. */
  finish(): Promise<Buffer>;
}

/**
 * Opens a tagged PDF/A-2a document on A4 with `title` in the window and the metadata, the
 * language of `locale`, and the shipped fonts registered as "body" and "bold". Throws when
 * the fonts are missing.
 */
export function openTaggedPdf(options: {
  title: string;
  subject: string;
  locale: Locale;
}): TaggedPdf {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    pdfVersion: "1.7",
    subset: "PDF/A-2a",
    tagged: true,
    lang: options.locale === "nb" ? "nb-NO" : "en-GB",
    displayTitle: true,
    size: "A4",
    margin: 56,
    info: { Title: options.title, Author: "Broen", Subject: options.subject },
  });
  doc.registerFont("body", regular);
  doc.registerFont("bold", bold);
  doc.font("body");
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const root = doc.struct("Document");
  doc.addStructure(root);
  return {
    doc,
    root,
    heading(level, text) {
      root.add(
        doc.struct(`H${level}`, {}, () => {
          doc
            .font("bold")
            .fontSize(level === 1 ? 18 : level === 2 ? 14 : 12)
            .text(text)
            .moveDown(0.3);
          doc.font("body").fontSize(10.5);
        }),
      );
    },
    paragraph(text, parent = root) {
      parent.add(doc.struct("P", {}, () => doc.text(text).moveDown(0.3)));
    },
    list(lines, parent = root) {
      if (lines.length === 0) return;
      parent.add(
        doc.struct(
          "L",
          {},
          lines.map((line) =>
            doc.struct("LI", {}, [
              doc.struct("LBody", {}, () => doc.text(`•  ${line}`, { indent: 8 })),
            ]),
          ),
        ),
      );
      doc.moveDown(0.3);
    },
    finish() {
      root.end();
      doc.end();
      return done;
    },
  };
}

/** PDF bytes as a download: never cached (health data), under the neutral `fileName`. */
export function pdfDownload(pdf: Buffer, fileName: string): Response {
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
