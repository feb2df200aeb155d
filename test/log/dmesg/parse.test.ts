import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../src/core/errors.js";
import { parseKernelLog, stripLinePrefix, toPhbDiagData } from "../../../src/log/dmesg/index.js";
import { SECTION_48_DUMP, section48Example } from "../opal/example.js";

const only = <T>(xs: readonly T[]): T => {
  expect(xs).toHaveLength(1);
  return xs[0] as T;
};

describe("stripLinePrefix", () => {
  it.each([
    ["[ 8123.441205] EEH: x", { body: "EEH: x", timestamp: 8123.441205 }],
    ["[    0.000000] Linux version", { body: "Linux version", timestamp: 0 }],
    ["<3>[   12.5] EEH: x", { body: "EEH: x", timestamp: 12.5, level: 3 }],
    ["Nov 23 18:40:01 host kernel: [ 8123.441205] EEH: x", { body: "EEH: x", timestamp: 8123.441205, wallClock: "Nov 23 18:40:01", host: "host" }],
    ["Nov  3 08:00:01 host kernel: EEH: x", { body: "EEH: x", wallClock: "Nov  3 08:00:01", host: "host" }],
    ["2020-11-23T18:40:01.123456+00:00 p9 kernel: EEH: x", { body: "EEH: x", wallClock: "2020-11-23T18:40:01.123456+00:00", host: "p9" }],
    ["[ 8123.441205] p9 kernel: EEH: x", { body: "EEH: x", timestamp: 8123.441205, host: "p9" }],
    ["[Mon Nov 23 18:40:01 2020] EEH: x", { body: "EEH: x", wallClock: "Mon Nov 23 18:40:01 2020" }],
    ["kern  :info  : [ 1.5] EEH: x", { body: "EEH: x", level: "info", timestamp: 1.5 }],
    ["kernel: EEH: x", { body: "EEH: x" }],
    ["EEH: x  \r", { body: "EEH: x" }],
  ])("%j", (raw, expected) => {
    expect(stripLinePrefix(raw)).toMatchObject(expected);
  });

  it("leaves other programs' syslog lines alone", () => {
    expect(stripLinePrefix("Nov 23 18:40:01 host systemd[1]: Started.").prefixed).toBe(false);
  });

  it("is fast on pathological whitespace", () => {
    const t = Date.now();
    stripLinePrefix(`${" ".repeat(200_000)}x${" ".repeat(10)}`);
    expect(Date.now() - t).toBeLessThan(500);
  });
});

