// Linux's pseries eeh_ops over the RTAS firmware (linux-eeh.md §2.6, §3.10, §4, §6.2;
// pseries-rtas.md §4.3): the state mapping, the −8 fallback and the hold/settle sleeps on the
// virtual clock, the log path, the configure-bridge delay loop and the MMIO-trick injection.

import { describe, expect, it } from "vitest";
import { freezePe, injectBadDma, killPhb } from "../../../src/ioda/faults.js";
import { frozenPes } from "../../../src/ioda/phb-engine.js";
import { decodeRtasLog } from "../../../src/log/rtas/index.js";
import { EEH_LOG_PERM, EEH_LOG_TEMP, EEH_OPT_FREEZE_PE, EEH_OPT_THAW_DMA, EEH_OPT_THAW_MMIO, EEH_RESET_DEACTIVATE, EEH_RESET_FUNDAMENTAL, EEH_RESET_HOT, EINVAL, EIO, ERANGE, type KernelLog } from "../../../src/platform/eeh-ops.js";
import { PseriesEehOps, eehStateOfRtas } from "../../../src/platform/pseries/index.js";
import { newPlatform } from "./machines.js";

function setup() {
  const p = newPlatform();
  const lines: Array<{ level: string; text: string }> = [];
  const log: KernelLog = { line: (level, text) => void lines.push({ level, text }) };
  return { ...p, lines, ops: new PseriesEehOps(p.rtas, p.clock, log) };
}

describe("get_state (linux-eeh.md §2.6)", () => {
  it("maps each state word", () => {
    expect(eehStateOfRtas({ status: 0, state: 0, supported: 1 })).toEqual({ state: 0x78, delay: 0 });
    expect(eehStateOfRtas({ status: 0, state: 1, supported: 1 })).toEqual({ state: 0x1c, delay: 0 });
    expect(eehStateOfRtas({ status: 0, state: 2, supported: 1 })).toEqual({ state: 0, delay: 0 });
    expect(eehStateOfRtas({ status: 0, state: 4, supported: 1 })).toEqual({ state: 0x20, delay: 0 });
    expect(eehStateOfRtas({ status: 0, state: 5, supported: 1, delayMs: 1500 })).toEqual({ state: 0x01, delay: 1500 });
    expect(eehStateOfRtas({ status: 0, state: 5, supported: 1, delayMs: 0 })).toEqual({ state: 0x02, delay: 0 });
    expect(eehStateOfRtas({ status: 0, state: 3, supported: 1 })).toEqual({ state: 0x02, delay: 0 });
    expect(eehStateOfRtas({ status: 0, state: 0, supported: 0 })).toEqual({ state: 0x02, delay: 0 });
    expect(eehStateOfRtas({ status: -3 })).toEqual({ state: -3, delay: 0 });
  });

  it("reads the machine through RTAS, the PHB PE as the root-bus PE", () => {
    const { m, ops } = setup();
    expect(ops.getState({ phbId: 0, pe: 0xfb })).toEqual({ state: 0x78, delay: 0 });
    freezePe(m, 0, 0xfb, { mmio: false, dma: true });
    expect(ops.getState({ phbId: 0, pe: 0xfb })).toEqual({ state: 0x20, delay: 0 });
    expect(ops.handle({ phbId: 0, pe: "phb" }).configAddr).toBe(0);
    expect(ops.getState({ phbId: 0, pe: "phb" })).toEqual({ state: 0x78, delay: 0 });
    killPhb(m, 1);
    expect(ops.getState({ phbId: 1, pe: 0x7b })).toEqual({ state: 0x02, delay: 0 });
  });
});

