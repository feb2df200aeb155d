// parse(print(x)) keeps everything Linux prints (powernv-opal.md §4), in both formats; and
// no text — random, or a real dump mangled — makes parseKernelLog throw.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DIAG_PRINT_MODELS, parseKernelLog, printPhbDiag, toPhbDiagData, type DumpFormat } from "../../../src/log/dmesg/index.js";
import { arbP7iocDiag, arbPhb3Diag, arbPhb4Diag, arbPhbDiag } from "../../../src/log/opal/arbitraries.js";
import { PHB_DIAG_MODEL_OF, type PhbDiagData } from "../../../src/log/opal/index.js";

const nonZero = (v: unknown): boolean => v !== 0 && v !== 0n && v !== undefined;

function checkRoundTrip(x: PhbDiagData, domain: number, format: DumpFormat): void {
  const lines = printPhbDiag(x, { domain, format });
  const r = parseKernelLog(lines.join("\n"));
  expect(r.dumps).toHaveLength(1);
  expect(r.unknownLines).toBe(0);
  const d = r.dumps[0]!;
  const model = PHB_DIAG_MODEL_OF[x.ioType];
  expect(d.problems).toEqual([]);
  expect(d.model).toBe(model);
  expect(d.version).toBe(x.version);
  expect(d.lines).toEqual(lines.map((_, i) => i + 1));
  if (d.format === "unknown") expect(d.phbText).toBe(lines[0]?.split(/[# ]/)[2]);
  else {
    expect(d.format).toBe(format);
    expect(d.phb).toBe(domain);
  }

  // Every printed line's fields come back with their values; unprinted lines leave no field.
  const xv = x as unknown as Record<string, unknown>;
  const fields = d.fields as Record<string, unknown>;
  for (const line of DIAG_PRINT_MODELS[model].lines) {
    const printed = line.gate.some((f) => nonZero(xv[f]));
    for (const f of line.fields) expect(fields[f]).toBe(printed ? xv[f] : undefined);
  }
  // Every recovered PE entry (printed, or inside an "as above" run) has x's values.
  for (const e of d.pest) {
    expect(e.a).toBe(x.pestA[e.index]);
    expect(e.b).toBe(x.pestB[e.index]);
  }
  // And printing what was recovered gives the same text back.
  const back = toPhbDiagData(d);
  expect(back).toBeDefined();
  expect(printPhbDiag(back!, { domain, format })).toEqual(lines);
}

const domain = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 0xffff }));

describe("parse(print(x)) keeps every printed field", () => {
  it("mainline, all models", () => {
    fc.assert(fc.property(arbPhbDiag({ sparse: true }), domain, (x, dom) => checkRoundTrip(x, dom, "mainline")), { numRuns: 150 });
  });

  it("legacy, P7IOC and PHB3 (the models the old kernels knew)", () => {
    fc.assert(fc.property(fc.oneof(arbP7iocDiag({ sparse: true }), arbPhb3Diag({ sparse: true })), domain, (x, dom) => checkRoundTrip(x, dom, "legacy")), {
      numRuns: 100,
    });
  });

  it("mainline with dense words (most PE entries stopped, few runs)", () => {
    fc.assert(fc.property(fc.oneof(arbP7iocDiag(), arbPhb4Diag()), domain, (x, dom) => checkRoundTrip(x, dom, "mainline")), { numRuns: 15 });
  });

  it("survives timestamps, syslog prefixes and CRLF", () => {
    fc.assert(
      fc.property(arbPhb3Diag({ sparse: true }), fc.nat({ max: 99999 }), (x, t0) => {
        const lines = printPhbDiag(x, { domain: 0 });
        const text = lines.map((l, i) => `Nov 23 18:40:01 host kernel: [${String(t0).padStart(5)}.${String(i).padStart(6, "0")}] ${l}`).join("\r\n");
        const d = parseKernelLog(text).dumps[0];
        expect(d && printPhbDiag(toPhbDiagData(d)!, { domain: 0 })).toEqual(lines);
      }),
      { numRuns: 30 },
    );
  });
});

describe("parseKernelLog never throws", () => {
  const checkSane = (text: string): void => {
    const r = parseKernelLog(text);
    for (const d of r.dumps) {
      for (const l of d.lines) expect(l >= 1 && l <= r.lineCount).toBe(true);
      for (const p of d.problems) expect(p.line >= 1 && p.line <= r.lineCount).toBe(true);
      expect(d.pest.length).toBeLessThanOrEqual(512);
    }
    for (const e of r.events) expect(e.line >= 1 && e.line <= r.lineCount).toBe(true);
  };

  it("on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 2000 }), checkSane), { numRuns: 300 });
  });

  it("on text made of dump and EEH fragments", () => {
    const fragment = fc.constantFrom(
      "PHB3 PHB#",
      "PHB4 PHB#1 Diag-data (Version: 1)",
      "P7IOC PHB#a Diag-data (Version: 9)",
      "brdgCtl:     ",
      "Lem:        ",
      "PE[",
      "PE[..",
      "] A/B: ",
      "as above",
      "8000000000000000",
      "ffffffffffffffff",
      "0fd",
      "  5",
      " ",
      "\n",
      "\r\n",
      "\r",
      "[ 12.5] ",
      "Nov 23 18:40:01 host kernel: ",
      "EEH: ",
      "EEH(3): ",
      "PCI 0000:01:00.0#00fd: EEH: ",
      "Frozen PE#fd on PHB#0 detected",
      "Finished:'",
      "'",
      "00000002",
    );
    fc.assert(fc.property(fc.array(fragment, { maxLength: 200 }), (parts) => checkSane(parts.join(""))), { numRuns: 300 });
  });

  it("on real dumps with lines dropped, cut, duplicated, swapped or joined", () => {
    const edit = fc.record({ kind: fc.constantFrom("drop", "cut", "dup", "swap", "join", "junk"), at: fc.nat(), pos: fc.nat({ max: 90 }) });
    fc.assert(
      fc.property(fc.array(arbPhbDiag({ sparse: true }), { minLength: 1, maxLength: 3 }), fc.array(edit, { maxLength: 12 }), (xs, edits) => {
        const lines = xs.flatMap((x, i) => printPhbDiag(x, { domain: i, format: i % 2 ? "legacy" : "mainline" }));
        for (const e of edits) {
          const i = e.at % lines.length;
          const l = lines[i] ?? "";
          if (e.kind === "drop") lines.splice(i, 1);
          else if (e.kind === "cut") lines[i] = l.slice(0, e.pos);
          else if (e.kind === "dup") lines.splice(i, 0, l);
          else if (e.kind === "swap") [lines[i], lines[(i + 1) % lines.length]] = [lines[(i + 1) % lines.length] ?? "", l];
          else if (e.kind === "join") lines.splice(i, 2, l + (lines[i + 1] ?? ""));
          else lines.splice(i, 0, "EEH: unrelated line");
          if (lines.length === 0) lines.push("");
        }
        checkSane(lines.join("\n"));
      }),
      { numRuns: 150 },
    );
  });

  it("on long pathological lines in bounded time", () => {
    const t = Date.now();
    parseKernelLog(
      [`PE[${" ".repeat(50_000)}`, `EEH: PE location: ${",".repeat(50_000)}`, `brdgCtl:${" 0".repeat(50_000)}`, `[${" ".repeat(50_000)}`, "a ".repeat(50_000)].join("\n"),
    );
    expect(Date.now() - t).toBeLessThan(2000);
  });
});
