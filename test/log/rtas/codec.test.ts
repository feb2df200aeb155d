// Unit tests of the binary codec against the byte facts of pseries-rtas.md §3.1–§3.9 and
// §3.12: header bit packing, the three extended-log forms, each section's layout, where
// decode errors point, and what the encoder refuses.

import { describe, expect, it } from "vitest";
import { ArgumentError, DecodeError } from "../../../src/core/errors.js";
import {
  decodeRtasLog,
  eehErrorLog,
  encodeRtasLog,
  rtasLogProblems,
  type FruCallout,
  type RtasErrorLog,
  type RtasSection,
  type SrcSection,
} from "../../../src/log/rtas/index.js";
import { ascii, hexOf, SAMPLE_INPUT } from "./sample.js";

const HEADER = { version: 6, severity: 2, disposition: 0, initiator: 0, target: 0, type: 0xe0 };
const head = <I extends string>(id: I) => ({ id, version: 1, subtype: 0, creatorComponent: 0xa236 });
const v6 = (...sections: RtasSection[]): RtasErrorLog => ({ header: HEADER, extended: { kind: "v6", header: { flags: 0xae, format: 0x8e }, sections } });
const fromHex = (h: string) => Uint8Array.from((h.replace(/\s+/g, "").match(/../g) ?? []).map((x) => parseInt(x, 16)));
/** A v6 log whose sections are the given bytes (header and extended header filled in). */
function rawV6(sectionsHex: string): Uint8Array {
  const body = fromHex(sectionsHex);
  const b = new Uint8Array(24 + body.length);
  b.set([6, 0x44, 0, 0xe0]);
  new DataView(b.buffer).setUint32(4, 16 + body.length);
  b.set([0xae, 0, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x49, 0x42, 0x4d, 0], 8);
  b.set(body, 24);
  return b;
}
function decodeFails(bytes: Uint8Array, message: RegExp, offset?: number): DecodeError {
  try {
    decodeRtasLog(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    const d = e as DecodeError;
    expect(d.message).toMatch(message);
    if (offset !== undefined) expect(d.offset).toBe(offset);
    return d;
  }
  throw new Error("decoded");
}
const sections = (log: RtasErrorLog) => (log.extended.kind === "v6" ? log.extended.sections : []);

describe("fixed header (§3.1)", () => {
  it("packs byte 1 as sev<<5 | disp<<3 | 0x04 and byte 2 as initiator<<4 | target (QEMU word 0x064400E0)", () => {
    const b = encodeRtasLog(v6());
    expect(hexOf(b, 0, 4)).toBe("064400e0");
    const all = encodeRtasLog({ header: { version: 6, severity: 5, disposition: 2, initiator: 2, target: 6, type: 0xe5 }, extended: { kind: "opaque", bytes: new Uint8Array(0) } });
    expect(hexOf(all, 0, 8)).toBe("06b426e5" + "00000000");
    expect(decodeRtasLog(all).header).toEqual({ version: 6, severity: 5, disposition: 2, initiator: 2, target: 6, type: 0xe5 });
  });

  it("ignores the reserved bits 1–0 of byte 1", () => {
    const b = encodeRtasLog(v6());
    b[1] = (b[1] ?? 0) | 0x03;
    expect(decodeRtasLog(b)).toEqual(v6());
  });

  it("without the extended bit the log is the 8-byte header; bytes 4–7 are kept", () => {
    const b = fromHex("04 40 00 01 00000123 ffffffff");
    expect(decodeRtasLog(b)).toEqual({ header: { version: 4, severity: 2, disposition: 0, initiator: 0, target: 0, type: 1 }, extended: { kind: "none", lengthField: 0x123 } });
  });

  it("keeps pre-v6 extended logs opaque, and a v6 extended length of 0 (shortened event) as empty", () => {
    const v4 = fromHex("04 44 00 e0 00000004 01020304");
    expect(decodeRtasLog(v4).extended).toEqual({ kind: "opaque", bytes: fromHex("01020304") });
    expect(decodeRtasLog(fromHex("06 24 00 40 00000000")).extended).toEqual({ kind: "opaque", bytes: new Uint8Array(0) });
  });
});

describe("v6 extended header (§3.3)", () => {
  it("reads flags and format, requires company IBM", () => {
    expect(decodeRtasLog(rawV6("")).extended).toEqual({ kind: "v6", header: { flags: 0xae, format: 0x8e }, sections: [] });
    const b = rawV6("");
    b[22] = 0x4e;
    decodeFails(b, /company id 0x49424e00 is not "IBM\\0"/, 20);
  });

  it("refuses an extended length shorter than the 16-byte extended header", () => {
    decodeFails(fromHex("06 44 00 e0 00000008 ae008e00 00000000"), /shorter than the 16-byte extended header/, 4);
  });
});

describe("section walker (§3.4)", () => {
  it("refuses a section length below 8 (the walk could not advance)", () => {
    decodeFails(rawV6("5544 0000 01 00 0000"), /"UD" section length 0 is shorter than its 8-byte header/, 26);
  });

  it("refuses a section that runs past the end of the log", () => {
    decodeFails(rawV6("5544 0010 01 00 0000 00000000"), /"UD" section length 16 runs past the end of the log \(12 bytes left\)/, 26);
  });

  it("refuses 1–7 stray bytes after the last section", () => {
    decodeFails(rawV6("5544 0008 01 00 0000 000000"), /3 bytes after the last section/, 32);
  });

  it("refuses fixed-size sections of another size (librtasevent advances by PH 48, UH 24, MT 28 …, §3.12)", () => {
    decodeFails(rawV6("5548 001c 01 00 0000" + "00".repeat(20)), /"UH" section length 28, expected 24/, 26);
    decodeFails(rawV6("4d54 0018 01 00 0000" + "00".repeat(16)), /"MT" section length 24, expected 28/, 26);
  });

  it("keeps unknown ids (MC, vendor) and SW of an unknown version as header + raw body", () => {
    const log = decodeRtasLog(rawV6("4d43 000c 01 02 1234 deadbeef" + "5357 000c 03 00 0000 01020304" + "5a5a 0008 00 00 0000"));
    expect(sections(log)).toEqual([
      { kind: "unknown", id: "MC", version: 1, subtype: 2, creatorComponent: 0x1234, data: fromHex("deadbeef") },
      { kind: "unknown", id: "SW", version: 3, subtype: 0, creatorComponent: 0, data: fromHex("01020304") },
      { kind: "unknown", id: "ZZ", version: 0, subtype: 0, creatorComponent: 0, data: new Uint8Array(0) },
    ]);
  });
});

describe("section layouts (§3.6–§3.9)", () => {
  it("PH: BCD date/time; non-BCD digits are refused at their byte", () => {
    const ph = "5048 0030 01 00 a236 20070315 22541000 0000000000000000 4c000006 00000000 0000000000000000 00000583 00000000";
    const [s] = sections(decodeRtasLog(rawV6(ph)));
    expect(s).toMatchObject({ kind: "privateHeader", creatorId: "L", sectionCount: 6, platformLogId: 0x583 });
    expect(s).toMatchObject({ created: { year: 2007, month: 3, day: 15, hour: 22, minute: 54, second: 10, hundredths: 0 } });
    const bad = rawV6(ph);
    bad[24 + 10] = 0x1a; // month
    decodeFails(bad, /PH creation date\/time month: 0x1a is not BCD/, 34);
  });

  it("SRC with the io_sub_error FRU identities: part number, CCIN and serial read as 8/4/12 bytes (§3.12 rule 4)", () => {
    const callout = (prio: string, loc: string, sub: string) => {
      const locLength = (loc.length + 4) & ~3; // NUL-terminated, padded to 4; 4 NULs for "no location"
      const locHex = ascii(loc) + "00".repeat(locLength - loc.length);
      const body = "28" + ascii(prio) + locLength.toString(16).padStart(2, "0") + locHex + sub;
      return (body.length / 2 + 1).toString(16).padStart(2, "0") + body;
    };
    const c1 = callout("H", "U787A.001.DNZ00Z5-P1-C3", ascii("ID") + "1c1d" + ascii("80P5183") + "00" + ascii("261C") + ascii("YL30F4148001"));
    const c2 = callout("A", "", ascii("ID") + "0cc8" + ascii("PRI_PCI") + "00");
    const c3 = callout("L", "", ascii("ID") + "0c42" + ascii("MABIP50") + "00");
    const sub = "c000" + ((4 + (c1.length + c2.length + c3.length) / 2) / 4).toString(16).padStart(4, "0") + c1 + c2 + c3;
    const body = "02010009 0000" + (72 + sub.length / 2).toString(16).padStart(4, "0") + "20202020".repeat(8) + ascii("BA188002") + "20".repeat(24) + sub;
    const ps = "5053" + (8 + body.replace(/ /g, "").length / 2).toString(16).padStart(4, "0") + "0100a236" + body;
    const [s] = sections(decodeRtasLog(rawV6(ps)));
    const src = s as SrcSection;
    expect(src.referenceCode).toBe("BA188002");
    expect(src.callouts?.map((c) => [c.priority, c.locationCode, c.substructures])).toEqual([
      ["H", "U787A.001.DNZ00Z5-P1-C3", [{ kind: "identity", flags: 0x1d, partNumber: "80P5183", ccin: "261C", serialNumber: "YL30F4148001" }]],
      ["A", "", [{ kind: "identity", flags: 0xc8, partNumber: "PRI_PCI" }]],
      ["L", "", [{ kind: "identity", flags: 0x42, procedureId: "MABIP50" }]],
    ]);
    // And the encoder writes the same bytes back.
    expect(hexOf(encodeRtasLog(decodeRtasLog(rawV6(ps))))).toBe(hexOf(rawV6(ps)));
  });

  const srcWith = (sub: string) => {
    const body = "02010009 00000000" + "20202020".repeat(8) + ascii("BA188001") + "20".repeat(24) + sub;
    return rawV6("5053" + (8 + body.replace(/ /g, "").length / 2).toString(16).padStart(4, "0") + "0100a236" + body);
  };

  it("SRC subsection: wrong id, bad word count, zero-length callout and short substructure are refused", () => {
    // The subsection starts at PS offset 80, i.e. log offset 24 + 80.
    decodeFails(srcWith("c1000001"), /SRC subsection id 0xc1 is not 0xc0/, 104);
    decodeFails(srcWith("c0000000"), /SRC subsection length 0 words is shorter than its head/, 104);
    decodeFails(srcWith("c0000003 00000000"), /SRC subsection of 3 words runs past the PS section \(8 bytes left\)/, 104);
    decodeFails(srcWith("c0000002 00000000"), /FRU callout length 0 is shorter than its 4-byte head/, 108);
    decodeFails(srcWith("c0000002 08284804"), /FRU callout length 8 runs past the callout subsection/, 108);
    decodeFails(srcWith("c0000003 08284800 49440210"), /FRU "ID" substructure length 2 is shorter than its 4-byte head/, 112);
  });

  it("SRC without callouts has no `callouts`; an empty subsection gives []", () => {
    const none = srcWith("");
    none[24 + 9] = 0;
    expect(sections(decodeRtasLog(none))[0]).not.toHaveProperty("callouts");
    expect((sections(decodeRtasLog(srcWith("c0000001")))[0] as SrcSection).callouts).toEqual([]);
  });

  it("FRU MR and PE substructures", () => {
    const callout: FruCallout = {
      flags: 0x27,
      priority: "M",
      locationCode: "U1-P1",
      substructures: [
        { kind: "mru", flags: 0x10, mrus: [{ priority: "H", id: 0x1234 }, { priority: "L", id: 7 }] },
        { kind: "enclosure", flags: 0x03, machineTypeModel: "8286-42A", serialNumber: "10ABCDE", pceName: "PCE-1" },
        { kind: "unknown", id: "XY", flags: 1, data: fromHex("0102030405") },
      ],
    };
    const log = v6({ kind: "src", ...head("SS"), srcVersion: 2, srcFlags: 0, hexWordCount: 9, hexWords: [1, 2, 3, 4, 5, 6, 7, 8], referenceCode: "B1xx", callouts: [callout] });
    const bytes = encodeRtasLog(log);
    // MR: id, length 8 + 2·8, flags 0x10 | count 2.
    expect(hexOf(bytes)).toContain(ascii("MR") + "1812" + "00000000" + "000000" + ascii("H") + "00001234");
    expect(decodeRtasLog(bytes)).toEqual(log);
  });

  it("MT/HM 28, LR 20, DH 64, EP 20, MI 16, HP 16 for an index: the §3.9 sizes", () => {
    const log = v6(
      { kind: "mtms", ...head("HM"), machineTypeModel: "7042-CR9", serialNumber: "1234567" },
      { kind: "logicalResource", ...head("LR"), resourceType: 0x41, capacity: 1, resourceId: 0x80000010, memoryAddressHigh: 0 },
      { kind: "dumpLocator", ...head("DH"), dumpId: 9, flags: 0x20, dumpSize: 0x10000n, osDumpId: fromHex("414243") },
      { kind: "epow", ...head("EP"), version: 2, sensorValue: 0, actionCode: 3, eventModifier: 1, extendedModifier: 1, reasonCode: 0x0102030405060708n },
      { kind: "manufacturingInfo", ...head("MI"), flags: 0x80000000 },
      { kind: "hotplug", ...head("HP"), resourceType: 5, action: 1, identifier: { type: "index", index: 0x20000001 } },
    );
    const bytes = encodeRtasLog(log);
    const lengths: number[] = [];
    for (let off = 24; off < bytes.length; ) {
      const len = ((bytes[off + 2] ?? 0) << 8) | (bytes[off + 3] ?? 0);
      lengths.push(len);
      off += len;
    }
    expect(lengths).toEqual([28, 20, 64, 20, 16, 16]);
    // EP: the reason code sits at section offset 12, as QEMU writes it (§3.12 rule 11).
    const ep = 24 + 28 + 20 + 64;
    expect(hexOf(bytes, ep + 8, 12)).toBe("03010100" + "0102030405060708");
    expect(decodeRtasLog(bytes)).toEqual(log);
  });

  it("LP name NUL-padded to 4, targets padded to 4; IE RPC data padded to 4", () => {
    const log = v6(
      { kind: "partition", ...head("LP"), primaryPartitionId: 3, logId: 0x55, name: "lpar3", targetPartitionIds: [3, 4, 5] },
      { kind: "ioEvent", ...head("IE"), eventType: 1, scope: 0x38, eventSubtype: 0, drcIndex: 0x20000003, rpcData: fromHex("aabbcc") },
    );
    const bytes = encodeRtasLog(log);
    expect(hexOf(bytes, 24, 32)).toBe("4c500020" + "0100a236" + "0003" + "08" + "03" + "00000055" + ascii("lpar3") + "000000" + "000300040005" + "0000");
    expect(hexOf(bytes, 56, 20)).toBe("49450014" + "0100a236" + "01033800" + "20000003" + "aabbcc00");
    expect(decodeRtasLog(bytes)).toEqual(log);
  });

  it("DH OS id length above 40 is refused", () => {
    decodeFails(rawV6("4448 0040 01 00 0000 00000001 20 0000 29" + "00".repeat(48)), /DH OS dump id length 41 exceeds/, 24 + 15);
  });
});

describe("encoder refusals (a structure that would decode differently is not written)", () => {
  const src = (over: Partial<SrcSection>): SrcSection => ({ kind: "src", ...head("PS"), srcVersion: 2, srcFlags: 0, hexWordCount: 9, hexWords: [0, 0, 0, 0, 0, 0, 0, 0], referenceCode: "BA188001", ...over });
  const refuses = (log: RtasErrorLog, message: RegExp) => {
    expect(() => encodeRtasLog(log)).toThrow(ArgumentError);
    expect(() => encodeRtasLog(log)).toThrow(message);
  };

  it("kind and id must agree; unknown sections may not use a decoded id", () => {
    refuses(v6({ kind: "mtms", ...head("PH") } as unknown as RtasSection), /a mtms section cannot have id "PH"/);
    refuses(v6({ kind: "unknown", ...head("UD"), data: new Uint8Array(0) }), /has a decoded form/);
    refuses(v6({ kind: "firmwareErrorV1", ...head("SW"), version: 2 } as unknown as RtasSection), /cannot have id "SW" version 2/);
  });

  it("text: NUL inside, too long, non-latin-1, trailing spaces in the SRC", () => {
    refuses(v6({ kind: "mtms", ...head("MT"), machineTypeModel: "91\u000011", serialNumber: "" }), /contains a NUL/);
    refuses(v6({ kind: "mtms", ...head("MT"), machineTypeModel: "9111-520X", serialNumber: "" }), /longer than its 8-byte field/);
    refuses(v6({ kind: "mtms", ...head("MT"), machineTypeModel: "\u20ac", serialNumber: "" }), /not latin-1/);
    refuses(v6(src({ referenceCode: "BA188001 " })), /trailing spaces are padding/);
  });

  it("flags that the structure derives, and identity fields that disagree with their flags", () => {
    refuses(v6(src({ srcFlags: 1 })), /bit 0x01 follows from `callouts`/);
    const callout = (flags: number, partNumber?: string): FruCallout => ({
      flags: 0x28,
      priority: "H",
      locationCode: "",
      substructures: [{ kind: "identity", flags, ...(partNumber !== undefined ? { partNumber } : {}) }],
    });
    refuses(v6(src({ callouts: [callout(0x18)] })), /part number is flagged but missing/);
    refuses(v6(src({ callouts: [callout(0x10, "80P5183")] })), /part number is set but its flag is clear/);
  });

  it("values out of their field, and callouts over 255 bytes", () => {
    refuses({ header: { ...HEADER, severity: 8 }, extended: { kind: "none", lengthField: 0 } }, /severity: 8 is not in 0..7/);
    refuses(v6({ kind: "manufacturingInfo", ...head("MI"), flags: 2 ** 32 }), /MI flags: 4294967296 is not an integer/);
    const big: FruCallout = { flags: 0x28, priority: "H", locationCode: "U".repeat(200), substructures: [{ kind: "unknown", id: "XX", flags: 0, data: new Uint8Array(60) }] };
    refuses(v6(src({ callouts: [big] })), /length: 272 does not fit in 8 bits/);
  });

  it("header version and extended form must agree", () => {
    refuses({ header: { ...HEADER, version: 4 }, extended: { kind: "v6", header: { flags: 0, format: 0x8e }, sections: [] } }, /sections need header version 6/);
    refuses({ header: HEADER, extended: { kind: "opaque", bytes: new Uint8Array(4) } }, /decoded as sections/);
  });
});

describe("rtasLogProblems (the §3.13 checklist)", () => {
  const good = eehErrorLog(SAMPLE_INPUT);
  const edit = (f: (s: RtasSection[]) => RtasSection[], flags = 0xae, format = 0x8e): RtasErrorLog => ({
    header: good.header,
    extended: { kind: "v6", header: { flags, format }, sections: f(good.extended.kind === "v6" ? good.extended.sections : []) },
  });

  it("accepts the EEH template and names each rule a log breaks", () => {
    expect(rtasLogProblems(good)).toEqual([]);
    expect(rtasLogProblems(edit((s) => s, 0xa0, 0x8d))).toEqual(["extended flags 0xa0 lack valid/new/big-endian (0x86)", "log format byte 0x8d, not 0x8e"]);
    expect(rtasLogProblems(edit((s) => s.filter((x) => x.kind !== "userHeader")))).toEqual([
      "second section is not UH",
      "section 0 (PH) section count 6, the log has 5",
    ]);
    expect(rtasLogProblems(edit((s) => [...s, { kind: "userData", ...head("UD"), data: new Uint8Array(3) }]))).toEqual([
      "section 0 (PH) section count 6, the log has 7",
      "section 6 (UD) length 11 is not a multiple of 4",
    ]);
    expect(rtasLogProblems(edit((s) => [...s, { kind: "hotplug", ...head("HP"), resourceType: 3, action: 1, identifier: { type: "name", name: "U1-C1" } }]))).toContain(
      "section 6 (HP) is 20 bytes; librtasevent advances HP by 16 and would lose its place",
    );
    expect(rtasLogProblems(good, 512)).toEqual(["log is 712 bytes, more than 512 (Linux truncates it)"]);
    expect(rtasLogProblems({ header: { ...HEADER, severity: 9 }, extended: { kind: "none", lengthField: 0 } })[0]).toMatch(/^does not encode: header severity: 9/);
  });
});
