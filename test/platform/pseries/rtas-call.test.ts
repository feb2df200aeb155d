// The RTAS calling convention (pseries-rtas.md §4.3, §4.5, §6.1, §6.2): calls by name or
// token, nargs/nret checks, 32-bit cells, buffers in machine memory.

import { describe, expect, it } from "vitest";
import { injectBadDma } from "../../../src/ioda/faults.js";
import { decodeRtasLog } from "../../../src/log/rtas/index.js";
import {
  RTAS_CALLS,
  RTAS_ERR_TYPE_IOA_BUS_ERROR,
  RTAS_OUT_PARAM_ERROR,
  RTAS_TOKENS,
  encodeIoaBusErrorWorkArea,
  rtasCall,
  rtasCallName,
  type RtasCallName,
} from "../../../src/platform/pseries/index.js";
import { expectUnchanged, snapshot } from "./helpers.js";
import { newPlatform } from "./machines.js";

const readBytes = (m: ReturnType<typeof newPlatform>["m"], addr: bigint, n: number) => Uint8Array.from({ length: n }, (_, i) => Number(m.memRead(addr + BigInt(i), 1)));

describe("rtasCall", () => {
  it("names and tokens: QEMU's numbers for the six EEH calls and ibm,errinjct", () => {
    expect(RTAS_TOKENS["ibm,set-eeh-option"]).toBe(0x2020);
    expect(RTAS_TOKENS["ibm,get-config-addr-info2"]).toBe(0x2021);
    expect(RTAS_TOKENS["ibm,read-slot-reset-state2"]).toBe(0x2022);
    expect(RTAS_TOKENS["ibm,set-slot-reset"]).toBe(0x2023);
    expect(RTAS_TOKENS["ibm,configure-pe"]).toBe(0x2024);
    expect(RTAS_TOKENS["ibm,slot-error-detail"]).toBe(0x2025);
    expect(RTAS_TOKENS["ibm,errinjct"]).toBe(0x202d);
    for (const name of Object.keys(RTAS_CALLS) as RtasCallName[]) expect(rtasCallName(RTAS_TOKENS[name])).toBe(name);
    expect(new Set(Object.values(RTAS_TOKENS)).size).toBe(Object.keys(RTAS_TOKENS).length);
    expect(rtasCallName(0x2099)).toBeUndefined();
  });

  it("read-slot-reset-state2 by token, with 4 or 5 return cells", () => {
    const { m, rtas } = newPlatform();
    const h = rtas.handleOf("0000:03:00.0");
    injectBadDma(m, "0000:03:00.0");
    expect(rtasCall(rtas, 0x2022, [h.configAddr, h.buidHi, h.buidLo], 4)).toEqual({ status: 0, rets: [0, 2, 1, 0] });
    expect(rtasCall(rtas, "ibm,read-slot-reset-state2", [h.configAddr, h.buidHi, h.buidLo], 5)).toEqual({ status: 0, rets: [0, 2, 1, 0, 0] });
    expect(rtasCall(rtas, "ibm,read-slot-reset-state2", [0x99000, h.buidHi, h.buidLo], 4)).toEqual({ status: -3, rets: [-3, 0, 0, 0] });
  });

  it("wrong nargs or nret, an unknown call, cells that are not u32: −3 and nothing changes", () => {
    const { m, rtas } = newPlatform();
    const h = rtas.handleOf("0000:03:00.0");
    const before = snapshot(rtas, m);
    const bad: Array<[RtasCallName | number, number[], number]> = [
      ["ibm,read-slot-reset-state2", [h.configAddr, h.buidHi, h.buidLo], 3],
      ["ibm,read-slot-reset-state2", [h.configAddr, h.buidHi], 4],
      ["ibm,set-eeh-option", [h.configAddr, h.buidHi, h.buidLo], 1],
      ["ibm,set-slot-reset", [h.configAddr, h.buidHi, h.buidLo, 1], 2],
      ["ibm,open-errinjct", [], 1],
      ["ibm,set-eeh-option", [h.configAddr, h.buidHi, h.buidLo, -1], 1],
      ["ibm,set-eeh-option", [h.configAddr, h.buidHi, h.buidLo, 2 ** 32], 1],
      ["ibm,set-eeh-option", [h.configAddr, h.buidHi, h.buidLo, 0.5], 1],
      [0x1234, [], 1],
    ];
    for (const [call, args, nret] of bad) expect(rtasCall(rtas, call, args, nret)).toEqual({ status: RTAS_OUT_PARAM_ERROR, rets: [RTAS_OUT_PARAM_ERROR] });
    expectUnchanged(before, rtas, m);
  });

  it("slot-error-detail writes only the log into machine memory at the return buffer address", () => {
    const { m, rtas } = newPlatform();
    const h = rtas.handleOf("0000:03:00.0");
    injectBadDma(m, "0000:03:00.0");
    const buf = 0x10_0ff8n; // crosses a page boundary
    m.memWrite(buf + 1000n, 1, 0xaan); // something after the log
    const r = rtasCall(rtas, "ibm,slot-error-detail", [h.configAddr, h.buidHi, h.buidLo, 0, 0, Number(buf), 2048, 1], 1);
    expect(r).toEqual({ status: 0, rets: [0] });
    const head = readBytes(m, buf, 8);
    const length = 8 + new DataView(head.buffer).getUint32(4);
    const log = decodeRtasLog(readBytes(m, buf, length));
    expect(log.header.type).toBe(0xe0);
    expect(rtas.platformLog.entries[0]!.bytes).toEqual(readBytes(m, buf, length));
    expect(m.memRead(buf + 1000n, 1)).toBe(0xaan);
  });

  it("slot-error-detail with a length over 2048 (even 0xffffffff) is −3 without allocating it", () => {
    const { m, rtas } = newPlatform();
    const h = rtas.handleOf("0000:03:00.0");
    injectBadDma(m, "0000:03:00.0");
    const before = snapshot(rtas, m);
    for (const len of [2049, 0xffffffff]) expect(rtasCall(rtas, "ibm,slot-error-detail", [h.configAddr, h.buidHi, h.buidLo, 0, 0, 0x1000, len, 1], 1).status).toBe(-3);
    expect(rtasCall(rtas, "ibm,slot-error-detail", [h.configAddr, h.buidHi, h.buidLo, 0, 0, 0x1000, 64, 1], 1).status).toBe(-3);
    expectUnchanged(before, rtas, m);
  });

  it("get-config-addr-info2 returns [status, info]; open-errinjct [token, status]; errinjct reads its work area from memory", () => {
    const { m, rtas } = newPlatform();
    const h = rtas.functionHandle("0000:04:01.0");
    expect(rtasCall(rtas, "ibm,get-config-addr-info2", [h.configAddr, h.buidHi, h.buidLo, 0], 2)).toEqual({ status: 0, rets: [0, 0x40800] });
    expect(rtasCall(rtas, "ibm,get-config-addr-info2", [h.configAddr, h.buidHi, h.buidLo, 1], 2)).toEqual({ status: 0, rets: [0, 1] });
    const open = rtasCall(rtas, "ibm,open-errinjct", [], 2);
    expect(open).toEqual({ status: 0, rets: [1, 0] });
    expect(rtasCall(rtas, "ibm,open-errinjct", [], 2)).toEqual({ status: -4, rets: [0, -4] });
    const area = encodeIoaBusErrorWorkArea({ type: 0, func: 0, addr: 0n, mask: 0n, configAddr: h.configAddr, buidHi: h.buidHi, buidLo: h.buidLo });
    const at = 0x20_0000n;
    area.forEach((b, i) => b !== 0 && m.memWrite(at + BigInt(i), 1, BigInt(b)));
    expect(rtasCall(rtas, "ibm,errinjct", [RTAS_ERR_TYPE_IOA_BUS_ERROR, open.rets[0]!, Number(at)], 1)).toEqual({ status: 0, rets: [0] });
    expect(m.phbState(0).hw.regs.injCtl).toBe(0x4800000000000000n);
    expect(rtasCall(rtas, "ibm,close-errinjct", [open.rets[0]!], 1)).toEqual({ status: 0, rets: [0] });
    expect(rtasCall(rtas, "ibm,configure-bridge", [h.configAddr, h.buidHi, h.buidLo], 1)).toEqual({ status: 0, rets: [0] });
  });
});
