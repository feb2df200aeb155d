// `eeh-emu run <scenario|-> [--json] [--out DIR] [--seed N] [--no-lines]`: run a scenario
// and print its timeline. Exit status 1 when an expectation fails (the failures are named
// on stderr), as for bad input.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadScenario } from "../scenario/load.js";
import { runScenario, type RunResult } from "../scenario/run.js";
import { formatTimeline } from "../scenario/format.js";
import { runArtifacts } from "../scenario/artifacts.js";
import { readInput } from "./decode.js";
import { progressBar } from "./progress.js";

export const RUN_HELP = `Usage: eeh-emu run <scenario.json|scenario.yaml|-> [--json] [--out DIR] [--seed N] [--no-lines]
       eeh-emu run --compare <file.json|-> [--json] [--no-logs]

Runs a scenario on the virtual clock: builds its machine (PowerNV or pSeries, IODA1/IODA2
PHBs), binds its drivers, gives its guests their devices over VFIO, performs the timeline
(faults, loads, guest VFIO ops and RTAS calls…), lets Linux EEH and the guests recover,
and prints what happened in time order with the host's and guests' log lines.
The format is in docs/scenarios.md; fixtures/scenarios/ has ten examples.

Options:
  --json        print the timeline document (the same as timeline.json) instead of text
  --out DIR     also write DIR/host.log, DIR/guest-<name>.log, DIR/timeline.json and every
                platform log as DIR/logs/NNNN-<kind>.bin with its decoding as .json
  --seed N      seed for random steps (random-faults); default the scenario's "seed"
  --no-lines    text output without the log lines (events only)
  --compare F   run a comparison file (see eeh-emu compare --help) instead

Exit status: 0 every expectation held, 1 an expectation failed or the scenario is bad
(one line naming the file, line and JSON path), 2 usage.

Examples:
  eeh-emu run fixtures/scenarios/dma-iommu-fault-ioda2.json
  eeh-emu run fixtures/scenarios/vfio-guest-recovery.json --out run1 && eeh-emu report run1 -o run1.html
  eeh-emu run fixtures/scenarios/freeze-limit.json --json | jq '.expectations'`;

export interface RunArgs {
  readonly file: string;
  readonly json: boolean;
  readonly out?: string;
  readonly seed?: number;
  readonly lines: boolean;
}

export function parseRunArgs(args: readonly string[]): RunArgs | string {
  let json = false;
  let lines = true;
  let out: string | undefined;
  let seed: number | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--no-lines") lines = false;
    else if (a === "--out" || a === "--seed") {
      const v = args[++i];
      if (v === undefined || (v.startsWith("--") && v !== "-")) return `${a} needs a value`;
      if (a === "--out") out = v;
      else {
        if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) return `--seed needs an integer from 0 to 4294967295 (got "${v}")`;
        seed = Number(v);
      }
    } else if (a.startsWith("--") && a !== "-") return `unknown option ${a}`;
    else files.push(a);
  }
  if (files.length !== 1) return files.length === 0 ? "run needs a scenario file (or - for standard input)" : "run takes one scenario file";
  return { file: files[0]!, json, lines, ...(out !== undefined ? { out } : {}), ...(seed !== undefined ? { seed } : {}) };
}

/** Read and run a scenario file, showing a progress bar on a terminal for long runs. */
export async function runScenarioFile(file: string, seed?: number): Promise<RunResult> {
  const name = file === "-" ? "<stdin>" : file;
  const text = new TextDecoder().decode(readInput(file));
  const scenario = loadScenario(text, name);
  const bar = progressBar(process.stderr, `running ${scenario.name}`);
  try {
    return await runScenario(scenario, { file: name, ...(seed !== undefined ? { seed } : {}), onProgress: (f, t) => bar.update(f, `${(t / 1000).toFixed(1)} s virtual`) });
  } finally {
    bar.done();
  }
}

export function writeArtifacts(dir: string, r: RunResult): number {
  const files = runArtifacts(r);
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  return files.length;
}

export async function runCommand(a: RunArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const r = await runScenarioFile(a.file, a.seed);
  const tl = r.timeline;
  out(a.json ? `${JSON.stringify(tl)}\n` : `${formatTimeline(tl, { lines: a.lines }).join("\n")}\n`);
  if (a.out !== undefined) {
    const n = writeArtifacts(a.out, r);
    err(`eeh-emu run: wrote ${n} files to ${a.out}\n`);
  }
  const failed = tl.expectations.filter((e) => !e.ok);
  if (failed.length === 0) return 0;
  const name = a.file === "-" ? "<stdin>" : a.file;
  for (const f of failed) err(`eeh-emu run: ${name}: ${f.path}: expected ${f.description}, but ${f.detail}\n`);
  return 1;
}
