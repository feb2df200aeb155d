// Groups diag-dump lines of a kernel log into dumps (powernv-opal.md §4.2–§4.4). Linux
// prints a dump in one burst, header first, register lines in a fixed order, PE lines last,
// but a real capture can interleave other CPUs' lines, lose lines, or start mid-dump. So:
// * a dump opens at a header, or — with a "no-header" problem — at a dump line that no open
//   dump can take;
// * it takes register lines in print order and PE lines in index order; a line that goes
//   backwards (or a register line after PE lines) belongs to a new dump whose header was
//   lost;
// * unrelated lines in between are skipped; the dump closes after MAX_IDLE_LINES of them,
//   or when consecutive dump lines are more than MAX_GAP_SECONDS apart.
// Damage is recorded as problems on the dump; nothing here throws on input text.

import { OPAL_PHB4_NUM_PEST_REGS, PHB_DIAG_IOTYPE_OF, type PhbDiagModel } from "../opal/constants.js";
import { phbDiagLayout } from "../opal/layout.js";
import type { PhbDiagScalars } from "../opal/types.js";
import { DIAG_PRINT_MODELS, findDiagLine } from "./diag-lines.js";
import type { DiagLineShape } from "./diag-line-classify.js";
import { headerPhbRadix, type DumpFormat } from "./dump-format.js";
import type { DumpProblem, ParsedPestEntry, ParsedPhbDump } from "./parsed-dump.js";

/** Unrelated lines tolerated inside one dump before it is considered finished. */
export const MAX_IDLE_LINES = 50;
/** Largest stamp gap between two consecutive lines of one dump (a dump is one burst). */
export const MAX_GAP_SECONDS = 2;

const ALL_ONES = (1n << 64n) - 1n;

export interface LineMeta {
  /** 1-based line numbers this logical line came from (two when a wrapped line was rejoined). */
  readonly lines: readonly number[];
  readonly timestamp?: number;
  readonly wallClock?: string;
}

type RawPe =
  | { readonly kind: "entry"; readonly indexText: string; readonly a: bigint; readonly b: bigint; readonly line: number }
  | { readonly kind: "as-above"; readonly indexText: string; readonly line: number }
  | { readonly kind: "damaged"; readonly line: number };

interface OpenDump {
  model: PhbDiagModel | undefined;
  /** Model whose line table reads the register lines (the header's, or a guess). */
  tableModel: PhbDiagModel;
  phbText: string | undefined;
  version: number | undefined;
  fields: Record<string, number | bigint>;
  labels: string[];
  lines: number[];
  problems: DumpProblem[];
  lastSpecIndex: number;
  pest: RawPe[];
  timestamp?: number;
  wallClock?: string;
  lastTimestamp?: number;
  idle: number;
}

export class DumpAssembler {
  private open: OpenDump | undefined;
  readonly dumps: ParsedPhbDump[] = [];

  /** Feed one dump-shaped line (anything but kind "other"). */
  line(shape: Exclude<DiagLineShape, { kind: "other" }>, meta: LineMeta): void {
    const first = meta.lines[0] ?? 0;
    if (this.open && meta.timestamp !== undefined && this.open.lastTimestamp !== undefined && meta.timestamp - this.open.lastTimestamp > MAX_GAP_SECONDS) {
      this.close();
    }
    switch (shape.kind) {
      case "header":
      case "header-damaged": {
        this.close();
        const d = this.start(shape.model, meta);
        d.model = shape.model;
        d.phbText = shape.phbText;
        if (shape.kind === "header") d.version = shape.version;
        else d.problems.push({ line: first, kind: "damaged-line", message: shape.why });
        this.touch(d, meta);
        break;
      }
      case "field":
        this.field(shape, meta);
        break;
      case "pest-entry":
      case "pest-as-above":
      case "pest-damaged": {
        let d = this.open ?? this.startHeadless(undefined, meta);
        if (shape.kind === "pest-entry") {
          const last = lastEntryIndex(d.pest);
          if (last !== undefined && parseIndexOrder(shape.indexText) <= last) {
            this.close(); // indexes only grow within one dump: this is the next dump
            d = this.startHeadless(undefined, meta);
          }
          d.pest.push({ kind: "entry", indexText: shape.indexText, a: shape.a, b: shape.b, line: first });
        } else if (shape.kind === "pest-as-above") {
          d.pest.push({ kind: "as-above", indexText: shape.indexText, line: first });
        } else {
          d.pest.push({ kind: "damaged", line: first });
          d.problems.push({ line: first, kind: "damaged-line", message: shape.why });
        }
        this.touch(d, meta);
        break;
      }
    }
  }

