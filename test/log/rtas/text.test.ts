// Text forms (§4.2, §3.11, §5): rtas_errd's /var/log/platform, the kernel's rtasmsgs=1 lines
// behind syslog/dmesg prefixes, plain hex dumps; errors carry the 1-based line.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/core/errors.js";
import { arbRtasErrorLog } from "../../../src/log/rtas/arbitraries.js";
import {
  buildEehErrorLog,
  decodeRtasLog,
  decodeRtasText,
  eehErrorLog,
  encodeRtasLog,
  formatEehNotification,
  formatPlatformLog,
  formatRtasEventSummary,
  formatRtasHexDump,
  readRtasTextEvents,
  rtasEventTypeName,
  type RtasErrorLog,
  type RtasSection,
} from "../../../src/log/rtas/index.js";
import { SAMPLE_INPUT, SAMPLE_SLOT } from "./sample.js";

const sampleBytes = buildEehErrorLog(SAMPLE_INPUT);
const sample = decodeRtasLog(sampleBytes);

function textFails(text: string, message: RegExp, line: number): void {
  try {
    decodeRtasText(text);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).message).toMatch(message);
    expect((e as DecodeError).line).toBe(line);
    return;
  }
  throw new Error("decoded");
}

describe("formatPlatformLog (rtas_errd's /var/log/platform)", () => {
  const text = formatPlatformLog(sample, sampleBytes, { sequence: 1000 });
  const lines = text.split("\n");

  it("hex dump between markers, 16 bytes a line in 4-byte groups, then the EEH notification", () => {
    expect(lines[0]).toBe("RTAS: 1000 -------- RTAS event begin --------");
    expect(lines[1]).toBe("RTAS 0: 064400e0 000002c0 ae008e00 00000000");
    expect(lines[2]).toBe("RTAS 1: 00000000 49424d00 50480030 0100a236");
    expect(lines[45]).toBe("RTAS 44: 0000002c ffffffff"); // 712 = 44·16 + 8
    expect(lines[46]).toBe("RTAS: 1000 -------- RTAS event end ----------");
    expect(lines.slice(47)).toEqual([
      "ppc64-diag: EEH Event Notification",
      "ppc64-diag: 03/15/2007  22:54:10",
      "ppc64-diag: Event SRC Code: BA188002",
      "ppc64-diag:     EEH could not recover the failed I/O adapter",
      `ppc64-diag:     Device Location Code: ${SAMPLE_SLOT}`,
      "",
    ]);
  });

  it("reads back as the same log", () => {
    expect(decodeRtasText(text)).toEqual([sample]);
    expect(readRtasTextEvents(text)).toEqual([{ sequence: 1000, line: 1, bytes: sampleBytes }]);
  });

  it("encodes the log itself when no bytes are given; sequence defaults to 1", () => {
    expect(formatPlatformLog(sample)).toBe(formatPlatformLog(sample, sampleBytes, { sequence: 1 }));
  });
});

describe("EEH notification (check_eeh, §3.11)", () => {
  const withSections = (log: RtasErrorLog, f: (s: RtasSection[]) => RtasSection[], type = log.header.type): RtasErrorLog =>
    log.extended.kind === "v6" ? { header: { ...log.header, type }, extended: { ...log.extended, sections: f(log.extended.sections) } } : log;

  it("no PH: no date; no callouts: no location", () => {
    const noPh = withSections(sample, (s) => s.filter((x) => x.kind !== "privateHeader"));
    expect(formatEehNotification(noPh)[1]).toBe("ppc64-diag: Could not retrieve RTAS Event Date/Time");
    const noCallouts = withSections(sample, (s) => s.map((x) => (x.kind === "src" ? { ...x, callouts: [] } : x)));
    expect(formatEehNotification(noCallouts)[4]).toBe("ppc64-diag:     No Device Location Code provided.");
  });

  it("only for v6 types 0xE0 and 0xE2 with one of the five EEH SRCs", () => {
    expect(formatEehNotification(withSections(sample, (s) => s, 0xe2))).toHaveLength(5);
    expect(formatEehNotification(withSections(sample, (s) => s, 0xe1))).toEqual([]);
    const other = withSections(sample, (s) => s.map((x) => (x.kind === "src" ? { ...x, referenceCode: "B1234567" } : x)));
    expect(formatEehNotification(other)).toEqual([]);
    const bridge = withSections(sample, (s) => s.map((x) => (x.kind === "src" ? { ...x, referenceCode: "BA180012" } : x)));
    expect(formatEehNotification(bridge)[3]).toBe("ppc64-diag:     PCI device runtime error, bridge in freeze state");
  });
});

