// ibm,slot-error-detail and the EEH error log firmware builds (pseries-rtas.md §3.6–§3.13,
// §4.2, §4.3): when the error is latched, recovered vs permanent, the buffer rules, the log's
// content pinned to the spec's template, and the host's /var/log/platform read back.

import { describe, expect, it } from "vitest";
import { injectBadDma, injectLinkDown, injectMmioError, killPhb } from "../../../src/ioda/faults.js";
import { PEST_FROZEN, pestRid } from "../../../src/ioda/pest.js";
import { decodeRtasLog, decodeRtasText, eehNotification, rtasLogProblems } from "../../../src/log/rtas/index.js";
import {
  RTAS_EEH_THAW_DMA,
  RTAS_EEH_THAW_IO,
  RTAS_OUT_NO_ERRORS_FOUND,
  RTAS_OUT_PARAM_ERROR,
  RTAS_SLOT_PERM_ERR_LOG,
  RTAS_SLOT_RESET_DEACTIVATE,
  RTAS_SLOT_RESET_HOT,
  RTAS_SLOT_TEMP_ERR_LOG,
  kernelLogLength,
} from "../../../src/platform/pseries/index.js";
import { dumpOf, errorDetail, expectUnchanged, readState, reg64, section, sections, setOption, slotReset, snapshot } from "./helpers.js";
import { EPOCH_MS, loc, newPlatform } from "./machines.js";

const TEMP = RTAS_SLOT_TEMP_ERR_LOG;
const PERM = RTAS_SLOT_PERM_ERR_LOG;

describe("when firmware latches the error", () => {
  it("a PE that never had an error: status 1, no errors found; the buffer and every state untouched", () => {
    const { m, rtas } = newPlatform();
    const before = snapshot(rtas, m);
    const r = errorDetail(rtas, "0000:03:00.0", TEMP);
    expect(r.status).toBe(RTAS_OUT_NO_ERRORS_FOUND);
    expect(r.buffer.every((b) => b === 0)).toBe(true);
    expectUnchanged(before, rtas, m);
  });

  it("at the first read-slot-reset-state2 that sees the PE frozen: the PH creation time and PLID are that moment's", () => {
    const { m, clock, rtas } = newPlatform();
    clock.advanceTo(12_345);
    injectBadDma(m, "0000:03:00.0");
    expect(readState(rtas, "0000:03:00.0").state).toBe(2);
    const capture = rtas.peFirmware(0, 0xfb).capture;
    expect(capture).toMatchObject({ plid: 1, timestamp: EPOCH_MS + 12_345, failingLocation: loc("C2") });
    clock.advanceBy(60_000);
    const phbBefore = rtas.phbFirmware(0);
    readState(rtas, "0000:03:00.0"); // still frozen: no new error
    expect(rtas.phbFirmware(0)).toBe(phbBefore);
    const log = decodeRtasLog(errorDetail(rtas, "0000:03:00.0", TEMP).log);
    expect(section(log, "privateHeader")).toMatchObject({ platformLogId: 1, created: { year: 2025, month: 6, day: 11, hour: 9, minute: 30, second: 12, hundredths: 34 } });
  });

  it("the temporary log is BA188001, the permanent one BA188002, same PLID, entry ids counting", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, "0000:04:00.0");
    const temp = decodeRtasLog(errorDetail(rtas, "0000:04:00.0", TEMP).log);
    const perm = decodeRtasLog(errorDetail(rtas, "0000:04:00.0", PERM).log);
    expect(section(temp, "src").referenceCode).toBe("BA188001");
    expect(section(perm, "src").referenceCode).toBe("BA188002");
    expect([temp, perm].map((l) => [section(l, "privateHeader").platformLogId, section(l, "privateHeader").logEntryId])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(eehNotification(temp)?.description).toBe("EEH recovered a failing I/O adapter");
    expect(eehNotification(perm)?.description).toBe("EEH could not recover the failed I/O adapter");
  });

  it("the error stays the PE's last one after recovery; a new freeze after the PE was healthy is a new error (new PLID)", () => {
    const { m, rtas } = newPlatform();
    const fn = "0000:05:10.0";
    injectBadDma(m, fn);
    expect(errorDetail(rtas, fn, TEMP).status).toBe(0);
    expect(setOption(rtas, fn, RTAS_EEH_THAW_IO)).toBe(0);
    expect(setOption(rtas, fn, RTAS_EEH_THAW_DMA)).toBe(0);
    expect(readState(rtas, fn).state).toBe(0);
    const again = errorDetail(rtas, fn, PERM);
    expect(again.status).toBe(0);
    expect(section(decodeRtasLog(again.log), "privateHeader").platformLogId).toBe(1);
    injectBadDma(m, fn);
    expect(section(decodeRtasLog(errorDetail(rtas, fn, TEMP).log), "privateHeader").platformLogId).toBe(2);
  });

  it("a lost PE (a reset that did not bring the link back, or a dead PHB) gives BA188002 even for a temporary request", () => {
    const { m, clock, rtas } = newPlatform();
    injectLinkDown(m, "0000:02:00.0", { permanent: true });
    slotReset(rtas, "0000:03:00.0", RTAS_SLOT_RESET_HOT);
    clock.advanceBy(250);
    slotReset(rtas, "0000:03:00.0", RTAS_SLOT_RESET_DEACTIVATE);
    const lost = decodeRtasLog(errorDetail(rtas, "0000:03:00.0", TEMP).log);
    expect(section(lost, "src").referenceCode).toBe("BA188002");
    killPhb(m, 1);
    const dead = errorDetail(rtas, "0001:03:00.0", TEMP);
    expect(section(decodeRtasLog(dead.log), "src").referenceCode).toBe("BA188002");
    // A dead PHB answers nothing: its registers and the adapter read all ones.
    const [phb, bridge, adapter] = dumpOf(dead.log);
    expect(phb!.registers.every(([, v]) => v === 0xffffffff)).toBe(true);
    expect(bridge!.registers.every(([, v]) => v === 0xffffffff)).toBe(true);
    expect(adapter!.registers.every(([, v]) => v === 0xffffffff)).toBe(true);
  });
});

