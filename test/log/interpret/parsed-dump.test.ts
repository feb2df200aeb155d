// Interpreting Linux text (fixtures/opal/): the same conclusions as from the blob, plus the
// limits of what the text shows.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseKernelLog, toPhbDiagData, type ParsedPhbDump } from "../../../src/log/dmesg/index.js";
import { interpretParsedDump, interpretPhbDiag } from "../../../src/log/interpret/index.js";
import { SECTION_48_DUMP, section48Example } from "../opal/example.js";
import { typesOf } from "./build.js";

const dumps = (name: string): readonly ParsedPhbDump[] =>
  parseKernelLog(readFileSync(new URL(`../../../fixtures/opal/${name}`, import.meta.url), "utf8")).dumps;

describe("interpretParsedDump", () => {
  it("§4.8 text gives the blob's findings, with what the text could not show", () => {
    const [d] = parseKernelLog(SECTION_48_DUMP.join("\n")).dumps;
    const i = interpretParsedDump(d!);
    expect(i.findings).toStrictEqual(interpretPhbDiag(section48Example()).findings);
    expect(i.limits.map((l) => l.kind)).toEqual(["unprinted-fields", "pest-tail"]);
    // No nFir line (nFir = 0), so its mask and WOF are unknown; no PhbErr/InAErr/InBErr lines.
    expect(i.limits[0]!.fields).toEqual(["nFirMask", "nFirWOF", "phbFirstErrorStatus", "dma0FirstErrorStatus", "dma1FirstErrorStatus"]);
    // PE#fd is the last printed entry: PE#fe..ff may be an unprinted run (§4.4)
    expect(i.limits[1]).toMatchObject({ fields: ["pestA[0fe..0ff]", "pestB[0fe..0ff]"] });
    expect(i.limits[1]!.message).toMatch(/^PE#fe\.\.PE#ff may also be frozen/);
  });

  it("a run expanded from its 'as above' line is interpreted PE by PE; a PHB4 dump ends one short of its table", () => {
    const [p3, p4] = dumps("syslog-two-dumps.log");
    expect(interpretParsedDump(p3!).findings.filter((f) => f.type === "PE_FROZEN").map((f) => f.pe)).toEqual([2, 3, 4, 0x10]);
    const i4 = interpretParsedDump(p4!);
    expect(i4.model).toBe("PHB4");
    expect(i4.limits.find((l) => l.kind === "pest-tail")!.message).toMatch(/^PE#1ff may also be frozen/);
    // PHB4 PEST cause bits beyond the §3.5 note stay UNKNOWN, on the PE
    expect(i4.findings.find((f) => f.type === "UNKNOWN" && f.pe === 0x1f)).toBeDefined();
  });

  it("the legacy format prints every stopped PE: no tail limit", () => {
    const [d] = dumps("phb3-legacy.dmesg");
    expect(d!.format).toBe("legacy");
    expect(interpretParsedDump(d!).limits.map((l) => l.kind)).toEqual(["unprinted-fields"]);
  });

  it("damaged lines and a lost header are limits; a headerless dump is not interpreted", () => {
    const [cut, headless] = dumps("truncated-dump.dmesg");
    expect(interpretParsedDump(cut!).limits.map((l) => l.kind)).toContain("damaged-dump");
    const h = interpretParsedDump(headless!);
    expect(h).toMatchObject({ model: "unknown", severity: "unknown-error" });
    expect(typesOf(h)).toEqual(["UNKNOWN"]);
    expect(h.limits.map((l) => l.kind)).toEqual(["damaged-dump", "no-header"]);
  });

  it("agrees with interpretPhbDiag(toPhbDiagData(dump)) on every fixture dump", () => {
    for (const name of ["phb3-mainline-recovery.dmesg", "phb3-legacy.dmesg", "syslog-two-dumps.log", "truncated-dump.dmesg"]) {
      for (const d of dumps(name)) {
        const data = toPhbDiagData(d);
        if (data) expect(interpretParsedDump(d).findings).toStrictEqual(interpretPhbDiag(data).findings);
      }
    }
  });
});
