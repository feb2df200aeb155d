// The `eeh-emu` command. Thin: parse arguments, call the library, print. Exit status:
// 0 ok, 1 bad input (one line naming what and where), 2 usage.

import { EehError } from "../core/errors.js";
import { demoText } from "./demo.js";
import { DECODE_HELP, parseDecodeArgs, readInput, runDecode } from "./decode.js";
import { jsonLine } from "../core/json.js";
import { createAerHost } from "../aer/aer-host.js";
import { COMPARE_HELP, compareInputFromJson, parseCompareArgs } from "../hypervisor/compare-input.js";
import { compareModels } from "../hypervisor/compare.js";
import { formatComparison } from "../hypervisor/compare-format.js";
import { RUN_HELP, parseRunArgs, runCommand, runScenarioFile } from "./run.js";
import { REPORT_HELP, loadTimelineFromRunDir, parseReportArgs } from "./report.js";
import { renderReport } from "../report/render.js";
import { existsSync, statSync, writeFileSync } from "node:fs";

const USAGE = `eeh-emu — an emulator of PowerPC EEH (IODA1/IODA2 PHBs, OPAL/RTAS, EEH recovery)

Usage:
  eeh-emu demo            run the built-in showcase and print what happened
  eeh-emu decode <file|-> decode an OPAL PHB diag blob, an RTAS error log or Linux EEH/AER log text
  eeh-emu compare         one PCIe error under EEH (PowerNV), Xen pciback and QEMU vfio-pci
  eeh-emu run <scenario>  run a scenario file on the virtual clock and print its timeline
  eeh-emu report <run-dir|scenario> -o report.html
                          draw a run as one self-contained HTML page
  eeh-emu --help          this text
  eeh-emu <command> --help

Exit status: 0 ok, 1 bad input or a failed expectation, 2 usage.

Examples:
  eeh-emu run fixtures/scenarios/dma-iommu-fault-ioda2.json --out run1
  eeh-emu report run1 -o run1.html
  journalctl -k | eeh-emu decode -`;

const COMMANDS: Record<string, { help: string; run: (args: string[]) => number | Promise<number> }> = {
  demo: {
    help: `Usage: eeh-emu demo

Builds a small machine (an IODA2 PHB with a switch and three devices, an IODA1 PHB
with two), makes one device DMA to an unmapped address and another load from an
address nothing decodes, and prints which PE froze and why, what loads return and
what the PEST words record. Then Linux EEH recovers the same fault, and six of the shipped
scenarios (fixtures/scenarios) run and are told as short stories: link loss behind a
switch, the freeze limit, a VFIO guest's recovery, a guest flooding errors, the same fault
on pSeries, and one error under EEH, Xen and QEMU.

Examples:
  eeh-emu demo
  eeh-emu run fixtures/scenarios/vfio-guest-recovery.json     one of them in full`,
    run: (args) => {
      if (args.length > 0) return usage(`demo takes no arguments (got "${args[0]}")`);
      return demoText().then((lines) => {
        process.stdout.write(lines.join("\n") + "\n");
        return 0;
      });
    },
  },
  decode: {
    help: DECODE_HELP,
    run: (args) => {
      const parsed = parseDecodeArgs(args);
      if (typeof parsed === "string") return usage(parsed);
      try {
        runDecode(parsed, (s) => process.stdout.write(s));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") {
          process.stderr.write(`eeh-emu decode: ${parsed.file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : "permission denied"}\n`);
          return 1;
        }
        if (e instanceof EehError) {
          process.stderr.write(`eeh-emu decode: ${parsed.file === "-" ? "<stdin>" : parsed.file}: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
      return 0;
    },
  },
  compare: {
    help: COMPARE_HELP,
    run: async (args) => {
      const parsed = parseCompareArgs(args);
      if (typeof parsed === "string") return usage(parsed);
      let input = parsed.input;
      if (parsed.inputFile !== undefined) {
        const file = parsed.inputFile;
        let doc: unknown;
        try {
          doc = JSON.parse(new TextDecoder().decode(readInput(file)));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          process.stderr.write(`eeh-emu compare: ${file}: ${code === "ENOENT" ? "no such file" : code ? `cannot read (${code})` : `not JSON: ${(e as Error).message}`}\n`);
          return 1;
        }
        input = compareInputFromJson(doc);
      }
      const report = await compareModels(input!, { nativeAer: createAerHost });
      process.stdout.write(parsed.json ? jsonLine(report) + "\n" : formatComparison(report, { logs: parsed.logs }).join("\n") + "\n");
      return 0;
    },
  },
  run: {
    help: RUN_HELP,
    run: (args) => {
      const i = args.indexOf("--compare");
      if (i >= 0) {
        const file = args[i + 1];
        if (file === undefined || (file.startsWith("--") && file !== "-")) return usage("--compare needs a file (or - for standard input)");
        const rest = args.filter((_, j) => j !== i && j !== i + 1);
        return COMMANDS.compare!.run(["--input", file, ...rest]);
      }
      const parsed = parseRunArgs(args);
      if (typeof parsed === "string") return usage(parsed);
      return runCommand(parsed, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
    },
  },
  report: {
    help: REPORT_HELP,
    run: async (args) => {
      const parsed = parseReportArgs(args);
      if (typeof parsed === "string") return usage(parsed);
      // A run directory (eeh-emu run --out DIR) is drawn as it is; a scenario file is run first.
      const isDir = parsed.input !== "-" && existsSync(parsed.input) && statSync(parsed.input).isDirectory();
      const timeline = isDir ? loadTimelineFromRunDir(parsed.input) : (await runScenarioFile(parsed.input)).timeline;
      const html = renderReport(timeline);
      if (parsed.output === "-") process.stdout.write(html);
      else {
        writeFileSync(parsed.output, html);
        process.stderr.write(`eeh-emu report: wrote ${parsed.output} (${timeline.pes.length} PE lanes, ${timeline.events.length} events, ${timeline.logs.length} platform logs)\n`);
      }
      return 0;
    },
  },
};

function usage(message: string): number {
  process.stderr.write(`eeh-emu: ${message}\n${USAGE}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(USAGE + "\n");
    return cmd === undefined ? 2 : 0;
  }
  const command = COMMANDS[cmd];
  if (!command) return usage(`unknown command "${cmd}"`);
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.help + "\n");
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof EehError) {
      process.stderr.write(`eeh-emu ${cmd}: ${e.message}\n`);
      return 1;
    }
    const io = fileProblem(e);
    if (io) {
      process.stderr.write(`eeh-emu ${cmd}: ${io}\n`);
      return 1;
    }
    throw e;
  }
}

/** A file that cannot be read or written, in one line; undefined for anything else. */
function fileProblem(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  const what: Record<string, string> = { ENOENT: "no such file or directory", EISDIR: "is a directory", ENOTDIR: "not a directory", EACCES: "permission denied", EEXIST: "already exists" };
  if (!err || typeof err.code !== "string" || !(err.code in what)) return undefined;
  return `${err.path ?? "(file)"}: ${what[err.code]}`;
}
