// The PE handle's encodings (pseries-rtas.md §4.1, §4.3) and the extended-delay codes (§4.4).

import { describe, expect, it } from "vitest";
import {
  buidFromWords,
  buidHi,
  buidLo,
  buidOfPhb,
  configAddrOfRid,
  extendedDelayMs,
  extendedDelayStatus,
  ridOfConfigAddr,
  rtasConfigAddr,
} from "../../../src/platform/pseries/index.js";

describe("config address (Linux rtas_config_addr)", () => {
  it("packs ((reg & 0xF00) << 20) | (bus << 16) | (devfn << 8) | (reg & 0xFF)", () => {
    expect(rtasConfigAddr(1, 0, 0)).toBe(0x10000);
    expect(rtasConfigAddr(0x12, 0x34, 0x104)).toBe(0x10123404);
    expect(rtasConfigAddr(0xff, 0xff, 0xfff)).toBe(0xf0ffffff);
    expect(configAddrOfRid(0x0580)).toBe(0x58000);
  });
  it("a config address names a RID; the register bits do not matter", () => {
    expect(ridOfConfigAddr(0x10123404)).toBe(0x1234);
    expect(ridOfConfigAddr(0x30000)).toBe(0x300);
  });
});

describe("BUID", () => {
  it("is 0x800000020000000 + PHB id: PHB 3 has the sample's BUID 0x800000020000003 (§3.10)", () => {
    expect(buidOfPhb(3)).toBe(0x800000020000003n);
    expect(buidHi(buidOfPhb(3))).toBe(0x08000000);
    expect(buidLo(buidOfPhb(3))).toBe(0x20000003);
    expect(buidFromWords(0x08000000, 0x20000003)).toBe(0x800000020000003n);
    expect(buidLo(buidOfPhb(0xffff))).toBe(0x2000ffff);
  });
});

describe("extended delay 990x (§4.4)", () => {
  it("takes the smallest 10^n ms that covers the wait, up to 9905 (100 s)", () => {
    expect([1, 2, 10, 11, 100, 101, 1000, 1500, 100_000, 10_000_000].map(extendedDelayStatus)).toEqual([9900, 9901, 9901, 9902, 9902, 9903, 9903, 9904, 9905, 9905]);
    expect(extendedDelayStatus(0.5)).toBe(9900);
  });
  it("reads a status back as a delay", () => {
    expect([9900, 9902, 9905].map(extendedDelayMs)).toEqual([1, 100, 100_000]);
    expect([9899, 9906, 0, -2, 9901.5].map(extendedDelayMs)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
