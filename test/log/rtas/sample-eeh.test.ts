// The annotated 712-byte EEH log of pseries-rtas.md §3.10 (v6_eeh_serv), rebuilt with
// buildEehErrorLog and checked offset by offset against the spec's table, then against the
// copy fixtures/rtas/make-fixtures.py assembled independently from the same table.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildEehErrorLog,
  decodeRegisterDump,
  decodeRtasLog,
  readRtasTextEvents,
  rtasLogProblems,
  type RtasSection,
} from "../../../src/log/rtas/index.js";
import { ascii, hexOf, SAMPLE_INPUT, SAMPLE_PARENT, SAMPLE_SLOT } from "./sample.js";

const log = buildEehErrorLog(SAMPLE_INPUT);
const nulPad = (s: string, n: number) => ascii(s) + "00".repeat(n - s.length);

describe("§3.10 v6_eeh_serv rebuilt", () => {
  it("is 712 bytes, ending at 0x2C8", () => {
    expect(log.length).toBe(712);
    expect(log.length).toBe(0x2c8);
  });

  it("0x000 fixed header: v6, warning, disposition 0, extended, type 0xE0, 704 extended bytes", () => {
    expect(hexOf(log, 0x000, 8)).toBe("064400e0000002c0");
  });

  it("0x008 extended header: AE 00 8E 00 + 8 zeros; 0x014 company IBM", () => {
    expect(hexOf(log, 0x008, 12)).toBe("ae008e00" + "00".repeat(8));
    expect(hexOf(log, 0x014, 4)).toBe("49424d00");
  });

  it("0x018 PH: 48 bytes, creator 'L', 6 sections, 2007-03-15 22:54:10.00, PLID 0x583", () => {
    const ph = 0x018;
    expect(hexOf(log, ph, 8)).toBe("5048003001" + "00" + "a236");
    expect(hexOf(log, ph + 8, 4)).toBe("20070315");
    expect(hexOf(log, ph + 12, 4)).toBe("22541000");
    expect(hexOf(log, ph + 16, 8)).toBe("00".repeat(8)); // commit date/time
    expect(String.fromCharCode(log[ph + 24] ?? 0)).toBe("L");
    expect(log[ph + 27]).toBe(6);
    expect(hexOf(log, ph + 32, 8)).toBe("00".repeat(8));
    expect(hexOf(log, ph + 40, 4)).toBe("00000583");
    expect(hexOf(log, ph + 44, 4)).toBe("00000000");
  });

  it("0x048 UH: 24 bytes, subsystem 0x83, scope 1, severity 0x20, type 0, action 0xB800", () => {
    const uh = 0x048;
    expect(hexOf(log, uh, 4)).toBe("55480018");
    expect(hexOf(log, uh + 8, 4)).toBe("83012000");
    expect(hexOf(log, uh + 16, 4)).toBe("0000b800");
  });

  it("0x060 PS: 148 bytes, SRC BA188002, 9 words of spaces, subsection C0 of 17 words", () => {
    const ps = 0x060;
    expect(hexOf(log, ps, 4)).toBe("50530094");
    expect(hexOf(log, ps + 8, 4)).toBe("02010009"); // version 2, callouts follow, 9 hex words
    expect(hexOf(log, ps + 14, 2)).toBe("008c"); // SRC length = 0x94 − 8
    expect(hexOf(log, ps + 16, 32)).toBe("20".repeat(32));
    expect(hexOf(log, ps + 48, 32)).toBe(ascii("BA188002") + "20".repeat(24));
    expect(hexOf(log, ps + 80, 4)).toBe("c0000011"); // 17 words = 68 bytes
  });

  it("PS callouts: 'H' slot and 'L' parent, 32 bytes each, flags 0x28, FRU identity `ID 04 10`", () => {
    const c1 = 0x060 + 84;
    expect(hexOf(log, c1, 4)).toBe("20" + "28" + ascii("H") + "18");
    expect(hexOf(log, c1 + 4, 24)).toBe(nulPad(SAMPLE_SLOT, 24));
    expect(hexOf(log, c1 + 28, 4)).toBe(ascii("ID") + "0410");
    const c2 = c1 + 0x20;
    expect(hexOf(log, c2, 4)).toBe("20" + "28" + ascii("L") + "18");
    expect(hexOf(log, c2 + 4, 24)).toBe(nulPad(SAMPLE_PARENT, 24));
    expect(hexOf(log, c2 + 28, 4)).toBe(ascii("ID") + "0410");
    expect(c2 + 32).toBe(0x0f4);
  });

  it("0x0F4 MT: 28 bytes, 9111-520 / 10D3D2C", () => {
    expect(hexOf(log, 0x0f4, 4)).toBe("4d54001c");
    expect(hexOf(log, 0x0f4 + 8, 20)).toBe(nulPad("9111-520", 8) + nulPad("10D3D2C", 12));
  });

  it("0x110 LP: 24 bytes, primary LP 1, target LP 1, exactly the sample's body", () => {
    expect(hexOf(log, 0x110, 4)).toBe("4c500018");
    expect(hexOf(log, 0x110 + 8, 16)).toBe("0001" + "04" + "01" + "00000000" + "00000000" + "0001" + "0000");
  });

  it("0x128 UD: 416 bytes, version 1, subtype 1, component 0xA236; blocks 16+96+264+32 = 408", () => {
    const ud = 0x128;
    expect(hexOf(log, ud, 8)).toBe("554401a00101a236");
    expect(hexOf(log, ud + 8, 8)).toBe("3700010420000003");
    expect(hexOf(log, ud + 8 + 16, 8)).toBe("38000b0420000003");
    expect(hexOf(log, ud + 8 + 16 + 96, 8)).toBe("3a01200421030003");
    expect(hexOf(log, ud + 8 + 16 + 96 + 264, 8)).toBe("4000030421030003");
    expect(hexOf(log, ud + 8 + 16 + 96 + 264 + 8, 24)).toBe("00000004ffffffff" + "00000000ffffffff" + "0000002cffffffff");
    expect(ud + 416).toBe(0x2c8);
  });

  it("decodes to the annotated values", () => {
    const d = decodeRtasLog(log);
    expect(d.header).toEqual({ version: 6, severity: 2, disposition: 0, initiator: 0, target: 0, type: 0xe0 });
    if (d.extended.kind !== "v6") throw new Error("not v6");
    expect(d.extended.header).toEqual({ flags: 0xae, format: 0x8e });
    const sections = d.extended.sections;
    expect(sections.map((s) => s.id)).toEqual(["PH", "UH", "PS", "MT", "LP", "UD"]);
    const get = <K extends RtasSection["kind"]>(kind: K) => sections.find((s) => s.kind === kind) as Extract<RtasSection, { kind: K }>;
    expect(get("privateHeader")).toMatchObject({
      creatorId: "L",
      sectionCount: 6,
      created: { year: 2007, month: 3, day: 15, hour: 22, minute: 54, second: 10, hundredths: 0 },
      platformLogId: 0x583,
      logEntryId: 0,
    });
    expect(get("userHeader")).toMatchObject({ subsystemId: 0x83, eventScope: 1, eventSeverity: 0x20, eventType: 0, actionFlags: 0xb800 });
    const ps = get("src");
    expect(ps).toMatchObject({ id: "PS", srcVersion: 2, hexWordCount: 9, referenceCode: "BA188002" });
    expect(ps.hexWords).toEqual(Array(8).fill(0x20202020));
    expect(ps.callouts).toEqual([
      { flags: 0x28, priority: "H", locationCode: SAMPLE_SLOT, substructures: [{ kind: "identity", flags: 0x10 }] },
      { flags: 0x28, priority: "L", locationCode: SAMPLE_PARENT, substructures: [{ kind: "identity", flags: 0x10 }] },
    ]);
    expect(get("mtms")).toMatchObject({ id: "MT", machineTypeModel: "9111-520", serialNumber: "10D3D2C" });
    expect(get("partition")).toMatchObject({ primaryPartitionId: 1, logId: 0, name: "", targetPartitionIds: [1] });
    const ud = get("userData");
    expect(ud).toMatchObject({ version: 1, subtype: 1, creatorComponent: 0xa236 });
    expect(ud.data.length).toBe(408);
    const blocks = decodeRegisterDump(ud.data, 0x130);
    expect(blocks.map((b) => [b.scope, b.flag, b.handle, b.registers.length])).toEqual([
      [0x37, 0, 0x20000003, 1],
      [0x38, 0, 0x20000003, 11],
      [0x3a, 1, 0x21030003, 32],
      [0x40, 0, 0x21030003, 3],
    ]);
    expect(blocks[1]?.registers[0]?.[0]).toBe(0x8000);
    expect(blocks[1]?.registers[10]?.[0]).toBe(0x8b40);
    expect(blocks[2]?.registers[0]?.[0]).toBe(0x200);
    expect(blocks[2]?.registers[31]?.[0]).toBe(0x16d8);
    expect(rtasLogProblems(d)).toEqual([]);
  });

  it("is byte-identical to the copy make-fixtures.py assembled from the spec table", () => {
    const text = readFileSync(new URL("../../../fixtures/rtas/platform-eeh.txt", import.meta.url), "utf8");
    const [first] = readRtasTextEvents(text);
    expect(first?.sequence).toBe(1000);
    expect(hexOf(first?.bytes ?? new Uint8Array())).toBe(hexOf(log));
  });
});