describe("the return buffer (at most rtas-error-log-max = 2048 bytes)", () => {
  it("exact size: the log fills it; one byte short: −3, nothing written and nothing latched; over 2048: −3", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, "0000:03:00.0");
    const length = errorDetail(newPlatformWithDma().rtas, "0000:03:00.0", TEMP).length;
    expect(length).toBeGreaterThan(24);
    const before = snapshot(rtas, m);
    for (const size of [length - 1, 0, 8, 2049, 4096]) {
      const r = errorDetail(rtas, "0000:03:00.0", TEMP, size);
      expect(r.status).toBe(RTAS_OUT_PARAM_ERROR);
      expect(r.buffer.every((b) => b === 0)).toBe(true);
    }
    expectUnchanged(before, rtas, m);
    const exact = errorDetail(rtas, "0000:03:00.0", TEMP, length);
    expect(exact).toMatchObject({ status: 0, length });
    expect(section(decodeRtasLog(exact.buffer), "privateHeader").platformLogId).toBe(1); // the failed calls used no PLID
    const max = errorDetail(rtas, "0000:03:00.0", TEMP, 2048);
    expect(max.buffer.subarray(length).every((b) => b === 0)).toBe(true); // the tail is left as it was
  });

  it("a smaller rtas-error-log-max lowers the limit", () => {
    const { m, rtas } = newPlatform({ errorLogMax: 1024 });
    injectBadDma(m, "0000:03:00.0");
    expect(errorDetail(rtas, "0000:03:00.0", TEMP, 1025).status).toBe(RTAS_OUT_PARAM_ERROR);
    expect(errorDetail(rtas, "0000:03:00.0", TEMP, 1024).status).toBe(0);
  });

  it("severity other than 1 or 2, or a bad handle: −3, nothing changes", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, "0000:03:00.0");
    const before = snapshot(rtas, m);
    for (const sev of [0, 3, -1, 1.5]) expect(errorDetail(rtas, "0000:03:00.0", sev).status).toBe(RTAS_OUT_PARAM_ERROR);
    const h = rtas.handleOf("0000:03:00.0");
    expect(rtas.slotErrorDetail(h.configAddr, 0x08000000, 0x20000007, null, new Uint8Array(2048), TEMP).status).toBe(RTAS_OUT_PARAM_ERROR);
    expect(rtas.slotErrorDetail(0x123400, h.buidHi, h.buidLo, null, new Uint8Array(2048), TEMP).status).toBe(RTAS_OUT_PARAM_ERROR);
    expectUnchanged(before, rtas, m);
  });
});