describe("kernel forms (rtasd.c, §4.2)", () => {
  it("the default one-line summary and the type names", () => {
    expect(formatRtasEventSummary(sample, 5)).toBe("RTAS: event: 5, Type: Platform Error (224), Severity: 2");
    expect([1, 3, 10, 0x40, 0xa0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0, 11, 0xe6].map(rtasEventTypeName)).toEqual([
      "Retry",
      "Internal Device Failure",
      "ECC Corrupted",
      "EPOW",
      "Platform Resource Reassignment Event",
      "I/O Event",
      "Platform Information Event",
      "Resource Deallocation Event",
      "Dump Notification Event",
      "Hotplug Event",
      "Unknown",
      "Unknown",
      "Unknown",
    ]);
  });

  it("syslog and dmesg prefixes, interleaved messages and several events, in order", () => {
    const recovered = buildEehErrorLog({ ...SAMPLE_INPUT, recovered: true, platformLogId: 0x584 });
    const text = [
      "Mar 15 22:54:09 lpar13 kernel: EEH: Frozen PHB#0-PE#10000 detected",
      ...formatRtasHexDump(sampleBytes, 7).map((l, i) => (i === 3 ? "Mar 15 22:54:10 lpar13 crond[99]: noise\n" : "") + `Mar 15 22:54:10 lpar13 kernel: ${l}`),
      ...formatRtasHexDump(recovered, 8).map((l) => `<7>[  123.456789] ${l}`),
      "Mar 15 22:54:12 lpar13 kernel: RTAS: event: 9, Type: Platform Error (224), Severity: 2",
    ].join("\n");
    const events = readRtasTextEvents(text);
    expect(events.map((e) => [e.sequence, e.line])).toEqual([
      [7, 2],
      [8, 50],
    ]);
    expect(decodeRtasText(text)).toEqual([sample, decodeRtasLog(recovered)]);
  });

  it("hex lines without markers: each 'RTAS 0:' starts an event", () => {
    const a = encodeRtasLog({ header: { version: 6, severity: 1, disposition: 2, initiator: 0, target: 0, type: 0x40 }, extended: { kind: "opaque", bytes: new Uint8Array(0) } });
    const lines = [...formatRtasHexDump(sampleBytes, 1).slice(1, -1), ...formatRtasHexDump(a, 2).slice(1, -1)];
    const events = readRtasTextEvents(lines.join("\n"));
    expect(events.map((e) => [e.sequence, e.line, e.bytes.length])).toEqual([
      [undefined, 1, 712],
      [undefined, 46, 8],
    ]);
  });
});

describe("plain hex dumps", () => {
  const hex = [...sampleBytes].map((b) => b.toString(16).padStart(2, "0")).join("");

  it("bare hex, offsets with colons, comments, blank lines between events", () => {
    const rows = (hex.match(/.{1,32}/g) ?? []).map((r, i) => `0x${(i * 16).toString(16).padStart(4, "0")}: ${r}`);
    const text = ["# two copies of the §3.10 log", hex, "", ...rows].join("\n");
    expect(decodeRtasText(text)).toEqual([sample, sample]);
  });

  it("an offset going back to 0 starts a new event", () => {
    const half = hex.length / 2;
    const text = [`0: ${hex.slice(0, half)}`, `${(half / 2).toString(16)}: ${hex.slice(half)}`, `0: ${hex}`].join("\n");
    expect(readRtasTextEvents(text).map((e) => e.line)).toEqual([1, 3]);
  });

  it("hexdump -C (offset, bytes, |ascii|, final length line) and xxd (offset:, groups, ascii column)", () => {
    const bytes = [...sampleBytes];
    const hexdumpC: string[] = [];
    const xxd: string[] = [];
    for (let i = 0; i < bytes.length; i += 16) {
      const row = bytes.slice(i, i + 16);
      const h = row.map((b) => b.toString(16).padStart(2, "0"));
      const text = row.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
      hexdumpC.push(`${i.toString(16).padStart(8, "0")}  ${h.slice(0, 8).join(" ")}  ${h.slice(8).join(" ")}  |${text}|`);
      xxd.push(`${i.toString(16).padStart(8, "0")}: ${(h.join("").match(/.{1,4}/g) ?? []).join(" ").padEnd(39)}  ${text}`);
    }
    hexdumpC.push(bytes.length.toString(16).padStart(8, "0"));
    expect(decodeRtasText(hexdumpC.join("\n"))).toEqual([sample]);
    expect(decodeRtasText(xxd.join("\n"))).toEqual([sample]);
  });
});

