// buildEehErrorLog: the recovered / permanent templates of §3.13, the register dump of
// §3.10 for MMIO and DMA freezes, the 2048-byte budget, and properties over arbitrary inputs.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../src/core/errors.js";
import { arbEehErrorLogInput } from "../../../src/log/rtas/arbitraries.js";
import {
  buildEehErrorLog,
  decodeRegisterDump,
  decodeRtasLog,
  eehErrorLog,
  eehNotification,
  encodeRtasLog,
  RTAS_ERROR_LOG_MAX,
  rtasLogProblems,
  type EehErrorLogInput,
  type RtasErrorLog,
  type RtasSection,
} from "../../../src/log/rtas/index.js";
import { hexOf, SAMPLE_INPUT, SAMPLE_PARENT, SAMPLE_SLOT } from "./sample.js";

function section<K extends RtasSection["kind"]>(log: RtasErrorLog, kind: K): Extract<RtasSection, { kind: K }> {
  if (log.extended.kind !== "v6") throw new Error("not v6");
  const s = log.extended.sections.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind}`);
  return s as Extract<RtasSection, { kind: K }>;
}

const ALL_ONES = 0xffffffff;
const frozenAdapter = [ALL_ONES, ALL_ONES, ALL_ONES, ALL_ONES];

describe("buildEehErrorLog templates (§3.13)", () => {
  it("permanent: BA188002, UH severity 0x20 predictive, extended flags 0xAE, as the sample", () => {
    const log = decodeRtasLog(buildEehErrorLog(SAMPLE_INPUT));
    expect(section(log, "src").referenceCode).toBe("BA188002");
    expect(section(log, "userHeader").eventSeverity).toBe(0x20);
    expect(log.extended.kind === "v6" && log.extended.header.flags).toBe(0xae);
    expect(eehNotification(log)).toMatchObject({ src: "BA188002", description: "EEH could not recover the failed I/O adapter", location: SAMPLE_SLOT });
  });

  it("recovered: BA188001, UH severity 0x10 recovered, extended flags recoverable without predictive", () => {
    const log = decodeRtasLog(buildEehErrorLog({ ...SAMPLE_INPUT, recovered: true }));
    expect(section(log, "src").referenceCode).toBe("BA188001");
    expect(section(log, "userHeader")).toMatchObject({ subsystemId: 0x83, eventScope: 1, eventSeverity: 0x10 });
    expect(log.extended.kind === "v6" && log.extended.header.flags).toBe(0xa6);
    expect(log.header).toMatchObject({ severity: 2, disposition: 0, type: 0xe0 });
    expect(eehNotification(log)?.servicelogText).toBe(`EEH recovered a failing I/O adapter, Location ${SAMPLE_SLOT}`);
    expect(rtasLogProblems(log)).toEqual([]);
  });

  it("callouts: 'H' for the failing slot, 'L' for its parent, each with a bare hardware FRU identity", () => {
    const log = eehErrorLog(SAMPLE_INPUT);
    expect(section(log, "src").callouts?.map((c) => [c.priority, c.locationCode, c.flags])).toEqual([
      ["H", SAMPLE_SLOT, 0x28],
      ["L", SAMPLE_PARENT, 0x28],
    ]);
    const { parentLocation: _, ...noParent } = SAMPLE_INPUT;
    expect(section(eehErrorLog(noParent), "src").callouts).toHaveLength(1);
  });

  it("overrides: header severity/disposition, action flags, hex words, log entry id", () => {
    const log = eehErrorLog({ ...SAMPLE_INPUT, severity: 4, disposition: 2, actionFlags: 0x2000, hexWords: [1, 2, 3, 4, 5, 6, 7, 8], logEntryId: 9 });
    expect(log.header).toMatchObject({ severity: 4, disposition: 2 });
    expect(section(log, "userHeader").actionFlags).toBe(0x2000);
    expect(section(log, "src").hexWords).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(section(log, "privateHeader").logEntryId).toBe(9);
  });

  it("without registers there is no UD and PH counts 5 sections", () => {
    const { registers: _, ...input } = SAMPLE_INPUT;
    const log = decodeRtasLog(buildEehErrorLog(input));
    expect(log.extended.kind === "v6" && log.extended.sections.map((s) => s.id)).toEqual(["PH", "UH", "PS", "MT", "LP"]);
    expect(section(log, "privateHeader").sectionCount).toBe(5);
    expect(buildEehErrorLog(input).length).toBe(712 - 416);
  });

  it("timestamp: virtual-clock ms (UTC) to BCD date/time with hundredths", () => {
    expect(section(eehErrorLog({ ...SAMPLE_INPUT, timestamp: 0 }), "privateHeader").created).toEqual({ year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, hundredths: 0 });
    const t = Date.UTC(2024, 1, 29, 23, 59, 58, 990);
    expect(hexOf(buildEehErrorLog({ ...SAMPLE_INPUT, timestamp: t }), 24 + 8, 8)).toBe("2024022923595899");
    expect(() => buildEehErrorLog({ ...SAMPLE_INPUT, timestamp: -1 })).toThrow(ArgumentError);
  });
});

describe("register dump (§3.10)", () => {
  // The same PE frozen by an MMIO load and by a DMA write: the PHB's status registers differ,
  // the adapter reads all ones either way. (Register offsets and bits are the caller's.)
  const scenario = (phb: EehErrorLogInput["registers"]) => decodeRtasLog(buildEehErrorLog({ ...SAMPLE_INPUT, registers: phb }));
  const blocksOf = (log: RtasErrorLog) => decodeRegisterDump(section(log, "userData").data);

  it("MMIO freeze: 64-bit PHB registers dumped as two pairs, adapter config dwords from offset 0", () => {
    const log = scenario({ phb: [[0x0c00, 0x8000000000000000n], [0x0c80, 0x0000000000000001n]], adapter: frozenAdapter });
    const [phb, adapter] = blocksOf(log);
    expect(phb).toEqual({ scope: 0x38, flag: 0, handle: 0x20000003, registers: [[0x0c00, 0x80000000], [0x0c04, 0], [0x0c80, 0], [0x0c84, 1]] });
    expect(adapter).toEqual({ scope: 0x40, flag: 0, handle: 0x21030003, registers: [[0, ALL_ONES], [4, ALL_ONES], [8, ALL_ONES], [12, ALL_ONES]] });
  });

  it("DMA freeze: other PHB bits, bridge block flagged 1 with the slot handle; PE config address when no DRC index", () => {
    const { drcIndex: _, ...input } = SAMPLE_INPUT;
    const log = decodeRtasLog(
      buildEehErrorLog({ ...input, peConfigAddress: 0x00020000, registers: { phb: [[0x0d00, 0x0000400000000000n]], bridge: [[0x1e, 0x0040]], adapter: [[0x04, ALL_ONES]] } }),
    );
    expect(blocksOf(log)).toEqual([
      { scope: 0x38, flag: 0, handle: 0x20000003, registers: [[0x0d00, 0x4000], [0x0d04, 0]] },
      { scope: 0x3a, flag: 1, handle: 0x00020000, registers: [[0x1e, 0x40]] },
      { scope: 0x40, flag: 0, handle: 0x00020000, registers: [[0x04, ALL_ONES]] },
    ]);
  });

  it("more than 255 registers split into several blocks (the count is one byte)", () => {
    const many = Array.from({ length: 300 }, (_, i): [number, number] => [i * 4, i]);
    const log = decodeRtasLog(buildEehErrorLog({ ...SAMPLE_INPUT, registers: { phb: many }, maxLength: 4096 }));
    expect(blocksOf(log).map((b) => b.registers.length)).toEqual([255, 45]);
  });

  it("a log over the 2048-byte buffer is refused, and the limit can be lowered", () => {
    const many = Array.from({ length: 250 }, (_, i): [number, number] => [i * 4, i]);
    expect(() => buildEehErrorLog({ ...SAMPLE_INPUT, registers: { phb: many } })).toThrow(/more than the 2048-byte RTAS error log buffer/);
    expect(() => buildEehErrorLog({ ...SAMPLE_INPUT, maxLength: 512 })).toThrow(ArgumentError);
  });

  it("a UD payload that is not a register dump is a DecodeError", () => {
    expect(() => decodeRegisterDump(Uint8Array.from([0x38, 0, 1, 8, 0, 0, 0, 0]), 0x130)).toThrow(/unit 8 is not 4 at byte 307/);
    expect(() => decodeRegisterDump(Uint8Array.from([0x38, 0, 2, 4, 0, 0, 0, 0, 1, 2]))).toThrow(/2 register pairs/);
  });
});

describe("buildEehErrorLog properties", () => {
  it("every input gives a log that decodes to eehErrorLog(input), follows the checklist and fits 2048 bytes", () => {
    fc.assert(
      fc.property(arbEehErrorLogInput, (input) => {
        const bytes = buildEehErrorLog(input);
        expect(bytes.length).toBeLessThanOrEqual(RTAS_ERROR_LOG_MAX);
        const log = decodeRtasLog(bytes);
        expect(log).toEqual(eehErrorLog(input));
        expect(encodeRtasLog(log)).toEqual(bytes);
        expect(rtasLogProblems(log)).toEqual([]);
        expect(eehNotification(log)).toMatchObject({ src: input.recovered ? "BA188001" : "BA188002", location: input.failingLocation });
      }),
      { numRuns: 200 },
    );
  });
});
