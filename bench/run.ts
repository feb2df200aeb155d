// `npm run bench`: run every benchmark, print one table (figure, value, unit, baseline,
// ratio, target, met) and write it with the machine it ran on to bench/results.md.
// Timings are wall-clock and belong here, never in `npm test`.
//
//   npm run bench                 run everything, print, write bench/results.md
//   npm run bench -- --no-write   run everything, print only
import { readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, release, totalmem, type } from "node:os";
import { join } from "node:path";
import { benchDecode } from "./decode.js";
import { benchFreezeCycle } from "./freeze-cycle.js";
import { benchHostRecovery } from "./host-recovery.js";
import { benchMemory } from "./memory.js";
import { formatNotes, formatTable, targetsMissed, type BenchGroup } from "./report.js";
import { benchVfio } from "./vfio.js";

const write = !process.argv.includes("--no-write");

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (m) return `${m[1]} (${type()} ${release()}, ${arch()})`;
  } catch {
    // not Linux, or no os-release
  }
  return `${type()} ${release()} (${arch()})`;
}

function machine(): string {
  const cs = cpus();
  const models = [...new Set(cs.map((c) => c.model.trim()))].join(" / ");
  return `${cs.length} × ${models || "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osName()}, Node ${process.version}`;
}

const started = new Date();
const load = loadavg().map((x) => x.toFixed(2)).join(" ");
const t0 = performance.now();
const groups: BenchGroup[] = [];
const step = async (name: string, f: () => BenchGroup | BenchGroup[] | Promise<BenchGroup | BenchGroup[]>): Promise<void> => {
  process.stderr.write(`bench: ${name}…`);
  const t = performance.now();
  const g = await f();
  groups.push(...(Array.isArray(g) ? g : [g]));
  process.stderr.write(` ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
};
await step("freeze cycle", benchFreezeCycle);
await step("host recovery", benchHostRecovery);
await step("decode", benchDecode);
await step("vfio", benchVfio);
await step("memory", benchMemory);
const seconds = (performance.now() - t0) / 1000;

const rows = groups.flatMap((g) => g.rows);
const table = formatTable(rows);
const missed = targetsMissed(rows);
const verdict = missed.length === 0 ? `all ${rows.filter((r) => r.target).length} targets met` : `targets not met: ${missed.map((r) => r.figure).join("; ")}`;
const where = machine();

console.log(`eeh-emu benchmarks on ${where}\n`);
console.log(table.join("\n"));
console.log(`\n${verdict} (${seconds.toFixed(0)} s)`);

if (write) {
  const out = join(import.meta.dirname, "results.md");
  const md = [
    "# eeh-emu benchmark results",
    "",
    `- Date: ${started.toISOString().replace(/\.\d+Z$/, "Z")}`,
    `- Machine: ${where}`,
    `- Load average when the run started (1, 5, 15 min): ${load}`,
    "- Command: `npm run bench` (`tsx bench/run.ts`; the memory figures come from child processes started with `node --expose-gc --import tsx bench/memory.ts <size>`)",
    `- Run time: ${seconds.toFixed(0)} s`,
    `- Verdict: ${verdict}`,
    "",
    "Figures are wall-clock measurements of one run; the machine may have been running other work, so timings carry noise of several per cent and ratios near a target can move either side of it between runs. " +
      "A missing baseline, ratio or target is shown as —; *met* is yes/no only for rows with a target.",
    "",
    ...table,
    "",
    "## Notes",
    "",
    ...formatNotes(groups),
  ].join("\n");
  writeFileSync(out, md.replace(/\n+$/, "\n"));
  console.log(`written to ${out}`);
}