describe("set_option, reset, configure_bridge", () => {
  it("thaws through RTAS; FREEZE_PE is not sent on pSeries (0, nothing frozen); unknown options −EINVAL", () => {
    const { m, ops } = setup();
    injectBadDma(m, "0000:03:00.0");
    expect(ops.setOption({ phbId: 0, pe: 0xfb }, EEH_OPT_THAW_MMIO)).toBe(0);
    expect(ops.setOption({ phbId: 0, pe: 0xfb }, EEH_OPT_THAW_DMA)).toBe(0);
    expect(frozenPes(m.phbState(0).hw)).toEqual([]);
    expect(ops.setOption({ phbId: 0, pe: 0xfb }, EEH_OPT_FREEZE_PE)).toBe(0);
    expect(frozenPes(m.phbState(0).hw)).toEqual([]);
    expect(ops.setOption({ phbId: 0, pe: 0xfb }, 9)).toBe(-EINVAL);
  });

  it("a reset sleeps 250 ms after the assert and 1800 ms after the deassert; the PE is back after it", async () => {
    const { m, clock, ops } = setup();
    injectBadDma(m, "0000:03:00.0");
    const pe = { phbId: 0, pe: 0xfb };
    const done: number[] = [];
    const flow = (async () => {
      done.push(await ops.reset(pe, EEH_RESET_HOT), clock.now());
      done.push(await ops.reset(pe, EEH_RESET_DEACTIVATE), clock.now());
      done.push(ops.configureBridge(pe));
    })();
    await clock.runUntilIdle();
    await flow;
    expect(done).toEqual([0, 250, 0, 2050, 0]);
    expect(ops.getState(pe)).toEqual({ state: 0x78, delay: 0 });
  });

  it("a fundamental reset of a VF PE is refused with −8 and retried hot", async () => {
    const { m, clock, ops } = setup();
    const pe = { phbId: 0, pe: 0xf4 };
    const p = ops.reset(pe, EEH_RESET_FUNDAMENTAL);
    await clock.runUntilIdle();
    expect(await p).toBe(0);
    expect(ops.getState(pe).state).toBe(0x1c);
    expect(m.events.some((e) => e.kind === "reset")).toBe(false); // FLR, not a bus reset
  });

  it("configure_bridge waits out extended delays within its 200 ms budget, then gives up with −EIO", () => {
    const { m, clock, ops, lines, rtas } = setup();
    const pe = { phbId: 0, pe: 0xfb };
    const h = rtas.handleOf("0000:03:00.0");
    rtas.setSlotReset(h.configAddr, h.buidHi, h.buidLo, 1);
    clock.advanceBy(250);
    rtas.setSlotReset(h.configAddr, h.buidHi, h.buidLo, 0); // settle: 1500 ms, answers 9904
    expect(ops.configureBridge(pe)).toBe(-EIO);
    expect(clock.now()).toBe(450);
    expect(lines.at(-1)?.text).toBe("pseries_eeh_configure_bridge: Unable to configure bridge PHB#0-PE#30000 (9904)");
    clock.advanceBy(1250); // 50 ms left
    expect(ops.configureBridge(pe)).toBe(0);
    expect(clock.now()).toBe(1800);
    killPhb(m, 0);
    expect(ops.configureBridge(pe)).toBe(-EIO);
  });
});

describe("get_log and err_inject", () => {
  it("get_log returns the RTAS log as bytes and prints the kernel's one-line summary", () => {
    const { m, ops, lines } = setup();
    expect(ops.getLog({ phbId: 0, pe: 0xfb }, EEH_LOG_TEMP)).toBeUndefined(); // no error: status 1
    injectBadDma(m, "0000:03:00.0");
    const log = ops.getLog({ phbId: 0, pe: 0xfb }, EEH_LOG_PERM)!;
    expect(log.kind).toBe("rtas");
    expect(decodeRtasLog(log.bytes).header.type).toBe(0xe0);
    expect(log.lines).toEqual(["RTAS: event: 1, Type: Platform Error (224), Severity: 2"]);
    expect(lines.at(-1)).toEqual({ level: "warn", text: "RTAS: event: 1, Type: Platform Error (224), Severity: 2" });
  });

  it("err_inject breaks every device of the PE with the MMIO trick: the PE freezes, MSE is restored", () => {
    const { m, ops, lines } = setup();
    const before = m.configRead("0000:03:00.0", 4, 2);
    expect(ops.errInject({ phbId: 0, pe: 0xfb }, 0, 0, 0n, 0n)).toBe(0);
    expect(frozenPes(m.phbState(0).hw)).toEqual([0xfb]);
    expect(m.configRead("0000:03:00.0", 4, 2)).toBe(before);
    expect(lines.filter((l) => l.text.includes("Going to break")).map((l) => l.text.split(":")[0])).toEqual(["pci 0000", "pci 0000"]);
    expect(ops.errInject({ phbId: 0, pe: 0xf4 }, 1, 7, 0n, 0n)).toBe(0); // a VF
    expect(frozenPes(m.phbState(0).hw)).toEqual([0xf4, 0xfb]);
  });

  it("err_inject: type ∉ {0, 1} → −EINVAL; functions other than memory load/store → −ERANGE", () => {
    const { m, ops } = setup();
    const before = m.state;
    expect(ops.errInject({ phbId: 0, pe: 0xfb }, 2, 0, 0n, 0n)).toBe(-EINVAL);
    for (const f of [2, 4, 12, 19, 20]) expect(ops.errInject({ phbId: 0, pe: 0xfb }, 0, f, 0n, 0n)).toBe(-ERANGE);
    expect(m.state).toBe(before);
  });
});