describe("parseKernelLog: dumps", () => {
  it("reads the §4.8 dump back to the §4.8 structure", () => {
    const r = parseKernelLog(SECTION_48_DUMP.join("\n"));
    const d = only(r.dumps);
    expect(d).toMatchObject({ model: "PHB3", phb: 0, version: 1, format: "mainline", problems: [], lines: [1, 2, 3, 4, 5, 6, 7] });
    expect(d.labels).toEqual(["brdgCtl", "RootSts", "PhbSts", "Lem", "OutErr"]);
    expect(d.fields).toMatchObject({ brdgCtl: 2, linkStatus: 0x30830008, phbPlssr: 0x1c00000000n, lemErrorMask: 0n, mmioErrorLog0: 0x300000000000n });
    expect(d.pest).toEqual([{ index: 0xfd, a: 0xa440002901000000n, b: 0x8000000000000000n, line: 7, asAbove: false }]);
    expect(toPhbDiagData(d)).toEqual(section48Example());
    expect(r.unknownLines).toBe(0);
  });

  it("expands 'as above' runs to the named index, including the bare all-ones run", () => {
    const r = parseKernelLog(
      ["PHB3 PHB#0 Diag-data (Version: 1)", "PE[..001] A/B: as above", "PE[003] A/B: 8000000000000001 0000000000000000", "PE[..005] A/B: as above"].join("\n"),
    );
    const d = only(r.dumps);
    expect(d.problems).toEqual([]);
    expect(d.pest.map((e) => [e.index, e.a, e.asAbove])).toEqual([
      [0, (1n << 64n) - 1n, true],
      [1, (1n << 64n) - 1n, true],
      [3, 0x8000000000000001n, false],
      [4, 0x8000000000000001n, true],
      [5, 0x8000000000000001n, true],
    ]);
  });

  it("tells legacy from mainline and reads PHB# accordingly", () => {
    const legacy = only(parseKernelLog("PHB3 PHB#10 Diag-data (Version: 1)\nPE[ 12] A/B: 8000000000000000 8000000000000000").dumps);
    expect(legacy).toMatchObject({ format: "legacy", phb: 10, pest: [{ index: 12 }] });
    const mainline = only(parseKernelLog("PHB3 PHB#10 Diag-data (Version: 1)\nPE[012] A/B: 8000000000000000 8000000000000000").dumps);
    expect(mainline).toMatchObject({ format: "mainline", phb: 16, pest: [{ index: 18 }] });
    // 253 as hex would be PE 595, beyond PHB3's 256: only decimal makes sense
    expect(only(parseKernelLog("PHB3 PHB#0 Diag-data (Version: 1)\nPE[253] A/B: 8000000000000000 8000000000000000").dumps)).toMatchObject({ format: "legacy", pest: [{ index: 253 }] });
    expect(only(parseKernelLog("PHB4 PHB#12 Diag-data (Version: 1)").dumps)).toMatchObject({ format: "unknown", phb: 12 });
    expect(only(parseKernelLog("PHB3 PHB#1f Diag-data (Version: 1)").dumps)).toMatchObject({ format: "mainline", phb: 31 });
  });

  it("reports mixed formats", () => {
    const d = only(parseKernelLog("PHB3 PHB#0 Diag-data (Version: 1)\nPE[  1] A/B: 8000000000000000 0000000000000000\nPE[0fd] A/B: 8000000000000000 0000000000000000").dumps);
    expect(d.problems.map((p) => p.kind)).toContain("format");
  });

  it("splits consecutive dumps and dumps whose header was lost", () => {
    const text = [
      ...SECTION_48_DUMP,
      "PhbSts:      0000001c00000000 0000001c00000000", // next dump, header lost
      "PE[001] A/B: 8000000000000000 8000000000000000",
      "PE[001] A/B: 8000000000000000 8000000000000000", // and another (index went back)
      "PHB4 PHB#3 Diag-data (Version: 1)",
      "brdgCtl:    00000002",
    ].join("\n");
    const r = parseKernelLog(text);
    expect(r.dumps.map((d) => [d.model, d.phb, d.lines, d.problems.map((p) => p.kind)])).toEqual([
      ["PHB3", 0, [1, 2, 3, 4, 5, 6, 7], []],
      [undefined, undefined, [8, 9], ["no-header"]],
      [undefined, undefined, [10], ["no-header"]],
      ["PHB4", 3, [11, 12], []],
    ]);
    expect(toPhbDiagData(r.dumps[1]!)).toBeUndefined();
    expect(r.dumps[1]?.fields).toEqual({ phbPlssr: 0x1c00000000n, phbCsr: 0x1c00000000n });
  });

  it("keeps a dump open across interleaved lines, closes it after a long gap", () => {
    const r = parseKernelLog(
      [
        "[ 1.000] PHB3 PHB#0 Diag-data (Version: 1)",
        "[ 1.001] e1000e 0000:01:00.0: something else",
        "[ 1.002] brdgCtl:     00000002",
        "[ 9.000] PE[001] A/B: 8000000000000000 8000000000000000",
      ].join("\n"),
    );
    expect(r.dumps.map((d) => d.lines)).toEqual([[1, 3], [4]]);
    expect(r.unknownLines).toBe(1);
  });

  it("reports cut and malformed lines without throwing", () => {
    const r = parseKernelLog(
      [
        "PHB3 PHB#0 Diag-data (Version: 1)",
        "RootSts:     0008000f 00400000 3083",
        "PhbSts:      0000001c00000000 zz00001c00000000",
        "PE[0fd] A/B: a440002901",
        "PE[..0fe] A/B: as above",
        "PHB3 PHB#0 Diag-da",
      ].join("\n"),
    );
    expect(r.dumps).toHaveLength(2);
    expect(r.dumps[0]?.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, "damaged-line"],
      [3, "damaged-line"],
      [4, "damaged-line"],
      [5, "pest-run"],
    ]);
    expect(r.dumps[0]?.problems[0]?.message).toMatch(/RootSts: expected 5 value\(s\).*found 3/);
    expect(r.dumps[0]?.labels).toEqual([]);
    expect(r.dumps[1]).toMatchObject({ model: "PHB3", phb: 0, version: undefined, problems: [{ line: 6, kind: "damaged-line" }] });
  });

  it("flags labels the model does not print and PE indexes out of range", () => {
    const r = parseKernelLog(["PHB4 PHB#0 Diag-data (Version: 1)", "UtlSts:     00000001 00000000 00000000", "PE[200] A/B: 8000000000000000 8000000000000000"].join("\n"));
    expect(only(r.dumps).problems.map((p) => p.kind)).toEqual(["unexpected-label"]);
    const p7 = parseKernelLog(["P7IOC PHB#0 Diag-data (Version: 1)", "PE[0ff] A/B: 8000000000000000 8000000000000000"].join("\n"));
    expect(only(p7.dumps).problems.map((p) => p.kind)).toEqual(["pest-index"]);
  });

  it("rejoins a line wrapped onto an unprefixed continuation line", () => {
    const r = parseKernelLog(
      [
        "[ 5.0] PHB3 PHB#0 Diag-data (Version: 1)",
        "[ 5.1] OutErr:      0000020000000000 0000020000000000 0000300000000000",
        " 0000000000000000",
        "[ 5.2] PE[0fd] A/B: a440002901000000 80000000",
        "00000000",
      ].join("\n"),
    );
    const d = only(r.dumps);
    expect(d.problems).toEqual([]);
    expect(d.lines).toEqual([1, 2, 3, 4, 5]);
    expect(d.fields.mmioErrorLog1).toBe(0n);
    expect(d.pest[0]?.b).toBe(0x8000000000000000n);
  });

  it("accepts CRLF, CR and a missing final newline", () => {
    for (const sep of ["\r\n", "\r", "\n"]) {
      const r = parseKernelLog(SECTION_48_DUMP.join(sep));
      expect(toPhbDiagData(only(r.dumps))).toEqual(section48Example());
      expect(r.lineCount).toBe(7);
    }
  });

  it("rejects a non-string argument as API misuse", () => {
    expect(() => parseKernelLog(42 as unknown as string)).toThrow(ArgumentError);
  });
});

