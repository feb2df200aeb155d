// `npm run bench`: run every benchmark and print one table (figure, unit, baseline,
// ratio, target, met). Timings are wall-clock and belong here, never in `npm test`.
import { cpus, totalmem } from "node:os";
import { benchFreezeCycle } from "./freeze-cycle.js";
import { benchDecode } from "./decode.js";
import { benchVfio } from "./vfio.js";
import { formatTable, type BenchResult } from "./report.js";

const rows: BenchResult[] = [];
rows.push(...benchFreezeCycle());
rows.push(...benchDecode());
rows.push(...(await benchVfio()));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`eeh-emu benchmarks on ${machine}\n`);
console.log(formatTable(rows).join("\n"));
if (rows.some((r) => r.target && r.ratio !== undefined && ((r.target.max !== undefined && r.ratio > r.target.max) || (r.target.min !== undefined && r.ratio < r.target.min)))) {
  console.log("\nsome targets were not met");
}