  /** Note a line that is not part of any dump. */
  other(): void {
    if (!this.open) return;
    this.open.idle++;
    if (this.open.idle > MAX_IDLE_LINES) this.close();
  }

  /** Close the open dump (end of input). */
  finish(): ParsedPhbDump[] {
    this.close();
    return this.dumps;
  }

  private field(shape: Extract<DiagLineShape, { kind: "field" }>, meta: LineMeta): void {
    const first = meta.lines[0] ?? 0;
    let d = this.open ?? this.startHeadless(shape.column, meta);
    let found = findDiagLine(d.tableModel, shape.label);
    if (found && (found.index <= d.lastSpecIndex || d.pest.length > 0)) {
      // Register lines only move forward and come before PE lines: a new dump began.
      this.close();
      d = this.startHeadless(shape.column, meta);
      found = findDiagLine(d.tableModel, shape.label);
    }
    this.touch(d, meta);
    if (!found) {
      const who = d.model ?? `${d.tableModel}-like`;
      d.problems.push({ line: first, kind: "unexpected-label", message: `${shape.label}: not a line ${who} dumps print` });
      return;
    }
    d.lastSpecIndex = found.index;
    if (shape.why !== undefined) {
      d.problems.push({ line: first, kind: "damaged-line", message: shape.why });
      return;
    }
    found.spec.fields.forEach((name, i) => {
      const w = shape.words[i] ?? "0";
      d.fields[name] = w.length > 8 ? BigInt(`0x${w}`) : Number.parseInt(w, 16);
    });
    d.labels.push(shape.label);
  }

  private start(tableModel: PhbDiagModel, meta: LineMeta): OpenDump {
    const d: OpenDump = {
      model: undefined,
      tableModel,
      phbText: undefined,
      version: undefined,
      fields: {},
      labels: [],
      lines: [],
      problems: [],
      lastSpecIndex: -1,
      pest: [],
      idle: 0,
      ...(meta.timestamp !== undefined ? { timestamp: meta.timestamp } : {}),
      ...(meta.wallClock !== undefined ? { wallClock: meta.wallClock } : {}),
    };
    this.open = d; // the caller records the line itself (touch)
    return d;
  }

  /** A dump whose header was not seen; PHB4 labels sit in column 12, the others in 13. */
  private startHeadless(column: number | undefined, meta: LineMeta): OpenDump {
    const d = this.start(column === DIAG_PRINT_MODELS.PHB4.labelWidth ? "PHB4" : "PHB3", meta);
    d.problems.push({ line: meta.lines[0] ?? 0, kind: "no-header", message: "diag-dump lines without a header (header lost or capture started mid-dump)" });
    return d;
  }

  private touch(d: OpenDump, meta: LineMeta): void {
    d.lines.push(...meta.lines);
    d.idle = 0;
    if (meta.timestamp !== undefined) d.lastTimestamp = meta.timestamp;
  }

  private close(): void {
    const d = this.open;
    this.open = undefined;
    if (d) this.dumps.push(finalize(d));
  }
}

/** Digit-only index texts compare the same in hex and decimal, so hex order is safe. */
function parseIndexOrder(indexText: string): number {
  return Number.parseInt(indexText.trim(), 16);
}

function lastEntryIndex(pest: readonly RawPe[]): number | undefined {
  for (let i = pest.length - 1; i >= 0; i--) {
    const p = pest[i];
    if (p?.kind === "entry") return parseIndexOrder(p.indexText);
  }
  return undefined;
}

function finalize(d: OpenDump): ParsedPhbDump {
  const problems = [...d.problems];
  const pestCount = d.model ? phbDiagLayout(PHB_DIAG_IOTYPE_OF[d.model]).pestCount : OPAL_PHB4_NUM_PEST_REGS;
  const format = detectFormat(d, pestCount, problems);
  const phb = d.phbText !== undefined && d.phbText !== "" && d.model ? readPhb(d.model, d.phbText, format, d.lines[0] ?? 0, problems) : undefined;
  const pest = resolvePest(d.pest, format === "legacy" ? 10 : 16, pestCount, problems);
  return {
    model: d.model,
    phb,
    phbText: d.phbText,
    version: d.version,
    format,
    fields: d.fields as Partial<PhbDiagScalars>,
    labels: d.labels,
    pest,
    lines: d.lines,
    ...(d.timestamp !== undefined ? { timestamp: d.timestamp } : {}),
    ...(d.wallClock !== undefined ? { wallClock: d.wallClock } : {}),
    problems: problems.sort((x, y) => x.line - y.line),
  };
}

