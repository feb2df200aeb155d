// The JSON form: bigints as "0x…" strings, flags as names, strict reading back.

import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../src/core/errors.js";
import { interpretPhbDiag, interpretationFromJson, interpretationToJson } from "../../../src/log/interpret/index.js";
import { section48Example } from "../opal/example.js";
import { STOPPED, pestA, phb3 } from "./build.js";

describe("interpretationToJson", () => {
  it("writes addresses and masks as hex strings, flags as names, evidence with its reading", () => {
    const i = interpretPhbDiag(phb3({}, { 0xfa: [pestA([0, 18], { ttype: 0, rid: 0x0400 }), STOPPED | 0x7ffff000n] }));
    const j = interpretationToJson(i);
    expect(j).toMatchObject({ format: "eeh-emu/interpretation", version: "1.0", model: "PHB3", severity: "pe-error" });
    expect(j.findings[0]).toMatchObject({
      type: "DMA_IOMMU_FAULT",
      flags: ["DMA", "WRITE"],
      pe: 0xfa,
      rid: 0x400,
      address: "0x7ffff000",
      evidence: [
        { register: "pestA", index: 0xfa, mask: "0x0000200004000000", text: "PESTA[0fa] TCE page fault (bit 18), RID 04:00.0" },
        { register: "pestB", index: 0xfa, mask: "0x000000007ffff000", text: "PESTB[0fa] failing address 0x7ffff000" },
      ],
    });
    // survives JSON text
    expect(interpretationFromJson(JSON.parse(JSON.stringify(j)))).toStrictEqual(i);
  });

  it("round-trips §4.8 through JSON text", () => {
    const i = interpretPhbDiag(section48Example());
    expect(interpretationFromJson(JSON.parse(JSON.stringify(interpretationToJson(i))))).toStrictEqual(i);
  });

  it("keeps flag bits it cannot name as hex", () => {
    const i = { ...interpretPhbDiag(section48Example()) };
    const odd = { ...i, findings: [{ ...i.findings[0]!, flags: 0x8001 }] };
    const j = interpretationToJson(odd);
    expect(j.findings[0]!.flags).toEqual(["MMIO", "0x8000"]);
    expect(interpretationFromJson(j).findings[0]!.flags).toBe(0x8001);
  });
});

describe("interpretationFromJson errors name the JSON path", () => {
  const good = interpretationToJson(interpretPhbDiag(section48Example()));
  const clone = (): Record<string, any> => JSON.parse(JSON.stringify(good));
  it.each([
    ["$.format", (j: Record<string, any>) => (j["format"] = "x")],
    ["$.version", (j: Record<string, any>) => (j["version"] = "2.0")],
    ["$.findings[0].type", (j: Record<string, any>) => (j["findings"][0].type = "DMA_OOPS")],
    ["$.findings[0].evidence[0].mask", (j: Record<string, any>) => (j["findings"][0].evidence[0].mask = 7)],
    ["$.findings[0].evidence[0].index", (j: Record<string, any>) => delete j["findings"][0].evidence[0].index],
    ["$.findings[0].address", (j: Record<string, any>) => (j["findings"][0].address = "0x1_0000_0000_0000_0000")],
    ["$.findings[0].extra", (j: Record<string, any>) => (j["findings"][0].extra = 1)],
    ["$.findings[0].evidence[1].mask", (j: Record<string, any>) => (j["findings"][0].evidence[1].mask = "0x100000000")],
  ])("%s", (path, mutate) => {
    const j = clone();
    mutate(j);
    expect(() => interpretationFromJson(j)).toThrow(ArgumentError);
    try {
      interpretationFromJson(j);
    } catch (e) {
      expect((e as ArgumentError).context["path"]).toBe(path);
    }
  });
});
