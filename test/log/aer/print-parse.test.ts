// AER log lines (aer-xen.md §2.2, §2.3, §4.2): exact shapes per kernel generation, print →
// parse identity, tolerance of real-capture variants, and arbitrary text never crashing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbAerLine } from "../../../src/log/aer/arbitraries.js";
import { parseAerLine } from "../../../src/log/aer/parse-line.js";
import { parseAerLog } from "../../../src/log/aer/parse-log.js";
import { printAerLine } from "../../../src/log/aer/print.js";
import { printAerTraceEvent } from "../../../src/log/aer/trace.js";
import { AER_LOG_FORMATS, aerAgent, aerBitName, aerLayer } from "../../../src/log/aer/names.js";
import type { AerLine } from "../../../src/log/aer/lines.js";
import * as R from "../../../src/pci/regs.js";

const RP = { driver: "pcieport", address: "0000:00:1c.5" };
const EP = { driver: "igb", address: "0000:03:00.0" };

describe("printed shapes by generation (§2.2)", () => {
  const root = (source: string | number, noDetails = false): AerLine => ({ dev: RP, body: { kind: "root", severity: "correctable", multiple: false, source, noDetails } });
  it("root line: (A) id=%04x, (B) BDF, (C) 'error message received from' with the unclosed '(no details found'", () => {
    expect(printAerLine(root(0x00e5), "legacy")).toBe("pcieport 0000:00:1c.5: AER: Corrected error received: id=00e5");
    expect(printAerLine(root("0000:03:00.0"), "v4.19")).toBe("pcieport 0000:00:1c.5: AER: Corrected error received: 0000:03:00.0");
    expect(printAerLine(root("0000:03:00.0"), "mainline")).toBe("pcieport 0000:00:1c.5: AER: Correctable error message received from 0000:03:00.0");
    expect(printAerLine(root("0000:03:00.0", true), "mainline")).toBe("pcieport 0000:00:1c.5: AER: Correctable error message received from 0000:03:00.0 (no details found");
    expect(printAerLine({ dev: RP, body: { kind: "root", severity: "fatal", multiple: true, source: "0000:03:00.0", noDetails: false } }, "v4.19")).toBe(
      "pcieport 0000:00:1c.5: AER: Multiple Uncorrected (Fatal) error received: 0000:03:00.0",
    );
  });
  it("device printout: pci_printk lines without `AER: `, TLP and Inaccessible with it (B/C)", () => {
    const lines: AerLine[] = [
      { dev: EP, body: { kind: "bus-error", severity: "nonfatal", layer: "Transaction Layer", agent: "Requester ID" } },
      { dev: EP, body: { kind: "device", vendor: 0x8086, device: 0x10c9, status: 0x00100000, mask: 0x00400000 } },
      { dev: EP, body: { kind: "bit", bit: 20, name: "UnsupReq", first: true } },
      { dev: EP, body: { kind: "tlp", dwords: [0x40000001, 0xf, 0xfee00000, 0], flit: false, prefixes: [] } },
      { dev: EP, body: { kind: "inaccessible", severity: "fatal" } },
      { dev: EP, body: { kind: "agent-first" } },
    ];
    expect(lines.map((l) => printAerLine(l, "v4.19"))).toEqual([
      "igb 0000:03:00.0: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, (Requester ID)",
      "igb 0000:03:00.0:   device [8086:10c9] error status/mask=00100000/00400000",
      "igb 0000:03:00.0:    [20] UnsupReq               (First)",
      "igb 0000:03:00.0: AER:   TLP Header: 40000001 0000000f fee00000 00000000",
      "igb 0000:03:00.0: AER: PCIe Bus Error: severity=Uncorrected (Fatal), type=Inaccessible, (Unregistered Agent ID)",
      "igb 0000:03:00.0: AER:   Error of this Agent is reported first",
    ]);
    expect(printAerLine(lines[3]!, "mainline")).toBe("igb 0000:03:00.0: AER:   TLP Header: 0x40000001 0x0000000f 0xfee00000 0x00000000");
    expect(printAerLine({ body: { kind: "tlp", dwords: [1, 2, 3, 4], flit: false, prefixes: [5] } }, "mainline")).toBe("AER:   TLP Header: 0x00000001 0x00000002 0x00000003 0x00000004 E-E Prefixes: 0x00000005");
    expect(printAerLine({ body: { kind: "tlp", dwords: [1, 2, 3, 4, 5], flit: true, prefixes: [] } }, "mainline")).toBe("AER:   TLP Header (Flit): 0x00000001 0x00000002 0x00000003 0x00000004 0x00000005");
  });
  it("(A): id=%04x(agent), Unaccessible, long names, 'Error of this Agent(%04x)'", () => {
    expect(printAerLine({ dev: EP, body: { kind: "bus-error", severity: "correctable", layer: "Physical Layer", agent: "Receiver ID", id: 0x0300 } }, "legacy")).toBe(
      "igb 0000:03:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, id=0300(Receiver ID)",
    );
    expect(printAerLine({ dev: EP, body: { kind: "inaccessible", severity: "fatal", id: 0x0300 } }, "legacy")).toBe(
      "igb 0000:03:00.0: PCIe Bus Error: severity=Uncorrected (Fatal), type=Unaccessible, id=0300(Unregistered Agent ID)",
    );
    expect(printAerLine({ dev: EP, body: { kind: "agent-first", id: 0x0300 } }, "legacy")).toBe("igb 0000:03:00.0:   Error of this Agent(0300) is reported first");
    expect(aerBitName("fatal", 18, "legacy")).toBe("Malformed TLP");
    expect(aerBitName("fatal", 5, "legacy")).toBe("Unknown Error Bit"); // SDES has no old name
    expect(aerBitName("correctable", 8, "legacy")).toBe("RELAY_NUM Rollover");
    expect(aerBitName("correctable", 14, "mainline")).toBe("CorrIntErr");
    expect(aerBitName("fatal", 27, "mainline")).toBe("Unknown Error Bit");
  });
  it("recovery (§2.3), DPC and aer_inject lines", () => {
    const p = (body: AerLine["body"], dev = RP): string => printAerLine({ dev, body }, "mainline");
    expect(p({ kind: "cant-recover-transition", from: 3, to: 2 }, EP)).toBe("igb 0000:03:00.0: AER: can't recover (state transition 3 -> 2 invalid)");
    expect(p({ kind: "cant-recover-no-callback" }, EP)).toBe("igb 0000:03:00.0: AER: can't recover (no error_detected callback)");
    expect(p({ kind: "link-reset", port: "Root", rc: 0 })).toBe("pcieport 0000:00:1c.5: AER: Root Port link has been reset (0)");
    expect(p({ kind: "flr-reset", rc: -25 })).toBe("pcieport 0000:00:1c.5: AER: not reset (no FLR support: -25)");
    expect(p({ kind: "enabled", irq: 122 })).toBe("pcieport 0000:00:1c.5: AER: enabled with IRQ 122");
    expect(p({ kind: "dpc-containment", status: 0x1f01, source: 0x0500 })).toBe("pcieport 0000:00:1c.5: DPC: containment event, status:0x1f01 source:0x0500");
    expect(p({ kind: "inject", cor: 0x40, uncor: 0, target: "0000:e9:00.0" })).toBe("pcieport 0000:00:1c.5: aer_inject: Injecting errors 00000040/00000000 into device 0000:e9:00.0");
  });
});