function newPlatformWithDma() {
  const p = newPlatform();
  injectBadDma(p.m, "0000:03:00.0");
  return p;
}

describe("the log's content (§3.10, §3.13)", () => {
  it("IODA2 bus PE, DMA freeze: the template's header, PH/UH/PS/MT/LP/UD and no checklist problem", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, "0000:03:00.1");
    const r = errorDetail(rtas, "0000:03:00.0", TEMP);
    const bytes = r.log;
    expect([...bytes.subarray(0, 4)]).toEqual([0x06, 0x44, 0x00, 0xe0]); // v6, warning, fully recovered, extended, type 0xE0
    expect(kernelLogLength(r.buffer)).toBe(bytes.length);
    expect([...bytes.subarray(8, 12)]).toEqual([0xa6, 0x00, 0x8e, 0x00]); // valid|recoverable|new|big-endian; format 14
    expect(String.fromCharCode(...bytes.subarray(20, 23))).toBe("IBM");
    const log = decodeRtasLog(bytes);
    expect(rtasLogProblems(log)).toEqual([]);
    expect(sections(log).map((s) => s.id)).toEqual(["PH", "UH", "PS", "MT", "LP", "UD"]);
    expect(section(log, "privateHeader")).toMatchObject({ creatorId: "L", sectionCount: 6, platformLogId: 1, logEntryId: 1 });
    expect(section(log, "userHeader")).toMatchObject({ subsystemId: 0x83, eventScope: 1, eventSeverity: 0x10, eventType: 0, actionFlags: 0xb800 });
    const ps = section(log, "src");
    expect(ps).toMatchObject({ srcVersion: 2, hexWordCount: 9, referenceCode: "BA188001" });
    expect(ps.callouts?.map((c) => [c.priority, c.locationCode, c.flags, c.substructures])).toEqual([
      ["H", loc("C2"), 0x28, [{ kind: "identity", flags: 0x10 }]],
      ["L", loc("C1"), 0x28, [{ kind: "identity", flags: 0x10 }]], // the switch port above the slot
    ]);
    expect(section(log, "mtms")).toMatchObject({ machineTypeModel: "8286-42A", serialNumber: "21ABCDE" });
    expect(section(log, "partition")).toMatchObject({ primaryPartitionId: 1, targetPartitionIds: [1] });
    expect(section(log, "userData")).toMatchObject({ version: 1, subtype: 1, creatorComponent: 0xa236 });
  });

  it("the register dump: PHB block (handle = BUID low) with the PE's PEST, bridge block flagged 1, adapter config words", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, "0000:03:00.1");
    const hw = m.phbState(0).hw;
    const blocks = dumpOf(errorDetail(rtas, "0000:03:00.0", TEMP).log);
    expect(blocks.map((b) => [b.scope, b.flag, b.handle, b.registers.length])).toEqual([
      [0x38, 0, 0x20000000, 52],
      [0x3a, 1, 0x30000, 28], // type-1 header 16, PCIe 3, AER 9
      [0x40, 0, 0x30000, 3],
    ]);
    const [phb, bridge, adapter] = blocks;
    expect(reg64(phb!, 0x120)).toBe(hw.regs.plssr);
    expect(reg64(phb!, 0xd80)).toBe(hw.regs.groups.ina.status);
    expect(reg64(phb!, 0xdc8)).toBe(hw.regs.groups.ina.log1); // the failing DMA address
    const pestA = reg64(phb!, (7 << 16) | (0xfb << 3))!;
    expect(pestA & PEST_FROZEN).toBe(PEST_FROZEN);
    expect(pestRid(pestA)).toBe(0x301);
    expect(reg64(phb!, (8 << 16) | (0xfb << 3))).toBe(hw.pestB[0xfb]);
    expect(bridge!.registers.slice(0, 2)).toEqual([
      [0x00, 0x874810b5], // the PLX downstream port above the slot
      [0x04, m.configRead("0000:02:00.0", 4, 4)],
    ]);
    // IODA2 does not block config access to a frozen PE: firmware reads what 03:00.1 holds.
    expect(adapter!.registers).toEqual([
      [0x04, m.configRead("0000:03:00.1", 4, 4)],
      [0x00, 0x10fb8086],
      [0x2c, m.configRead("0000:03:00.1", 0x2c, 4)],
    ]);
  });

  it("IODA1 MMIO freeze: the adapter answers all ones, as in the §3.10 sample", () => {
    const { m, rtas } = newPlatform();
    injectMmioError(m, "0001:03:00.0");
    const bytes = errorDetail(rtas, "0001:03:00.0", PERM).log;
    const log = decodeRtasLog(bytes);
    expect(rtasLogProblems(log)).toEqual([]);
    expect(bytes[8]).toBe(0xae); // permanent: recoverable + predictive, as the sample
    expect(section(log, "userHeader").eventSeverity).toBe(0x20);
    const [phb, , adapter] = dumpOf(bytes);
    expect(phb!.handle).toBe(0x20000001);
    expect(adapter!.registers).toEqual([
      [0x04, 0xffffffff],
      [0x00, 0xffffffff],
      [0x2c, 0xffffffff],
    ]);
    expect(reg64(phb!, 0xd00)).not.toBe(0n); // outbound group: the MMIO error
  });

  it("a VF PE's log calls out the PF's slot", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, "0000:05:10.1");
    const ps = section(decodeRtasLog(errorDetail(rtas, "0000:05:10.1", TEMP).log), "src");
    expect(ps.callouts?.map((c) => c.locationCode)).toEqual([loc("C5"), loc("C1")]);
  });
});

