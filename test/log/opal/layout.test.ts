// Every field offset and struct size pinned to powernv-opal.md §3, transcribed here from
// the spec tables independently of src/log/opal/layout.ts.

import { describe, expect, it } from "vitest";
import {
  OPAL_P7IOC_NUM_PEST_REGS,
  OPAL_P7IOC_PHB_ERROR_DATA_SIZE,
  OPAL_PHB3_ERROR_DATA_SIZE,
  OPAL_PHB3_NUM_PEST_REGS,
  OPAL_PHB4_ERROR_DATA_SIZE,
  OPAL_PHB4_NUM_PEST_REGS,
  OPAL_PHB_ERROR_DATA_TYPE_P7IOC,
  OPAL_PHB_ERROR_DATA_TYPE_PHB3,
  OPAL_PHB_ERROR_DATA_TYPE_PHB4,
  OPAL_PHB_ERROR_DATA_VERSION_1,
  P7IOC_DIAG_LAYOUT,
  PHB3_DIAG_LAYOUT,
  PHB4_DIAG_LAYOUT,
  PHB_DIAG_HEADER_LAYOUT,
  checkLayout,
  entrySize,
  type AnyPhbDiagLayout,
} from "../../../src/log/opal/index.js";

/** Offsets of the fields shared by P7IOC and PHB3 up to 0x060 (§3.2, §3.3). */
const IODA12_COMMON: [string, number, number][] = [
  ["brdgCtl", 0x00c, 4],
  ["portStatusReg", 0x010, 4],
  ["rootCmplxStatus", 0x014, 4],
  ["busAgentStatus", 0x018, 4],
  ["deviceStatus", 0x01c, 4],
  ["slotStatus", 0x020, 4],
  ["linkStatus", 0x024, 4],
  ["devCmdStatus", 0x028, 4],
  ["devSecStatus", 0x02c, 4],
  ["rootErrorStatus", 0x030, 4],
  ["uncorrErrorStatus", 0x034, 4],
  ["corrErrorStatus", 0x038, 4],
  ["tlpHdr1", 0x03c, 4],
  ["tlpHdr2", 0x040, 4],
  ["tlpHdr3", 0x044, 4],
  ["tlpHdr4", 0x048, 4],
  ["sourceId", 0x04c, 4],
  ["rsv3", 0x050, 4],
  ["(padding)", 0x054, 4],
  ["errorClass", 0x058, 8],
  ["correlator", 0x060, 8],
];

const groups = (base: number, ...prefixes: string[]): [string, number, number][] =>
  prefixes.flatMap((p, g) =>
    [`${p}ErrorStatus`, `${p}FirstErrorStatus`, `${p}ErrorLog0`, `${p}ErrorLog1`].map((n, i): [string, number, number] => [n, base + g * 0x20 + i * 8, 8]),
  );

const PHB3_SPEC: [string, number, number][] = [
  ...IODA12_COMMON,
  ["nFir", 0x068, 8],
  ["nFirMask", 0x070, 8],
  ["nFirWOF", 0x078, 8],
  ["phbPlssr", 0x080, 8],
  ["phbCsr", 0x088, 8],
  ["lemFir", 0x090, 8],
  ["lemErrorMask", 0x098, 8],
  ["lemWOF", 0x0a0, 8],
  ...groups(0x0a8, "phb", "mmio", "dma0", "dma1"),
  ["pestA", 0x128, 2048],
  ["pestB", 0x928, 2048],
];

const P7IOC_SPEC: [string, number, number][] = [
  ...IODA12_COMMON,
  ["p7iocPlssr", 0x068, 8],
  ["p7iocCsr", 0x070, 8],
  ["lemFir", 0x078, 8],
  ["lemErrorMask", 0x080, 8],
  ["lemWOF", 0x088, 8],
  ...groups(0x090, "phb", "mmio", "dma0", "dma1"),
  ["pestA", 0x110, 1024],
  ["pestB", 0x510, 1024],
];