describe("layer / agent classification (§1.3, from the raw status)", () => {
  it.each([
    ["correctable", R.PCI_ERR_COR_RCVR | R.PCI_ERR_COR_BAD_TLP, "Physical Layer", "Receiver ID"],
    ["correctable", R.PCI_ERR_COR_BAD_DLLP, "Data Link Layer", "Receiver ID"],
    ["correctable", R.PCI_ERR_COR_REP_ROLL, "Data Link Layer", "Transmitter ID"],
    ["correctable", R.PCI_ERR_COR_REP_TIMER, "Data Link Layer", "Transmitter ID"],
    ["correctable", R.PCI_ERR_COR_ADV_NFAT, "Transaction Layer", "Receiver ID"],
    ["fatal", R.PCI_ERR_UNC_DLP, "Data Link Layer", "Receiver ID"],
    ["fatal", R.PCI_ERR_UNC_SURPDN, "Transaction Layer", "Receiver ID"],
    ["nonfatal", R.PCI_ERR_UNC_COMP_ABORT | R.PCI_ERR_UNC_COMP_TIME, "Transaction Layer", "Completer ID"],
    ["nonfatal", R.PCI_ERR_UNC_COMP_TIME, "Transaction Layer", "Requester ID"],
    ["nonfatal", R.PCI_ERR_UNC_UNSUP, "Transaction Layer", "Requester ID"],
    ["fatal", R.PCI_ERR_UNC_MALF_TLP, "Transaction Layer", "Receiver ID"],
  ] as const)("%s %s → %s, %s", (sev, status, layer, agent) => {
    expect(aerLayer(sev, status)).toBe(layer);
    expect(aerAgent(sev, status)).toBe(agent);
  });
});