describe("parseKernelLog: EEH events", () => {
  const ev = (line: string) => only(parseKernelLog(line).events);

  it.each([
    ["EEH: Frozen PE#fd on PHB#0 detected", { kind: "frozen-pe", phb: 0, pe: 0xfd, source: "powernv" }],
    ["EEH: Frozen PHB#1-PE#2a detected", { kind: "frozen-pe", phb: 1, pe: 0x2a, source: "core" }],
    ["EEH: eeh_dev_check_failure: Frozen PHB#1-PE#2a detected", { kind: "frozen-pe", phb: 1, pe: 0x2a }],
    ["EEH: PE location: Slot2, PHB location: N/A", { kind: "pe-location", peLocation: "Slot2", phbLocation: "N/A" }],
    ["EEH: Recovering PHB#0-PE#fd", { kind: "recovering", phb: 0, pe: 0xfd }],
    ["EEH: Recovering PHB#3, location: U78C9.001", { kind: "recovering", phb: 3, location: "U78C9.001" }],
    ["EEH: Fenced PHB#2 detected, location: N/A", { kind: "fenced-phb", phb: 2, location: "N/A" }],
    ["EEH: dead PHB#2 detected, location: N/A", { kind: "dead-phb", phb: 2 }],
    ["EEH: PHB#4 informative error detected, location: N/A", { kind: "phb-informative", phb: 4 }],
    ["EEH: Clear non-existing PHB#0-PE#7", { kind: "clear-non-existing", phb: 0, pe: 7 }],
    ["EEH: PHB#0 failure detected, location: N/A", { kind: "phb-failure", phb: 0 }],
    ["EEH: Call Trace:", { kind: "call-trace" }],
    ["EEH: [c000000000037a5c] eeh_dev_check_failure+0x2b8/0x5f0", { kind: "trace-frame", address: "c000000000037a5c", symbol: "eeh_dev_check_failure+0x2b8/0x5f0" }],
    ["EEH: This PCI device has failed 3 times in the last hour and will be permanently disabled after 5 failures.", { kind: "failed-n-times", count: 3, max: 5 }],
    ["EEH: PHB#0-PE#fd has failed 6 times in the last hour and has been permanently disabled.", { kind: "permanently-disabled", phb: 0, pe: 0xfd, count: 6 }],
    ["EEH: Notify device drivers to shutdown", { kind: "notify-shutdown" }],
    ["EEH: Beginning: 'error_detected(IO frozen)'", { kind: "beginning", name: "error_detected(IO frozen)" }],
    ["EEH: Finished:'error_detected(IO frozen)' with aggregate recovery state:'need reset'", { kind: "finished", name: "error_detected(IO frozen)", aggregate: "need reset" }],
    ["EEH: Finished:'resume'", { kind: "finished", name: "resume" }],
    ["PCI 0000:01:00.0#00fd: EEH: Invoking e1000e->error_detected(IO frozen)", { kind: "driver-invoke", address: "0000:01:00.0", pe: 0xfd, driver: "e1000e", callback: "error_detected", argument: "IO frozen" }],
    ["PCI 0000:01:00.0#00fd: EEH: e1000e driver reports: 'need reset'", { kind: "driver-report", address: "0000:01:00.0", pe: 0xfd, driver: "e1000e", result: "need reset" }],
    ["PCI 0000:01:00.1#00fd: EEH: driver not EEH aware", { kind: "driver-skip", reason: "driver not EEH aware" }],
    ["PCI 0000:01:00.1#00fd: EEH: not actionable (1,1,0)", { kind: "driver-skip", reason: "not actionable (1,1,0)" }],
    ["EEH: Permanent failure", { kind: "permanent-failure" }],
    ["EEH: Collect temporary log", { kind: "collect-log" }],
    ["EEH: Reset with hotplug activity", { kind: "reset", hotplug: true }],
    ["EEH: Reset without hotplug activity", { kind: "reset", hotplug: false }],
    ["EEH: Enable I/O for affected devices", { kind: "enable-io" }],
    ["EEH: Notify device drivers to resume I/O", { kind: "notify-resume-io" }],
    ["EEH: Enabled DMA for affected devices", { kind: "enable-dma" }],
    ["EEH: Notify device driver to resume", { kind: "resume" }],
    ["EEH: Recovery successful.", { kind: "recovery-successful" }],
    ["EEH: Unable to recover from failure from PHB#0-PE#fd.", { kind: "recovery-failed", phb: 0, pe: 0xfd }],
    ["Please try reseating or replacing it", { kind: "reseat-advice" }],
    ["EEH: Failure -5 resetting PHB#0-PE#fd (attempt 2)", { kind: "reset-attempt", outcome: "failure", error: -5, attempt: 2 }],
    ["EEH: PHB#0-PE#fd: Successful reset (attempt 1)", { kind: "reset-attempt", outcome: "success", attempt: 1 }],
    ["EEH: PHB#0-PE#fd: Slot inactive after reset: 0x2 (attempt 3)", { kind: "reset-attempt", outcome: "slot-inactive", state: 2, attempt: 3 }],
    ["EEH: Unrecoverable slot failure on PHB#0-PE#fd", { kind: "unrecoverable-slot", phb: 0, pe: 0xfd }],
    ["EEH: Sleep 5s ahead of partial hotplug", { kind: "hotplug-sleep", scope: "partial" }],
    ["EEH: Removing 0000:01:00.0 without EEH sensitive driver", { kind: "removing-device", device: "0000:01:00.0" }],
    ["EEH: Frozen PHB#0-PE#fd is empty!", { kind: "empty-pe", phb: 0, pe: 0xfd }],
    ["EEH: Failure of PHB#0-PE#5 will be handled at parent PHB#0-PE#4.", { kind: "handled-at-parent", pe: 5, parentPe: 4 }],
    ["EEH: Event dropped due to no_recover setting", { kind: "event-dropped" }],
    ["EEH: PowerNV platform initialized", { kind: "platform-initialized", platform: "PowerNV" }],
    ["EEH: dead IOC detected", { kind: "dead-ioc" }],
    ["pnv_pci_dump_phb_diag_data: Unrecognized ioType 7", { kind: "unrecognized-iotype", ioType: 7 }],
    ["pnv_eeh_get_log: Failure -6 getting PHB#1 diag-data", { kind: "diag-data-failure", rc: -6, phb: 1 }],
    ["eeh_handle_normal_event: Cannot find PCI bus for PHB#0-PE#fd", { kind: "no-pci-bus", phb: 0, pe: 0xfd }],
    ["eeh_handle_normal_event: Unable to reset, err=-5", { kind: "reset-error", err: -5 }],
  ])("%s", (line, expected) => {
    expect(ev(line)).toMatchObject({ ...expected, line: 1, text: line });
  });

  it("carries line numbers, stamps and the EEH(n) recovery number", () => {
    const r = parseKernelLog("noise\nNov 23 18:40:01 h kernel: [ 7.25] EEH(12): Recovering PHB#0-PE#fd\n");
    expect(r.events).toEqual([
      { kind: "recovering", phb: 0, pe: 0xfd, line: 2, timestamp: 7.25, wallClock: "Nov 23 18:40:01", eventId: 12, text: "EEH(12): Recovering PHB#0-PE#fd" },
    ]);
    expect(r.unknownLines).toBe(1);
  });

  it("counts unknown lines, not blank ones", () => {
    const r = parseKernelLog("\n\nEEH: something new\n[ 1.0] \nhello\n");
    expect(r).toMatchObject({ events: [], unknownLines: 2, lineCount: 5 });
  });
});