const PHB4_SPEC: [string, number, number][] = [
  ["brdgCtl", 0x00c, 4],
  ["deviceStatus", 0x010, 4],
  ["slotStatus", 0x014, 4],
  ["linkStatus", 0x018, 4],
  ["devCmdStatus", 0x01c, 4],
  ["devSecStatus", 0x020, 4],
  ["rootErrorStatus", 0x024, 4],
  ["uncorrErrorStatus", 0x028, 4],
  ["corrErrorStatus", 0x02c, 4],
  ["tlpHdr1", 0x030, 4],
  ["tlpHdr2", 0x034, 4],
  ["tlpHdr3", 0x038, 4],
  ["tlpHdr4", 0x03c, 4],
  ["sourceId", 0x040, 4],
  ["(padding)", 0x044, 4],
  ["nFir", 0x048, 8],
  ["nFirMask", 0x050, 8],
  ["nFirWOF", 0x058, 8],
  ["phbPlssr", 0x060, 8],
  ["phbCsr", 0x068, 8],
  ["lemFir", 0x070, 8],
  ["lemErrorMask", 0x078, 8],
  ["lemWOF", 0x080, 8],
  ...groups(0x088, "phb"),
  ...groups(0x0a8, "phbTxe", "phbRxeArb", "phbRxeMrg", "phbRxeTce", "phbPbl"),
  ["phbPcieDlpErrorLog1", 0x148, 8],
  ["phbPcieDlpErrorLog2", 0x150, 8],
  ["phbPcieDlpErrorStatus", 0x158, 8],
  ...groups(0x160, "phbRegb"),
  ["pestA", 0x180, 4096],
  ["pestB", 0x1180, 4096],
];

function table(layout: AnyPhbDiagLayout): [string, number, number][] {
  return layout.entries.map((e) => [e.kind === "pad" ? "(padding)" : e.name, e.offset, entrySize(e)]);
}

describe("diag-data constants (§2.2)", () => {
  it("have the spec values", () => {
    expect(OPAL_PHB_ERROR_DATA_VERSION_1).toBe(1);
    expect([OPAL_PHB_ERROR_DATA_TYPE_P7IOC, OPAL_PHB_ERROR_DATA_TYPE_PHB3, OPAL_PHB_ERROR_DATA_TYPE_PHB4]).toEqual([1, 2, 3]);
    expect([OPAL_P7IOC_NUM_PEST_REGS, OPAL_PHB3_NUM_PEST_REGS, OPAL_PHB4_NUM_PEST_REGS]).toEqual([128, 256, 512]);
    expect([OPAL_P7IOC_PHB_ERROR_DATA_SIZE, OPAL_PHB3_ERROR_DATA_SIZE, OPAL_PHB4_ERROR_DATA_SIZE]).toEqual([2320, 4392, 8576]);
    expect([0x910, 0x1128, 0x2180]).toEqual([2320, 4392, 8576]);
  });
});

describe("layouts (§3.1–§3.4)", () => {
  it("common header: version 0x00, ioType 0x04, len 0x08, 12 bytes", () => {
    expect(PHB_DIAG_HEADER_LAYOUT.map((f) => [f.name, f.offset, f.size])).toEqual([
      ["version", 0, 4],
      ["ioType", 4, 4],
      ["len", 8, 4],
    ]);
  });

  it.each([
    ["P7IOC", P7IOC_DIAG_LAYOUT, P7IOC_SPEC, 2320, 128],
    ["PHB3", PHB3_DIAG_LAYOUT, PHB3_SPEC, 4392, 256],
    ["PHB4", PHB4_DIAG_LAYOUT, PHB4_SPEC, 8576, 512],
  ] as const)("%s: every field at its spec offset and size", (_name, layout, spec, size, pest) => {
    expect(table(layout)).toEqual(spec);
    expect(layout.size).toBe(size);
    expect(layout.pestCount).toBe(pest);
  });

  it.each([P7IOC_DIAG_LAYOUT, PHB3_DIAG_LAYOUT, PHB4_DIAG_LAYOUT])("$model: contiguous, aligned, ends at the struct size", (layout) => {
    expect(checkLayout(layout)).toEqual([]);
  });

  it("checkLayout reports a gap, misalignment and a wrong total", () => {
    const broken: AnyPhbDiagLayout = {
      ...PHB3_DIAG_LAYOUT,
      entries: [{ kind: "u32", name: "brdgCtl", offset: 0x00c }, { kind: "u64", name: "nFir", offset: 0x014 }],
    };
    const problems = checkLayout(broken);
    expect(problems.some((p) => p.includes("expected 0x10"))).toBe(true);
    expect(problems.some((p) => p.includes("not 8-aligned"))).toBe(true);
    expect(problems.some((p) => p.includes("size is 0x1128"))).toBe(true);
  });
});
