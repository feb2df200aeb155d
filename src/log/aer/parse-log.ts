// parseAerLog: read a kernel-log capture and assemble its AER lines (aer-xen.md §2) into
// error reports — one per root-port message line, with the printout of each device the
// source search found — and the recovery/DPC/aer_inject lines as events. Prefixes and stamps
// are peeled per line (dmesg/line-prefix.ts); lines of other subsystems interleaved with a
// report are skipped and counted, never thrown on.

import { ArgumentError } from "../../core/errors.js";
import { stripLinePrefix } from "../dmesg/line-prefix.js";
import { AER_RECOVERY_KINDS, type AerBitLine, type AerDevRef, type AerLine, type AerLineBody, type AerTlpLine } from "./lines.js";
import type { AerAgent, AerLayer, AerLogFormat, AerSeverity } from "./names.js";
import { parseAerLine } from "./parse-line.js";

export interface AerLineMeta {
  /** 1-based line number. */
  readonly line: number;
  /** Seconds since boot, from a `[ … ]` stamp. */
  readonly timestamp?: number;
}

/** One device's printout (§2.1 step 4): "PCIe Bus Error" (or Inaccessible), status, bits, TLP. */
export interface AerDeviceReport {
  readonly dev?: AerDevRef;
  /** Unknown only for a firmware-first block without its severity line. */
  readonly severity?: AerSeverity;
  /** The status-0 case (type=Inaccessible / Unaccessible). */
  readonly inaccessible: boolean;
  readonly layer?: AerLayer;
  readonly agent?: AerAgent;
  /** (A) only: the requester id printed as `id=%04x`. */
  readonly id?: number;
  readonly vendor?: number;
  readonly device?: number;
  readonly status?: number;
  readonly mask?: number;
  readonly bits: readonly AerBitLine[];
  readonly tlp?: AerTlpLine;
  /** "Error of this Agent is reported first". */
  readonly reportedFirst: boolean;
  /** From the GHES/CPER path (`aer_status:` lines). */
  readonly firmwareFirst: boolean;
  readonly uncorSeverity?: number;
  readonly lines: readonly number[];
}

export interface AerReport extends AerLineMeta {
  /** The root port's message line; absent for a printout with no root line (DPC, firmware-first). */
  readonly root?: {
    readonly port?: AerDevRef;
    readonly severity: AerSeverity;
    readonly multiple: boolean;
    /** A BDF, or (A) the 16-bit requester id. */
    readonly source: string | number;
    readonly noDetails: boolean;
  };
  /** "can't find device of ID%04x". */
  readonly noSource?: number;
  /** "Exceeded max supported (N) devices…". */
  readonly exceeded?: number;
  readonly devices: readonly AerDeviceReport[];
  /** Generations every line of the report is consistent with. */
  readonly formats: readonly AerLogFormat[];
}

/** A recovery, DPC or aer_inject line. */
export type AerLogEvent = AerLineMeta & { readonly dev?: AerDevRef; readonly body: AerLineBody };

export interface AerLogParse {
  readonly reports: readonly AerReport[];
  readonly events: readonly AerLogEvent[];
  /** Every AER line recognised, in order. */
  readonly lines: readonly (AerLineMeta & { readonly parsed: AerLine; readonly aerPrefix: boolean })[];
  readonly lineCount: number;
  /** Non-blank lines that are not AER lines (or detail lines with nothing to attach to). */
  readonly unknownLines: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type DevBuild = Mutable<Omit<AerDeviceReport, "bits" | "lines">> & { bits: AerBitLine[]; lines: number[] };
type ReportBuild = Mutable<Omit<AerReport, "devices" | "formats">> & { devices: DevBuild[]; formats: AerLogFormat[] };

export function parseAerLog(text: string): AerLogParse {
  if (typeof text !== "string") throw new ArgumentError("parseAerLog expects a string", { got: typeof text });
  const raw = text.split(/\r\n|\r|\n/);
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  const reports: ReportBuild[] = [];
  const events: AerLogEvent[] = [];
  const lines: (AerLineMeta & { parsed: AerLine; aerPrefix: boolean })[] = [];
  let unknownLines = 0;
  let current: ReportBuild | undefined;

  const open = (meta: AerLineMeta): ReportBuild => {
    current = { ...meta, devices: [], formats: ["legacy", "v4.19", "mainline"] };
    reports.push(current);
    return current;
  };
  const entryFor = (rep: ReportBuild, dev: AerDevRef | undefined): DevBuild | undefined => {
    for (let i = rep.devices.length - 1; i >= 0; i--) {
      const d = rep.devices[i]!;
      if (!dev || !d.dev || d.dev.address === dev.address) return d;
    }
    return undefined;
  };

  for (let i = 0; i < raw.length; i++) {
    const stripped = stripLinePrefix(raw[i] ?? "");
    const meta: AerLineMeta = { line: i + 1, ...(stripped.timestamp !== undefined ? { timestamp: stripped.timestamp } : {}) };
    const p = parseAerLine(stripped.body);
    if (!p) {
      if (stripped.body.trim() !== "") unknownLines++;
      continue;
    }
    const { dev, body } = p.line;
    lines.push({ ...meta, parsed: p.line, aerPrefix: p.aerPrefix });
    if (AER_RECOVERY_KINDS.has(body.kind)) {
      events.push({ ...meta, ...(dev ? { dev } : {}), body });
      continue;
    }
    const narrow = (rep: ReportBuild): void => {
      const keep = rep.formats.filter((f) => p.formats.includes(f));
      if (keep.length > 0) rep.formats = keep;
    };
    switch (body.kind) {
      case "root": {
        const rep = open(meta);
        rep.root = { ...(dev ? { port: dev } : {}), severity: body.severity, multiple: body.multiple, source: body.source, noDetails: body.noDetails };
        narrow(rep);
        break;
      }
      case "no-source":
      case "exceeded": {
        const rep = current ?? open(meta);
        if (body.kind === "no-source") rep.noSource = body.id;
        else rep.exceeded = body.max;
        narrow(rep);
        break;
      }
      case "bus-error":
      case "inaccessible":
      case "ff-status": {
        const rep = current ?? open(meta);
        const d: DevBuild = {
          ...(dev ? { dev } : {}),
          inaccessible: body.kind === "inaccessible",
          reportedFirst: false,
          firmwareFirst: body.kind === "ff-status",
          bits: [],
          lines: [meta.line],
        };
        if (body.kind !== "ff-status") {
          d.severity = body.severity;
          if (body.id !== undefined) d.id = body.id;
        } else {
          d.status = body.status;
          d.mask = body.mask;
        }
        if (body.kind === "bus-error") {
          d.layer = body.layer;
          d.agent = body.agent;
        }
        rep.devices.push(d);
        narrow(rep);
        break;
      }
      default: {
        const d = current ? entryFor(current, dev) : undefined;
        if (!current || !d) {
          unknownLines++;
          break;
        }
        d.lines.push(meta.line);
        narrow(current);
        if (body.kind === "device") {
          d.vendor = body.vendor;
          d.device = body.device;
          d.status = body.status;
          d.mask = body.mask;
        } else if (body.kind === "bit") d.bits.push(body);
        else if (body.kind === "tlp") d.tlp = body;
        else if (body.kind === "agent-first") d.reportedFirst = true;
        else if (body.kind === "ff-layer") {
          d.layer = body.layer;
          d.agent = body.agent;
        } else if (body.kind === "ff-severity") d.uncorSeverity = body.severity;
      }
    }
  }
  return { reports, events, lines, lineCount: raw.length, unknownLines };
}
