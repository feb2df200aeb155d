// `eeh-emu decode`: read a file (or stdin), detect what it holds, print it decoded.
import { readFileSync } from "node:fs";
import { decodeInput, INPUT_FORMATS, type Decoded, type InputFormat } from "../log/auto-decode.js";
import { printPhbDiag } from "../log/dmesg/print-diag.js";
import type { DumpFormat } from "../log/dmesg/dump-format.js";
import { PHB_DIAG_MODEL_OF } from "../log/opal/constants.js";
import { formatEehNotification } from "../log/rtas/eeh-notification.js";
import { rtasEventTypeName } from "../log/rtas/names.js";
import { jsonLine } from "../core/json.js";
import { formatInterpretation } from "../log/interpret/format.js";
import { interpretationToJson } from "../log/interpret/json.js";
import { describeAerEvents, describeAerReport } from "../log/aer/describe.js";

export const DECODE_HELP = `Usage: eeh-emu decode [--json] [--format auto|opal|rtas|dmesg|aer|hex] [--print mainline|legacy] <file|->

Decodes what a machine printed or saved:
  - an OPAL PHB diag-data blob (P7IOC 2320, PHB3 4392, PHB4 8576 bytes), binary or as a hex dump;
  - an RTAS error log: binary, a hex dump, /var/log/platform text or kernel "RTAS n:" lines;
  - Linux log text (dmesg, journalctl, syslog) with EEH PHB diag dumps and EEH lines;
  - PCIe AER lines of any kernel generation ("AER: … error received", "PCIe Bus Error", bits,
    TLP header, recovery lines) — --format aer, or detected in auto and dmesg mode.
--format auto (the default) detects which. "-" reads standard input.
--json prints one JSON object per decoded item (bigints as "0x…" strings).
--print chooses how diag registers are shown: the mainline kernel's lines (default) or the
older format (PE[%3d], no run collapsing).

Examples:
  eeh-emu decode phb3-diag.bin
  journalctl -k | eeh-emu decode -
  eeh-emu decode --json --format rtas /var/log/platform`;

export interface DecodeArgs {
  readonly file: string;
  readonly format: InputFormat;
  readonly json: boolean;
  readonly print: DumpFormat;
}

/** Parse decode's arguments; a string is a usage error. */
export function parseDecodeArgs(args: readonly string[]): DecodeArgs | string {
  let format: InputFormat = "auto";
  let json = false;
  let print: DumpFormat = "mainline";
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--format" || a === "--print") {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === "--format") {
        if (!(INPUT_FORMATS as readonly string[]).includes(v)) return `unknown --format "${v}" (one of ${INPUT_FORMATS.join(", ")})`;
        format = v as InputFormat;
      } else {
        if (v !== "mainline" && v !== "legacy") return `unknown --print "${v}" (mainline or legacy)`;
        print = v;
      }
    } else if (a.startsWith("--")) return `unknown option ${a}`;
    else files.push(a);
  }
  if (files.length !== 1) return files.length === 0 ? "decode needs a file (or - for standard input)" : "decode takes one file";
  return { file: files[0]!, format, json, print };
}

export function readInput(file: string): Uint8Array {
  return file === "-" ? new Uint8Array(readFileSync(0)) : new Uint8Array(readFileSync(file));
}

function describe(item: Decoded, print: DumpFormat): string[] {
  switch (item.kind) {
    case "opal-diag": {
      const model = PHB_DIAG_MODEL_OF[item.data.ioType];
      const out = [`== OPAL PHB diag data: ${model}, version ${item.data.version} ==`];
      // The blob does not carry the PHB number; Linux prints its PCI domain. Show 0.
      out.push(...printPhbDiag(item.data, { domain: 0, format: print }).map((l) => `  ${l}`));
      for (const n of item.notes) out.push(`  note: ${n.kind} at byte ${n.offset}`);
      out.push("", ...formatInterpretation(item.interpretation).map((l) => `  ${l}`));
      return out;
    }
    case "dmesg-dump": {
      const d = item.dump;
      const where = d.lines.length ? `lines ${d.lines[0]}–${d.lines[d.lines.length - 1]}` : "";
      const out = [`== ${d.model ?? "unknown model"} PHB#${d.phbText ?? "?"} diag dump (${where}, ${d.format} format) ==`];
      if (item.data) out.push(...printPhbDiag(item.data, { domain: d.phb ?? 0, format: print }).map((l) => `  ${l}`));
      for (const p of d.problems) out.push(`  problem at line ${p.line}: ${p.message}`);
      if (item.interpretation) out.push("", ...formatInterpretation(item.interpretation).map((l) => `  ${l}`));
      return out;
    }
    case "eeh-events":
      return [`== EEH log lines (${item.events.length}) ==`, ...item.events.map((e) => `  line ${e.line}: ${e.kind}  ${e.text}`)];
    case "aer-log":
      return [...item.reports.flatMap((r) => describeAerReport(r)), ...describeAerEvents(item.events)];
    case "interpretation":
      return [`== Interpretation (EEHI binary form) ==`, ...formatInterpretation(item.interpretation).map((l) => `  ${l}`)];
    case "rtas-log": {
      const h = item.log.header;
      const out = [`== RTAS error log: version ${h.version}, ${rtasEventTypeName(h.type)} (0x${h.type.toString(16)}), severity ${h.severity}, disposition ${h.disposition} ==`];
      if (item.log.extended.kind === "v6") {
        for (const s of item.log.extended.sections) out.push(`  section ${s.id}${"referenceCode" in s ? `  SRC ${String(s.referenceCode)}` : ""}`);
      }
      out.push(...formatEehNotification(item.log).map((l) => `  ${l}`));
      return out;
    }
  }
}

export function runDecode(args: DecodeArgs, write: (s: string) => void): void {
  const items = decodeInput(readInput(args.file), args.format);
  if (args.json) {
    for (const item of items) {
      const interp = "interpretation" in item && item.interpretation ? { interpretation: interpretationToJson(item.interpretation) } : {};
      write(jsonLine({ ...item, ...interp }) + "\n");
    }
    return;
  }
  write(items.flatMap((i) => [...describe(i, args.print), ""]).join("\n"));
}
