import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../src/core/errors.js";
import { printPhbDiag, printPestLines } from "../../../src/log/dmesg/index.js";
import { zeroPhbDiag, type PhbDiagData } from "../../../src/log/opal/index.js";
import { SECTION_48_DUMP, section48Example } from "../opal/example.js";

const ONES = (1n << 64n) - 1n;
const S = 0x8000000000000000n; // PNV_IODA_STOPPED_STATE

function pest(n: number, entries: Record<number, [bigint, bigint]>): { pestA: bigint[]; pestB: bigint[] } {
  const pestA = new Array<bigint>(n).fill(0n);
  const pestB = new Array<bigint>(n).fill(0n);
  for (const [i, [a, b]] of Object.entries(entries)) {
    pestA[Number(i)] = a;
    pestB[Number(i)] = b;
  }
  return { pestA, pestB };
}

const print = (d: PhbDiagData, domain = 0, format: "mainline" | "legacy" = "mainline"): string[] => printPhbDiag(d, { domain, format });

describe("printPhbDiag", () => {
  it("reproduces the §4.8 example exactly", () => {
    expect(print(section48Example())).toEqual(SECTION_48_DUMP);
  });

  it("prints the §4.8 example the old way: PE[253], decimal", () => {
    expect(print(section48Example(), 0, "legacy")).toEqual([...SECTION_48_DUMP.slice(0, -1), "PE[253] A/B: a440002901000000 8000000000000000"]);
  });

  it("prints only the header for an all-zero blob", () => {
    expect(print(zeroPhbDiag(1))).toEqual(["P7IOC PHB#0 Diag-data (Version: 1)"]);
    expect(print(zeroPhbDiag(3))).toEqual(["PHB4 PHB#0 Diag-data (Version: 1)"]);
  });

  it("prints PHB# in hex for P7IOC/PHB3, decimal for PHB4 and for the legacy format", () => {
    expect(print(zeroPhbDiag(1), 26)[0]).toBe("P7IOC PHB#1a Diag-data (Version: 1)");
    expect(print(zeroPhbDiag(2), 26)[0]).toBe("PHB3 PHB#1a Diag-data (Version: 1)");
    expect(print(zeroPhbDiag(3), 26)[0]).toBe("PHB4 PHB#26 Diag-data (Version: 1)");
    expect(print(zeroPhbDiag(2), 26, "legacy")[0]).toBe("PHB3 PHB#26 Diag-data (Version: 1)");
  });

  describe("gates test only the listed words (§4.2)", () => {
    it("Lem prints on lemFir alone, never on mask/WOF alone", () => {
      expect(print({ ...zeroPhbDiag(2), lemErrorMask: 1n, lemWOF: 2n })).toHaveLength(1);
      expect(print({ ...zeroPhbDiag(2), lemFir: 1n }).slice(1)).toEqual(["Lem:         0000000000000001 0000000000000000 0000000000000000"]);
    });

    it.each([
      ["phb", "PhbErr"],
      ["mmio", "OutErr"],
      ["dma0", "InAErr"],
      ["dma1", "InBErr"],
    ])("%s group: status word gates; first/log words alone print nothing", (p, label) => {
      const quiet = { ...zeroPhbDiag(2), [`${p}FirstErrorStatus`]: 5n, [`${p}ErrorLog0`]: 6n, [`${p}ErrorLog1`]: 7n } as PhbDiagData;
      expect(print(quiet)).toHaveLength(1);
      const loud = { ...quiet, [`${p}ErrorStatus`]: 1n } as PhbDiagData;
      expect(print(loud).slice(1)).toEqual([`${`${label}:`.padEnd(13)}0000000000000001 0000000000000005 0000000000000006 0000000000000007`]);
    });

    it("a non-zero word prints its whole line, siblings included", () => {
      expect(print({ ...zeroPhbDiag(2), busAgentStatus: 0xabc }).slice(1)).toEqual(["UtlSts:      00000000 00000000 00000abc"]);
      expect(print({ ...zeroPhbDiag(2), correlator: 1n }).slice(1)).toEqual(["RootErrLog1: 00000000 0000000000000000 0000000000000001"]);
      expect(print({ ...zeroPhbDiag(2), tlpHdr3: 0x40 }).slice(1)).toEqual(["RootErrLog:  00000000 00000000 00000040 00000000"]);
      expect(print({ ...zeroPhbDiag(2), corrErrorStatus: 0x2000 }).slice(1)).toEqual(["RootErrSts:  00000000 00000000 00002000"]);
      expect(print({ ...zeroPhbDiag(2), phbCsr: 1n }).slice(1)).toEqual(["PhbSts:      0000000000000000 0000000000000001"]);
    });

    it("nFir: PHB3 only, gated on nFir (mask/WOF alone print nothing); P7IOC never", () => {
      expect(print({ ...zeroPhbDiag(2), nFirMask: 1n })).toHaveLength(1);
      expect(print({ ...zeroPhbDiag(2), nFir: 0x8000n, nFirWOF: 1n }).slice(1)).toEqual(["nFir:        0000000000008000 0000000000000000 0000000000000001"]);
      expect(print({ ...zeroPhbDiag(1), p7iocPlssr: 1n }).slice(1)).toEqual(["PhbSts:      0000000000000001 0000000000000000"]);
    });

    it("rsv3 and padding are never printed", () => {
      expect(print({ ...zeroPhbDiag(2), rsv3: 1 })).toHaveLength(1);
    });
  });

  describe("PHB4 (§4.3)", () => {
    it("12-column labels, sourceId alone, PcieDlp gated on its status and printed log1, log2, status", () => {
      const d = {
        ...zeroPhbDiag(3),
        brdgCtl: 2,
        sourceId: 0x100,
        nFir: 1n,
        phbTxeErrorStatus: 0x28n,
        phbPcieDlpErrorLog1: 0x11n,
        phbPcieDlpErrorLog2: 0x22n,
        phbPcieDlpErrorStatus: 0x33n,
        phbRegbErrorStatus: 4n,
        phbPblErrorStatus: 3n,
      } as PhbDiagData;
      expect(print(d, 7)).toEqual([
        "PHB4 PHB#7 Diag-data (Version: 1)",
        "brdgCtl:    00000002",
        "sourceId:   00000100",
        "nFir:       0000000000000001 0000000000000000 0000000000000000",
        "PhbTxeErr:  0000000000000028 0000000000000000 0000000000000000 0000000000000000",
        "PblErr:     0000000000000003 0000000000000000 0000000000000000 0000000000000000",
        "PcieDlp:    0000000000000011 0000000000000022 0000000000000033",
        "RegbErr:    0000000000000004 0000000000000000 0000000000000000 0000000000000000",
      ]);
      expect(print({ ...zeroPhbDiag(3), phbPcieDlpErrorLog1: 1n })).toHaveLength(1);
    });

    it("prints every register group under its label", () => {
      const d = { ...zeroPhbDiag(3), phbRxeArbErrorStatus: 1n, phbRxeMrgErrorStatus: 2n, phbRxeTceErrorStatus: 3n, phbErrorStatus: 4n } as PhbDiagData;
      expect(print(d).slice(1).map((l) => l.slice(0, 12))).toEqual(["PhbErr:     ", "RxeArbErr:  ", "RxeMrgErr:  ", "RxeTceErr:  "]);
    });
  });

  it("rejects a bad domain", () => {
    expect(() => print(zeroPhbDiag(2), -1)).toThrow(ArgumentError);
    expect(() => print(zeroPhbDiag(2), 1.5)).toThrow(ArgumentError);
  });
});

