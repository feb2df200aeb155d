// parseKernelLog: read a dmesg / syslog / journal capture and pull out the PHB diag dumps
// (powernv-opal.md §4.2–§4.4) and the EEH core / powernv lines (linux-eeh.md §7,
// powernv-opal.md §4.6). Built for real captures: prefixes and stamps are peeled per line
// (line-prefix.ts), CRLF and CR line ends are accepted, unrelated lines are skipped and
// counted, and damage is reported on the dump it hit instead of thrown. A line cut in two
// by a terminal or mail wrap is rejoined when the join reads as one complete dump line.

import { ArgumentError } from "../../core/errors.js";
import { classifyDiagLine, isDamaged, type DiagLineShape } from "./diag-line-classify.js";
import { DumpAssembler, type LineMeta } from "./dump-assembler.js";
import { parseEehEventLine, type EehLogEvent } from "./eeh-events.js";
import { stripLinePrefix, type StrippedLine } from "./line-prefix.js";
import type { ParsedPhbDump } from "./parsed-dump.js";

export interface KernelLogParse {
  readonly dumps: readonly ParsedPhbDump[];
  readonly events: readonly EehLogEvent[];
  /** Lines in the input. */
  readonly lineCount: number;
  /** Non-blank lines that are neither part of a dump nor a known EEH line. */
  readonly unknownLines: number;
}

export function parseKernelLog(text: string): KernelLogParse {
  if (typeof text !== "string") throw new ArgumentError("parseKernelLog expects a string", { got: typeof text });
  const raw = text.split(/\r\n|\r|\n/);
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop(); // final newline
  const dumps = new DumpAssembler();
  const events: EehLogEvent[] = [];
  let unknownLines = 0;

  for (let i = 0; i < raw.length; i++) {
    const line = stripLinePrefix(raw[i] ?? "");
    const meta = metaOf(line, [i + 1]);
    let shape = classifyDiagLine(line.body);
    let used = meta;
    if (isDamaged(shape) && i + 1 < raw.length) {
      const joined = rejoinWrapped(line, raw[i + 1] ?? "");
      if (joined) {
        shape = joined;
        used = { ...meta, lines: [i + 1, i + 2] };
        i++;
      }
    }
    if (shape.kind !== "other") {
      dumps.line(shape, used);
      continue;
    }
    dumps.other();
    const event = parseEehEventLine(line.body, pickMeta(meta));
    if (event) events.push(event);
    else if (line.body.trim() !== "") unknownLines++;
  }
  return { dumps: dumps.finish(), events, lineCount: raw.length, unknownLines };
}

function metaOf(line: StrippedLine, lines: number[]): LineMeta {
  return {
    lines,
    ...(line.timestamp !== undefined ? { timestamp: line.timestamp } : {}),
    ...(line.wallClock !== undefined ? { wallClock: line.wallClock } : {}),
  };
}

function pickMeta(meta: LineMeta): { line: number; timestamp?: number; wallClock?: string } {
  return {
    line: meta.lines[0] ?? 0,
    ...(meta.timestamp !== undefined ? { timestamp: meta.timestamp } : {}),
    ...(meta.wallClock !== undefined ? { wallClock: meta.wallClock } : {}),
  };
}

/**
 * A wrapped line continues on a physical line with no log prefix of its own. The wrap may
 * have eaten the space at the break or not, so both joins are tried; only a join that reads
 * as a complete, undamaged dump line of the same kind is accepted.
 */
function rejoinWrapped(line: StrippedLine, nextRaw: string): Exclude<DiagLineShape, { kind: "other" }> | undefined {
  const next = stripLinePrefix(nextRaw);
  if (next.prefixed || next.body.trim() === "") return undefined;
  const before = classifyDiagLine(line.body).kind;
  for (const joined of [line.body + next.body.trim(), `${line.body} ${next.body.trim()}`]) {
    const shape = classifyDiagLine(joined);
    if (shape.kind !== "other" && !isDamaged(shape) && sameFamily(before, shape.kind)) return shape;
  }
  return undefined;
}

function sameFamily(a: DiagLineShape["kind"], b: DiagLineShape["kind"]): boolean {
  const family = (k: DiagLineShape["kind"]): string => (k.startsWith("header") ? "header" : k.startsWith("pest") ? "pest" : k);
  return family(a) === family(b);
}
