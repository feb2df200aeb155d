// The hand-written captures in fixtures/opal/ (see its README), parsed and checked.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseKernelLog, printPhbDiag, toPhbDiagData, type KernelLogParse, type ParsedPhbDump } from "../../../src/log/dmesg/index.js";
import { decodePestA, decodePestB, encodePhbDiag, decodePhbDiag } from "../../../src/log/opal/index.js";
import { section48Example } from "../opal/example.js";

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/opal/${name}`, import.meta.url), "utf8");
const parse = (name: string): KernelLogParse => parseKernelLog(fixture(name));
const kinds = (r: KernelLogParse): string[] => r.events.map((e) => e.kind);

/** The dump's own lines, prefixes stripped, equal Linux' print of what was recovered. */
function reprints(text: string, d: ParsedPhbDump, domain: number): void {
  const raw = text.split(/\r\n|\n/);
  const bodies = d.lines.map((n) => raw[n - 1]!.replace(/^.*?\] /, ""));
  expect(printPhbDiag(toPhbDiagData(d)!, { domain, format: d.format === "legacy" ? "legacy" : "mainline" })).toEqual(bodies);
}

describe("phb3-mainline-recovery.dmesg (§4.8 in a full recovery)", () => {
  const r = parse("phb3-mainline-recovery.dmesg");

  it("holds the §4.8 dump, byte-for-byte the §4.8 structure", () => {
    expect(r.dumps).toHaveLength(1);
    const d = r.dumps[0]!;
    expect(d).toMatchObject({ model: "PHB3", phb: 0, version: 1, format: "mainline", problems: [], timestamp: 8123.44165 });
    expect(d.lines).toEqual([18, 19, 20, 21, 22, 23, 24]);
    expect(encodePhbDiag(toPhbDiagData(d)!)).toEqual(encodePhbDiag(section48Example()));
    reprints(fixture("phb3-mainline-recovery.dmesg"), d, 0);
  });

  it("decodes the PE#fd PEST pair as in §4.8", () => {
    const e = r.dumps[0]!.pest[0]!;
    expect(e.index).toBe(0xfd);
    expect(decodePestA(e.a)).toMatchObject({ mmioFrozen: true, mmioCause: true, ttypeName: "MMIO load", ur: true, lemBit: 41, rid: 0x100 });
    expect(decodePestB(e.b).dmaStopped).toBe(true);
  });

  it("reads the recovery as events in order", () => {
    expect(kinds(r)).toEqual([
      "frozen-pe", "pe-location", "recovering", "pe-location", "frozen-pe", "call-trace", "trace-frame", "trace-frame", "trace-frame",
      "failed-n-times", "notify-shutdown", "beginning", "driver-invoke", "driver-report", "finished", "collect-log",
      "reset", "reset-attempt", "beginning", "driver-invoke", "driver-report", "finished", "resume", "beginning", "driver-invoke",
      "driver-report", "finished", "recovery-successful",
    ]);
    expect(r.events[0]).toMatchObject({ kind: "frozen-pe", phb: 0, pe: 0xfd, line: 2, timestamp: 8123.441205 });
    expect(r.events.find((e) => e.kind === "failed-n-times")).toMatchObject({ count: 1, max: 5 });
    expect(r.events.filter((e) => e.kind === "driver-report").map((e) => e.kind === "driver-report" && e.result)).toEqual(["need reset", "recovered", "none"]);
    expect(r.events.find((e) => e.kind === "finished")).toMatchObject({ name: "error_detected(IO frozen)", aggregate: "need reset" });
    expect(r.unknownLines).toBe(2); // the two e1000e link lines
  });
});

describe("phb3-legacy.dmesg (old kernel: PHB#%d, PE[%3d])", () => {
  const r = parse("phb3-legacy.dmesg");

  it("reads the dump as legacy, PHB# decimal, every stopped PE listed", () => {
    expect(r.dumps).toHaveLength(1);
    const d = r.dumps[0]!;
    expect(d).toMatchObject({ model: "PHB3", phb: 10, phbText: "10", format: "legacy", problems: [] });
    expect(d.labels).toEqual(["brdgCtl", "RootSts", "RootErrSts", "PhbSts", "Lem", "InAErr"]);
    expect(d.fields).toMatchObject({ uncorrErrorStatus: 0x00100000, corrErrorStatus: 0x2000, dma0ErrorStatus: 0x40n, dma0ErrorLog1: 0xf0000000n });
    expect(d.pest.map((e) => [e.index, e.asAbove])).toEqual([
      [5, false],
      [252, false],
      [253, false],
    ]);
    const a = decodePestA(d.pest[1]!.a);
    expect(a).toMatchObject({ ttypeName: "DMA read", tcePageFault: true, lemBit: 11, rid: 0x100 });
    expect(decodePestB(d.pest[1]!.b)).toMatchObject({ dmaStopped: true, failingAddress: 0xf0000000n });
    reprints(fixture("phb3-legacy.dmesg"), d, 10);
  });

  it("the EEH lines name the same PHB in hex", () => {
    expect(r.events[0]).toMatchObject({ kind: "frozen-pe", phb: 10, pe: 0xfc });
    expect(r.events.filter((e) => e.kind === "finished").map((e) => e.kind === "finished" && e.aggregate)).toEqual(["can recover", "need reset", "recovered", undefined]);
    expect(kinds(r)).toContain("enable-io");
    expect(kinds(r).at(-1)).toBe("recovery-successful");
    expect(r.unknownLines).toBe(0);
  });
});

describe("syslog-two-dumps.log (CRLF, syslog prefixes, interleaved lines, PHB3 + PHB4)", () => {
  const text = fixture("syslog-two-dumps.log");
  const r = parseKernelLog(text);

  it("finds both dumps with their stamps and skips the interleaved lines", () => {
    expect(r.dumps.map((d) => [d.model, d.phb, d.format, d.problems.length, d.wallClock, d.timestamp])).toEqual([
      ["PHB3", 0, "mainline", 0, "Nov 23 18:40:01", 9001.1002],
      ["PHB4", 1, "mainline", 0, "Nov 23 18:41:07", 9067.5013],
    ]);
    expect(r.dumps[0]!.lines).not.toContain(7); // the mlx5 line inside the dump
    expect(r.unknownLines).toBe(3); // systemd, mlx5, rsyslogd
  });

  it("PHB3: the PELT-V run PE 2..4 expanded from 'as above'", () => {
    const d = r.dumps[0]!;
    expect(d.pest.map((e) => [e.index, e.asAbove])).toEqual([
      [2, false],
      [3, true],
      [4, true],
      [16, false],
    ]);
    expect(new Set(d.pest.slice(0, 3).map((e) => e.a))).toEqual(new Set([0x8200200802000000n]));
    expect(decodePestA(d.pest[0]!.a)).toMatchObject({ ttypeName: "DMA read", tcePageFault: true, lemBit: 8, rid: 0x200 });
    reprints(text, d, 0);
  });

  it("PHB4: 12-column lines, and the run reaching PE 511 shows only its head", () => {
    const d = r.dumps[1]!;
    expect(d.labels).toEqual(["brdgCtl", "RootSts", "sourceId", "PhbSts", "Lem", "RxeTceErr", "PcieDlp"]);
    expect(d.fields).toMatchObject({ sourceId: 0x100, phbRxeTceErrorStatus: 0x200000000n, phbPcieDlpErrorStatus: 0x1000n, phbPcieDlpErrorLog1: 0n });
    expect(d.pest.map((e) => e.index)).toEqual([0x1f, 0x1fe]);
    expect(decodePestA(d.pest[0]!.a)).toMatchObject({ ttypeName: "DMA write", tceAccessFault: true, lemBit: 35, rid: 0x100 });
    reprints(text, d, 1);
    // The structure survives the binary codec too.
    const x = toPhbDiagData(d)!;
    expect(decodePhbDiag(encodePhbDiag(x))).toEqual(x);
  });

  it("reads the EEH lines around the dumps", () => {
    expect(r.events.map((e) => [e.kind, e.line])).toEqual([
      ["frozen-pe", 1],
      ["pe-location", 2],
      ["frozen-pe", 15],
      ["pe-location", 16],
      ["recovering", 27],
    ]);
    expect(r.events[3]).toMatchObject({ peLocation: "UOPWR.1234567-Node0-Slot3", phbLocation: "UOPWR.1234567-Node0" });
  });
});

describe("truncated-dump.dmesg (cut, wrapped and lost lines)", () => {
  const r = parse("truncated-dump.dmesg");

  it("keeps what survived of the first dump and says what was cut", () => {
    const d = r.dumps[0]!;
    expect(d).toMatchObject({ model: "PHB3", phb: 2, format: "mainline" });
    expect(d.labels).toEqual(["brdgCtl", "PhbSts"]);
    expect(d.fields.mmioErrorStatus).toBeUndefined();
    expect(d.problems).toEqual([{ line: 6, kind: "damaged-line", message: expect.stringMatching(/^OutErr: expected 4 value/) }]);
    // the wrapped PE line (lines 7-8) was rejoined
    expect(d.pest).toEqual([{ index: 7, a: 0xa440002907000000n, b: 0x8000000000000000n, line: 7, asAbove: false }]);
    expect(d.lines).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it("reports the second dump as headless with a cut last line", () => {
    expect(r.dumps).toHaveLength(2);
    const d = r.dumps[1]!;
    expect(d).toMatchObject({ model: undefined, phb: undefined, labels: ["PhbSts", "Lem"], pest: [] });
    expect(d.problems.map((p) => [p.line, p.kind])).toEqual([
      [12, "no-header"],
      [14, "damaged-line"],
    ]);
    expect(toPhbDiagData(d)).toBeUndefined();
  });

  it("still reads the EEH lines", () => {
    expect(r.events.map((e) => [e.kind, e.line])).toEqual([
      ["frozen-pe", 1],
      ["pe-location", 2],
      ["recovering", 9],
      ["pe-location", 10],
      ["frozen-pe", 11],
    ]);
    expect(r.unknownLines).toBe(0);
  });
});