describe("PE lines (§4.4)", () => {
  const lines = (n: number, e: Record<number, [bigint, bigint]>, format: "mainline" | "legacy" = "mainline"): string[] => {
    const { pestA, pestB } = pest(n, e);
    return printPestLines(pestA, pestB, format);
  };
  const X: [bigint, bigint] = [S | 0x1234n, S];

  it("collapses a run to its first line plus one 'as above' naming the run's last index", () => {
    expect(lines(16, { 2: X, 3: X, 4: X })).toEqual(["PE[002] A/B: 8000000000001234 8000000000000000", "PE[..004] A/B: as above"]);
  });

  it("a run reaching the last index never gets its 'as above' line", () => {
    expect(lines(8, { 6: X, 7: X })).toEqual(["PE[006] A/B: 8000000000001234 8000000000000000"]);
  });

  it("never prints entries with neither word stopped, even in runs", () => {
    expect(lines(8, { 1: [0x7fffn, 0n], 2: [0x7fffn, 0n], 4: [0n, S] })).toEqual(["PE[004] A/B: 0000000000000000 8000000000000000"]);
  });

  it("a stopped PESTB alone is enough", () => {
    expect(lines(4, { 1: [0n, S | 0xf000n] })).toEqual(["PE[001] A/B: 0000000000000000 800000000000f000"]);
  });

  it("adjacent different entries print separately; a changed value ends a run", () => {
    const Y: [bigint, bigint] = [S, S];
    expect(lines(8, { 0: X, 1: X, 2: Y, 3: Y, 5: X })).toEqual([
      "PE[000] A/B: 8000000000001234 8000000000000000",
      "PE[..001] A/B: as above",
      "PE[002] A/B: 8000000000000000 8000000000000000",
      "PE[..003] A/B: as above",
      "PE[005] A/B: 8000000000001234 8000000000000000",
    ]);
  });

  it("leading all-ones entries match Linux' initial prev: no entry line, a bare 'as above'", () => {
    expect(lines(8, { 0: [ONES, ONES], 1: [ONES, ONES] })).toEqual(["PE[..001] A/B: as above"]);
    expect(lines(4, { 0: [ONES, ONES], 1: [ONES, ONES], 2: [ONES, ONES], 3: [ONES, ONES] })).toEqual([]);
  });

  it("uses 3 lowercase hex digits up to PE 511", () => {
    expect(lines(512, { 0x1ab: X })).toEqual(["PE[1ab] A/B: 8000000000001234 8000000000000000"]);
  });

  it("legacy: every stopped entry, PE[%3d] decimal space-padded, no collapsing", () => {
    expect(lines(300, { 5: X, 12: X, 13: X, 253: X }, "legacy")).toEqual([
      "PE[  5] A/B: 8000000000001234 8000000000000000",
      "PE[ 12] A/B: 8000000000001234 8000000000000000",
      "PE[ 13] A/B: 8000000000001234 8000000000000000",
      "PE[253] A/B: 8000000000001234 8000000000000000",
    ]);
  });
});
