// The catalogue's fixed values: codes unique and stable, FIR class masks equal to the spec's
// bit lists (powernv-opal.md §6.1, §6.2) and to the copy the PHB models use.

import { describe, expect, it } from "vitest";
import { ppcBit } from "../../../src/core/bits.js";
import * as lem from "../../../src/ioda/lem.js";
import {
  FINDING_FLAGS,
  FINDING_TYPES,
  FINDING_TYPE_NAMES,
  LIMIT_KINDS,
  P7IOC_LEM_ER,
  P7IOC_LEM_INF,
  P7IOC_LEM_PHB,
  PHB3_LEM_ER,
  PHB3_LEM_FENCED,
  PHB3_LEM_INF,
  PHB3_NFIR_DEAD,
  PHB3_NFIR_FENCED,
  REGISTER_CODES,
  SEVERITIES,
  registerOfCode,
} from "../../../src/log/interpret/index.js";
import { phbDiagLayout } from "../../../src/log/opal/index.js";

const ibm = (...ns: number[]): bigint => ns.reduce((m, n) => m | ppcBit(n), 0n);
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const unique = (xs: readonly number[]): boolean => new Set(xs).size === xs.length;

describe("FIR class masks", () => {
  it("PHB3 masks are the §6.1 table's IBM bit lists", () => {
    expect(PHB3_NFIR_DEAD).toBe(ibm(7, 8, ...range(24, 28)));
    expect(PHB3_NFIR_FENCED).toBe(ibm(...range(1, 6), ...range(9, 13), 15, 16, 17, ...range(21, 23)));
    expect(PHB3_LEM_FENCED).toBe(ibm(0, 2, 4, 5, 7, 8, 10, 11, 13, 14, 17, 18, 19, 24, 25, 28, 31, 32, 40, 42, 44, 45, 47, 48, 49, 51, 55, 57, 59, 63));
    expect(PHB3_LEM_ER).toBe(ibm(12, 27, ...range(33, 39), 41, 43, 52, 54, 58, 60, 61));
    expect(PHB3_LEM_INF).toBe(ibm(1, 6, 15, 16, 20, 21, 22, 26, 30, 50, 53, 56, 62));
    // "LEM bits 3, 9, 23, 29, 46 belong to no class"
    expect(~(PHB3_LEM_FENCED | PHB3_LEM_ER | PHB3_LEM_INF) & ((1n << 64n) - 1n)).toBe(ibm(3, 9, 23, 29, 46));
  });

  it("the classes of each table are disjoint", () => {
    for (const t of [[PHB3_NFIR_DEAD, PHB3_NFIR_FENCED], [PHB3_LEM_FENCED, PHB3_LEM_ER, PHB3_LEM_INF], [P7IOC_LEM_PHB, P7IOC_LEM_ER, P7IOC_LEM_INF]]) {
      for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) expect(t[i]! & t[j]!).toBe(0n);
    }
  });

  it("are the one definition the PHB models use too (core/fir-classes.ts, re-exported by ioda/lem.ts)", () => {
    expect([PHB3_NFIR_DEAD, PHB3_NFIR_FENCED, PHB3_LEM_FENCED, PHB3_LEM_ER, PHB3_LEM_INF, P7IOC_LEM_PHB, P7IOC_LEM_ER, P7IOC_LEM_INF]).toEqual([
      lem.PHB3_NFIR_DEAD,
      lem.PHB3_NFIR_FENCED,
      lem.PHB3_LEM_FENCED,
      lem.PHB3_LEM_ER,
      lem.PHB3_LEM_INF,
      lem.P7IOC_LEM_PHB,
      lem.P7IOC_LEM_ER,
      lem.P7IOC_LEM_INF,
    ]);
  });
});

describe("codes", () => {
  it("finding type codes are unique, non-zero u16; ranks follow dead > fence > PE > PCIe > unknown > info", () => {
    const codes = FINDING_TYPE_NAMES.map((t) => FINDING_TYPES[t].code);
    expect(unique(codes)).toBe(true);
    expect(codes.every((c) => c > 0 && c <= 0xffff)).toBe(true);
    const groups = [...FINDING_TYPE_NAMES].sort((a, b) => FINDING_TYPES[a].rank - FINDING_TYPES[b].rank).map((t) => FINDING_TYPES[t].group);
    expect([...new Set(groups)]).toEqual(["dead", "fence", "pe", "pcie", "unknown", "info"]);
  });

  it("flags are distinct single bits; severities and limit kinds unique", () => {
    const flags = Object.values(FINDING_FLAGS);
    expect(unique(flags)).toBe(true);
    expect(flags.every((f) => f > 0 && (f & (f - 1)) === 0)).toBe(true);
    expect(unique(Object.values(SEVERITIES))).toBe(true);
    expect(unique(Object.values(LIMIT_KINDS))).toBe(true);
  });

  it("every field of every diag layout has a unique register code below the PEST code space", () => {
    const codes = Object.values(REGISTER_CODES);
    expect(unique(codes)).toBe(true);
    expect(codes.every((c) => c > 0 && c < 0x1000)).toBe(true);
    for (const t of [1, 2, 3] as const) {
      for (const e of phbDiagLayout(t).entries) {
        if (e.kind === "u32" || e.kind === "u64") expect(registerOfCode(REGISTER_CODES[e.name as keyof typeof REGISTER_CODES])).toEqual({ register: e.name });
      }
    }
    expect(registerOfCode(0x10fd)).toEqual({ register: "pestA", index: 0xfd });
    expect(registerOfCode(0x21ff)).toEqual({ register: "pestB", index: 0x1ff });
  });
});
