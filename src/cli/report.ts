// `eeh-emu report`: arguments, help, and reading a run directory's timeline.json. Running a
// scenario file first (when the input is not a directory) and writing the page are main.ts's.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError, NotFoundError } from "../core/errors.js";
import type { Timeline } from "../scenario/timeline.js";
import { parseTimelineText } from "../report/validate.js";

export const REPORT_HELP = `Usage: eeh-emu report <run-dir|scenario-file> -o <report.html|->

Writes one self-contained HTML page about a scenario run (it loads nothing from the
network or from other files, so it can be mailed or attached to a bug):
  - whether the scenario's expectations held;
  - a timeline chart with one lane per PE (labelled with its devices and owner guest)
    showing its state over virtual time: normal, frozen (MMIO and DMA, MMIO only, DMA
    only), resetting, PHB fenced, removed;
  - the events and the host and guest log lines under it, in time order (click a marker
    to find its row, a row to mark its time on the chart);
  - every platform log (OPAL PHB diag data, RTAS error log) with its interpretation, the
    lines Linux prints for it, its decoded structure and a hex dump.

<run-dir> is a directory written by \`eeh-emu run <scenario> --out <run-dir>\`; the page is
made from <run-dir>/timeline.json. A scenario file (.json, .yaml) is run first.
-o, --output FILE   where to write the page; "-" writes it to standard output.

Examples:
  eeh-emu run fixtures/scenarios/dma-iommu-fault-ioda2.json --out run1 && eeh-emu report run1 -o report.html
  eeh-emu report fixtures/scenarios/vfio-guest-recovery.json -o r.html`;

export interface ReportArgs {
  /** A run directory or a scenario file. */
  readonly input: string;
  /** Output file, or "-" for standard output. */
  readonly output: string;
}

/** Parse report's arguments; a string is a usage error. */
export function parseReportArgs(args: readonly string[]): ReportArgs | string {
  let output: string | undefined;
  const inputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-o" || a === "--output") {
      const v = args[++i];
      if (v === undefined || v === "") return `${a} needs a file name (or - for standard output)`;
      if (output !== undefined) return `${a} given twice`;
      output = v;
    } else if (a.startsWith("--output=")) {
      if (output !== undefined) return `--output given twice`;
      output = a.slice("--output=".length);
      if (output === "") return "--output needs a file name (or - for standard output)";
    } else if (a.startsWith("-") && a !== "-") return `unknown option ${a}`;
    else inputs.push(a);
  }
  if (inputs.length !== 1) return inputs.length === 0 ? "report needs a run directory or a scenario file" : `report takes one input (got ${inputs.length}: ${inputs.join(" ")})`;
  if (inputs[0] === "-") return "report reads a run directory or a scenario file, not standard input";
  if (output === undefined) return "report needs -o <report.html> (or -o - for standard output)";
  return { input: inputs[0]!, output };
}

/** Read and check a timeline.json file. */
export function loadTimelineFile(file: string): Timeline {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`${file}: no such file`, { file });
    if (code === "EISDIR") throw new ArgumentError(`${file}: is a directory, not a timeline.json`, { file });
    throw new ArgumentError(`${file}: cannot read (${code ?? (e as Error).message})`, { file });
  }
  return parseTimelineText(text, file);
}

/** The timeline of a run directory: DIR/timeline.json, checked (TimelineError names file and JSON path). */
export function loadTimelineFromRunDir(dir: string): Timeline {
  const file = join(dir, "timeline.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      if (!existsSync(dir)) throw new NotFoundError(`${dir}: no such directory`, { dir });
      throw new NotFoundError(`${dir}: no timeline.json in it (write one with: eeh-emu run <scenario> --out ${dir})`, { dir, file });
    }
    if (code === "ENOTDIR") throw new ArgumentError(`${dir}: not a directory`, { dir });
    throw new ArgumentError(`${file}: cannot read (${code ?? (e as Error).message})`, { dir, file });
  }
  return parseTimelineText(text, file);
}