describe("bad text is a DecodeError with the line", () => {
  const dump = formatRtasHexDump(sampleBytes, 3);

  it("a missing or repeated line", () => {
    textFails([...dump.slice(0, 3), ...dump.slice(4)].join("\n"), /expected "RTAS 2:", found "RTAS 3:"/, 4);
    textFails([...dump.slice(0, 3), dump[2], ...dump.slice(3)].join("\n"), /expected "RTAS 2:", found "RTAS 1:"/, 4);
  });

  it("markers that do not pair up", () => {
    textFails(dump.slice(0, -1).join("\n"), /RTAS event 3 has no end marker/, 1);
    textFails([...dump.slice(0, -1), ...dump].join("\n"), /RTAS event 3 begins inside event 3/, 47);
    textFails(dump.slice(1).join("\n"), /end marker of RTAS event 3 without a begin marker/, 46);
    textFails([...dump.slice(0, -1), "RTAS: 4 -------- RTAS event end ----------"].join("\n"), /closes event 3/, 47);
  });

  it("bad hex, short or long lines, a stray numbered line", () => {
    textFails([dump[0], "RTAS 0: 064400e0 000002c0 ae008e0g 00000000", ...dump.slice(2)].join("\n"), /"ae008e0g" is not a group of hex byte pairs/, 2);
    textFails([dump[0], "RTAS 0: 064400e0 000002c0 ae008e00", ...dump.slice(2)].join("\n"), /line 2 has fewer than 16 bytes/, 3);
    textFails([dump[0], "RTAS 0: 064400e0 000002c0 ae008e00 00000000 00", ...dump.slice(2)].join("\n"), /carries 17 bytes/, 2);
    textFails("boot ok\nRTAS 5: 00000000", /"RTAS 5:" line outside an event/, 2);
  });

  it("a log that does not decode names the line holding the failing byte", () => {
    const bad = sampleBytes.slice();
    bad[22] = 0x4e; // company id, byte 20–23 → "RTAS 1:" line, the third line
    textFails(formatRtasHexDump(bad, 3).join("\n"), /RTAS event 3: company id 0x49424e00 is not "IBM\\0"/, 3);
    const lp = sampleBytes.slice();
    lp[0x110 + 3] = 0x04; // LP section length 4 < 8, at byte 0x113 → "RTAS 17:"
    textFails(formatRtasHexDump(lp, 3).join("\n"), /"LP" section length 4 is shorter/, 19);
  });

  it("plain dumps: an offset gap, odd digits", () => {
    textFails("0000: 06440000\n0008: 00", /offset 0x8 does not follow the 0x4 bytes before it/, 2);
    textFails("06440\n", /"06440" is not a group of hex byte pairs/, 1);
  });
});

describe("text properties", () => {
  it("decodeRtasText(formatPlatformLog(x)) = [x] for arbitrary valid logs", () => {
    fc.assert(
      fc.property(arbRtasErrorLog, fc.nat(100000), (log, sequence) => {
        expect(decodeRtasText(formatPlatformLog(log, encodeRtasLog(log), { sequence }))).toEqual([log]);
      }),
      { numRuns: 200 },
    );
  });

  it("several logs in one syslog file decode in order", () => {
    fc.assert(
      fc.property(fc.array(arbRtasErrorLog, { maxLength: 4 }), (logs) => {
        const text = logs.flatMap((l, i) => formatRtasHexDump(encodeRtasLog(l), i).map((line) => `Jan  1 00:00:0${i} host kernel: ${line}`)).join("\n");
        expect(decodeRtasText(text)).toEqual(logs);
      }),
      { numRuns: 100 },
    );
  });

  it("the EEH builder's logs survive the platform-log round trip", () => {
    const log = eehErrorLog({ ...SAMPLE_INPUT, recovered: true });
    expect(decodeRtasText(formatPlatformLog(log))).toEqual([log]);
  });

  const line = fc.oneof(
    fc.nat(20).map((n) => `RTAS: ${n} -------- RTAS event begin --------`),
    fc.nat(20).map((n) => `RTAS: ${n} -------- RTAS event end ----------`),
    fc.tuple(fc.nat(50), fc.uint8Array({ maxLength: 18 })).map(([n, b]) => `RTAS ${n}: ${[...b].map((x) => x.toString(16).padStart(2, "0")).join("")}`),
    fc.uint8Array({ maxLength: 20 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ")),
    fc.nat(0x200).map((n) => `${n.toString(16)}: 0644`),
    fc.string({ maxLength: 30 }),
    fc.constant(""),
  );

  it("arbitrary text gives logs or a DecodeError with a line, nothing else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(line, { maxLength: 12 }).map((ls) => ls.join("\n")), fc.string({ maxLength: 200 })), (text) => {
        try {
          decodeRtasText(text);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(text.split("\n").length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("damaged platform logs give logs or a DecodeError", () => {
    const text = formatPlatformLog(sample, sampleBytes, { sequence: 2 });
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.string({ maxLength: 3 }), fc.nat(3), (at, insert, drop) => {
        const damaged = text.slice(0, at) + insert + text.slice(at + drop);
        try {
          decodeRtasText(damaged);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          expect(e.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});
