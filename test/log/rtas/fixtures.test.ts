// The text files of fixtures/rtas, assembled by make-fixtures.py from the spec's byte tables
// (independently of the TypeScript encoder): decoded and checked against the spec's values.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decodeRtasText,
  eehNotification,
  formatPlatformLog,
  readRtasTextEvents,
  rtasLogProblems,
  type RtasErrorLog,
  type RtasSection,
} from "../../../src/log/rtas/index.js";

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/rtas/${name}`, import.meta.url), "utf8");
function sectionsOf(log: RtasErrorLog | undefined): RtasSection[] {
  if (log?.extended.kind !== "v6") throw new Error("not a v6 log");
  return log.extended.sections;
}

describe("fixtures/rtas/platform-eeh.txt (/var/log/platform, two EEH events)", () => {
  const text = fixture("platform-eeh.txt");
  const logs = decodeRtasText(text);
  const events = readRtasTextEvents(text);

  it("holds events 1000 and 1001, in order", () => {
    expect(events.map((e) => [e.sequence, e.line, e.bytes.length])).toEqual([
      [1000, 1, 712],
      [1001, 53, 296],
    ]);
  });

  it("event 1000 is the §3.10 log: BA188002 at 2007-03-15 22:54:10, PLID 0x583, 6 sections", () => {
    const [permanent] = logs;
    expect(permanent?.header).toEqual({ version: 6, severity: 2, disposition: 0, initiator: 0, target: 0, type: 0xe0 });
    expect(sectionsOf(permanent).map((s) => `${s.id}:${s.kind}`)).toEqual([
      "PH:privateHeader",
      "UH:userHeader",
      "PS:src",
      "MT:mtms",
      "LP:partition",
      "UD:userData",
    ]);
    expect(eehNotification(permanent!)).toMatchObject({ src: "BA188002", location: "U787A.001.DNZ00Z5-P1-C3" });
    expect(rtasLogProblems(permanent!)).toEqual([]);
  });

  it("event 1001 is a recovered BA188001 from the §3.13 template", () => {
    const recovered = logs[1];
    const [ph, uh, ps, mt] = sectionsOf(recovered);
    expect(ph).toMatchObject({ creatorId: "L", sectionCount: 5, platformLogId: 0x584, created: { year: 2025, month: 6, day: 11, hour: 9, minute: 30, second: 15, hundredths: 42 } });
    expect(uh).toMatchObject({ subsystemId: 0x83, eventSeverity: 0x10, actionFlags: 0xb800 });
    expect(ps).toMatchObject({ referenceCode: "BA188001", callouts: [{ priority: "H", locationCode: "U78D3.001.WZS0ABC-P1-C7" }, { priority: "L", locationCode: "U78D3.001.WZS0ABC-P1" }] });
    expect(mt).toMatchObject({ machineTypeModel: "9009-42A", serialNumber: "7800ABC" });
    expect(recovered?.extended.kind === "v6" && recovered.extended.header.flags).toBe(0xa6);
  });

  it("formatPlatformLog writes this file back exactly, EEH notification lines included", () => {
    const again = events.map((e, i) => formatPlatformLog(logs[i]!, e.bytes, { sequence: e.sequence ?? 0 })).join("");
    expect(again).toBe(text);
  });
});

describe("fixtures/rtas/messages-rtasmsgs.txt (syslog, kernel rtasmsgs=1)", () => {
  const text = fixture("messages-rtasmsgs.txt");
  const logs = decodeRtasText(text);

  it("finds both events behind the syslog prefixes, skipping the interleaved lines", () => {
    expect(readRtasTextEvents(text).map((e) => [e.sequence, e.line])).toEqual([
      [3, 2],
      [4, 13],
    ]);
    expect(logs).toHaveLength(2);
  });

  it("event 3 is QEMU's EPOW log (§6.4): event severity, not recovered, PH 'H' with 3 sections, UH 0xA0/0xD0, EP v2", () => {
    const epow = logs[0];
    expect(epow?.header).toEqual({ version: 6, severity: 1, disposition: 2, initiator: 0, target: 0, type: 0x40 });
    expect(epow?.extended.kind === "v6" && epow.extended.header).toEqual({ flags: 0x86, format: 0x8e });
    expect(sectionsOf(epow)).toEqual([
      expect.objectContaining({ kind: "privateHeader", creatorId: "H", sectionCount: 3, platformLogId: 0, creatorComponent: 0 }),
      expect.objectContaining({ kind: "userHeader", subsystemId: 0xa0, eventSeverity: 0, eventType: 0xd0 }),
      { kind: "epow", id: "EP", version: 2, subtype: 0, creatorComponent: 0, sensorValue: 0, actionCode: 3, eventModifier: 1, extendedModifier: 1, reasonCode: 0n },
    ]);
  });

  it("event 4 is the same recovered EEH log as platform-eeh.txt's event 1001", () => {
    expect(logs[1]).toEqual(decodeRtasText(fixture("platform-eeh.txt"))[1]);
  });
});

describe("fixtures/rtas/eeh-recovered.xxd (plain xxd dump)", () => {
  it("decodes to the recovered EEH log, ASCII column and comment ignored", () => {
    expect(decodeRtasText(fixture("eeh-recovered.xxd"))).toEqual([decodeRtasText(fixture("platform-eeh.txt"))[1]]);
  });
});