describe("parse", () => {
  it("print → parse is the identity, for every generation", () => {
    for (const format of AER_LOG_FORMATS) {
      fc.assert(
        fc.property(arbAerLine(format), (line) => {
          const text = printAerLine(line, format);
          const p = parseAerLine(text);
          expect(p?.line).toEqual(line);
          if (line.body.kind === "root") expect(p?.formats).toContain(typeof line.body.source === "number" ? "legacy" : format);
        }),
        { numRuns: 300 },
      );
    }
  });
  it("accepts the variants real captures hold", () => {
    // 5.x: `AER: ` also on the pci_printk lines; unpadded bit names; a closed "(no details found)".
    expect(parseAerLine("igb 0000:03:00.0: AER:    [20] UnsupReq")?.line.body).toEqual({ kind: "bit", bit: 20, name: "UnsupReq", first: false });
    expect(parseAerLine("igb 0000:03:00.0: AER: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, (Requester ID)")?.formats).toEqual(["v4.19"]);
    expect(parseAerLine("pcieport 0000:00:1c.5: AER: Correctable error message received from 0000:03:00.0 (no details found)")?.line.body).toMatchObject({ kind: "root", noDetails: true });
    expect(parseAerLine("   [ 0] RxErr                  (First)")?.line.body).toEqual({ kind: "bit", bit: 0, name: "RxErr", first: true });
    expect(parseAerLine("pcieport 0000:00:00.0: AER: Device recovery successful")?.line.body).toEqual({ kind: "recovery-successful" });
    expect(parseAerLine("aer_inject: Injecting errors 00000040/00000000 into device 0000:e9:00.0")?.line).toEqual({ body: { kind: "inject", cor: 0x40, uncor: 0, target: "0000:e9:00.0" } });
    expect(parseAerLine("EEH: Frozen PHB#0-PE#fb detected")).toBeUndefined();
    expect(parseAerLine("   [40] RxErr")).toBeUndefined(); // no such bit
  });
  it("assembles reports: root line, devices, bits, TLP, then recovery events", () => {
    const text = [
      "[ 1.0] pcieport 0000:00:1c.5: AER: Multiple Uncorrected (Non-Fatal) error received: 0000:03:00.0",
      "[ 1.0] igb 0000:03:00.0: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, (Requester ID)",
      "[ 1.0] igb 0000:03:00.0:   device [8086:10c9] error status/mask=00100000/00400000",
      "[ 1.0] igb 0000:03:00.0:    [20] UnsupReq               (First)",
      "[ 1.0] something else entirely",
      "[ 1.0] igb 0000:03:00.0: AER:   TLP Header: 40000001 0000000f fee00000 00000000",
      "[ 1.0] igb 0000:03:00.0: AER:   Error of this Agent is reported first",
      "[ 1.0] igb 0000:04:00.0: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, (Completer ID)",
      "[ 1.0] igb 0000:04:00.0:   device [8086:10c9] error status/mask=00008000/00400000",
      "[ 1.0] igb 0000:04:00.0:    [15] CmpltAbrt              (First)",
      "[ 1.1] pcieport 0000:00:1c.5: AER: device recovery successful",
    ].join("\n");
    const p = parseAerLog(text);
    expect(p.unknownLines).toBe(1);
    expect(p.reports).toHaveLength(1);
    const r = p.reports[0]!;
    expect(r.root).toEqual({ port: RP, severity: "nonfatal", multiple: true, source: "0000:03:00.0", noDetails: false });
    expect(r.formats).toEqual(["v4.19"]);
    expect(r.devices.map((d) => [d.dev?.address, d.status, d.bits.map((b) => b.bit), d.reportedFirst])).toEqual([
      ["0000:03:00.0", 0x00100000, [20], true],
      ["0000:04:00.0", 0x00008000, [15], false],
    ]);
    expect(r.devices[0]!.tlp?.dwords).toEqual([0x40000001, 0xf, 0xfee00000, 0]);
    expect(p.events.map((e) => e.body.kind)).toEqual(["recovery-successful"]);
    expect(p.events[0]!.timestamp).toBe(1.1);
  });
  it("arbitrary text: never throws, never matches a detail line without a report", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseAerLine(s);
        const p = parseAerLog(s);
        expect(p.lineCount).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom("AER: ", "PCIe Bus Error: ", "   [", "] ", "TLP Header: ", "0x", "igb 0000:03:00.0: ", "severity=", "(First)", "\n"), fc.string({ maxLength: 8 })), { maxLength: 40 }), (parts) => {
        parseAerLog(parts.join(""));
      }),
      { numRuns: 500 },
    );
  });
});

describe("the ras:aer_event trace line (§7)", () => {
  it("trace flag names joined by '|', the TLP header or 'Not available'", () => {
    expect(printAerTraceEvent({ devName: "0000:03:00.0", status: R.PCI_ERR_UNC_MALF_TLP | R.PCI_ERR_UNC_UNSUP, severity: "fatal", tlpHeaderValid: true, tlpHeader: [0x4a000001, 1, 2, 3] })).toBe(
      "0000:03:00.0 PCIe Bus Error: severity=Fatal, Malformed TLP|Unsupported Request Error, TLP Header={0x4a000001,0x1,0x2,0x3}",
    );
    expect(printAerTraceEvent({ devName: "0000:03:00.0", status: R.PCI_ERR_COR_BAD_TLP | 0x10000, severity: "correctable", tlpHeaderValid: false, tlpHeader: [] })).toBe(
      "0000:03:00.0 PCIe Bus Error: severity=Corrected, Bad TLP|0x10000, TLP Header=Not available",
    );
  });
});