describe("the host platform log (/var/log/platform)", () => {
  it("holds each returned log's bytes and rtas_errd's text, which decodeRtasText reads back", () => {
    const { m, clock, rtas } = newPlatform();
    injectBadDma(m, "0000:03:00.0");
    injectMmioError(m, "0001:03:00.0");
    const a = errorDetail(rtas, "0000:03:00.0", TEMP);
    clock.advanceBy(1000);
    const b = errorDetail(rtas, "0001:03:00.0", PERM);
    expect(errorDetail(rtas, "0000:04:00.0", TEMP).status).toBe(RTAS_OUT_NO_ERRORS_FOUND); // not logged
    const entries = rtas.platformLog.entries;
    expect(entries.map((e) => [e.sequence, e.phb, e.pe, e.severity, e.at])).toEqual([
      [1, 0, 0xfb, TEMP, 0],
      [2, 1, 0x7b, PERM, 1000],
    ]);
    expect(entries.map((e) => e.bytes)).toEqual([a.log, b.log]);
    const text = rtas.platformLog.text();
    expect(text).toContain("RTAS: 1 -------- RTAS event begin --------");
    expect(text).toContain("ppc64-diag: Event SRC Code: BA188002");
    expect(text).toContain(`ppc64-diag:     Device Location Code: ${loc("C8")}`);
    expect(decodeRtasText(text)).toEqual([decodeRtasLog(a.log), decodeRtasLog(b.log)]);
  });

  it("keeps what pSeries_log_error keeps: 8 + the extended length, clamped to the maximum", () => {
    const buf = new Uint8Array(64);
    buf.set([0x06, 0x44, 0x00, 0xe0, 0x00, 0x00, 0x00, 0x10]);
    expect(kernelLogLength(buf)).toBe(24);
    buf[1] = 0x40; // extended bit clear
    expect(kernelLogLength(buf)).toBe(8);
    buf.set([0x44, 0, 0, 0, 0x10, 0, 0, 0], 1);
    expect(kernelLogLength(buf, 48)).toBe(48);
  });
});