/**
 * Mainline vs legacy from the PE lines (§4.4): "as above", hex letters or a zero-padded
 * 3-digit index mean %03x; a space-padded index, or one valid only in decimal, means %3d.
 * Digit-only indexes of 100+ are read as hex except where that is out of range — which
 * settles every P7IOC/PHB3 dump with a PE line; only a legacy-format PHB4 dump (no kernel
 * printed one) whose indexes are all 100..199 would be misread as mainline.
 */
function detectFormat(d: OpenDump, pestCount: number, problems: DumpProblem[]): DumpFormat | "unknown" {
  let mainline = 0;
  let legacy = 0;
  for (const p of d.pest) {
    if (p.kind === "as-above") mainline++;
    if (p.kind !== "entry") continue;
    const t = p.indexText;
    if (/[a-fA-F]/.test(t) || (t.length >= 3 && t.startsWith("0"))) mainline++;
    else if (t.startsWith(" ") || Number.parseInt(t, 16) >= pestCount) legacy++;
  }
  if (d.model !== "PHB4" && d.phbText !== undefined && /[a-fA-F]/.test(d.phbText)) mainline++; // PHB#%d never has letters
  if (mainline > 0 && legacy > 0) {
    problems.push({ line: d.lines[0] ?? 0, kind: "format", message: `both mainline (${mainline}) and legacy (${legacy}) PE-line shapes in one dump; read as mainline` });
    return "mainline";
  }
  if (legacy > 0) return "legacy";
  if (mainline > 0 || d.pest.some((p) => p.kind === "entry")) return "mainline";
  return "unknown";
}

function readPhb(model: PhbDiagModel, text: string, format: DumpFormat | "unknown", line: number, problems: DumpProblem[]): number {
  const radix = headerPhbRadix(model, format === "unknown" ? "mainline" : format);
  if (radix === 10 && /[a-fA-F]/.test(text)) {
    problems.push({ line, kind: "format", message: `PHB#${text} has hex digits but this header prints PHB# in decimal; read as hex` });
    return Number.parseInt(text, 16);
  }
  return Number.parseInt(text, radix);
}

/** Entries by index; "as above" runs expanded from their head (§4.4). */
function resolvePest(raw: readonly RawPe[], radix: 10 | 16, pestCount: number, problems: DumpProblem[]): ParsedPestEntry[] {
  const out: ParsedPestEntry[] = [];
  // pnv_pci_dump_pest starts with prev = all-ones: a bare "as above" first means the
  // entries from 0 up were all-ones (stopped, equal to prev, so never printed themselves).
  let head: { index: number; a: bigint; b: bigint } | undefined = { index: -1, a: ALL_ONES, b: ALL_ONES };
  let next = 0; // lowest index the next entry may have
  for (const p of raw) {
    if (p.kind === "damaged") {
      head = undefined; // the run head may be the damaged line
      continue;
    }
    if (p.kind === "entry") {
      const index = Number.parseInt(p.indexText.trim(), radix);
      if (!Number.isInteger(index) || index >= pestCount || index < next) {
        problems.push({ line: p.line, kind: "pest-index", message: `PE index ${p.indexText.trim()} out of ${index >= pestCount ? `range (${pestCount} entries)` : "order"}` });
        head = undefined;
        continue;
      }
      out.push({ index, a: p.a, b: p.b, line: p.line, asAbove: false });
      head = { index, a: p.a, b: p.b };
      next = index + 1;
      continue;
    }
    const last = Number.parseInt(p.indexText, 16);
    if (!head) {
      problems.push({ line: p.line, kind: "pest-run", message: `"as above" through PE ${p.indexText} but the line it repeats is missing or damaged` });
      continue;
    }
    if (last <= head.index || last >= pestCount || last < next) {
      problems.push({ line: p.line, kind: "pest-run", message: `"as above" through PE ${p.indexText} does not follow its run head` });
      head = undefined;
      continue;
    }
    for (let i = head.index + 1; i <= last; i++) out.push({ index: i, a: head.a, b: head.b, line: p.line, asAbove: true });
    next = last + 1;
    head = undefined; // a run is closed by exactly one "as above"
  }
  return out;
}
