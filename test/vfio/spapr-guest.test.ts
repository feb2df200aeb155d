// QEMU's sPAPR RTAS → VFIO_EEH_PE_OP mapping (pseries-rtas.md §6.2, §6.3, §6.5): a
// pSeries guest on a PowerNV host, scripted with RTAS calls.
import { describe, expect, it } from "vitest";
import { injectBadDma, injectFence } from "../../src/ioda/faults.js";
import { RTAS_TOKENS } from "../../src/platform/pseries/rtas-constants.js";
import { encodeIoaBusErrorWorkArea } from "../../src/platform/pseries/errinjct-work-area.js";
import { SpaprGuest, type VfioDevice } from "../../src/vfio/index.js";
import { guestWith, vfioEnv, vt, type Env } from "./setup.js";

const DEV = "0000:04:00.0";

async function setup(model: "ioda2" | "ioda1" = "ioda2", errinjct = true) {
  const env = vfioEnv(model);
  const g = await guestWith(env, "lpar", DEV);
  const spapr = new SpaprGuest(g.c, { errinjct });
  const pe = spapr.peConfigAddr(g.dev);
  const call = (name: Parameters<SpaprGuest["rtas"]>[0], args: number[], nret: number) => vt(env, spapr.rtas(name, args, nret));
  const h = (addr = pe) => [addr, spapr.buidHi, spapr.buidLo];
  return { env, ...g, spapr, pe, call, h };
}

describe("the EEH calls (§6.2, §6.3)", () => {
  it("get-config-addr-info2: fn 0 gives 00BB0001 for a plugged device, fn 1 'shared'", async () => {
    const { spapr, dev, call } = await setup();
    expect(spapr.guestAddress(dev)).toEqual({ bus: 0, devfn: 0 });
    const cfg = spapr.configAddr(dev);
    expect((await call("ibm,get-config-addr-info2", [cfg, spapr.buidHi, spapr.buidLo, 0], 2)).rets).toEqual([0, 0x00000001]);
    expect((await call("ibm,get-config-addr-info2", [cfg, spapr.buidHi, spapr.buidLo, 1], 2)).rets).toEqual([0, 2]);
    expect((await call("ibm,get-config-addr-info2", [0x00000800, spapr.buidHi, spapr.buidLo, 0], 2)).status).toBe(-3); // no device at 00:01.0
    expect((await call("ibm,get-config-addr-info2", [cfg, spapr.buidHi, spapr.buidLo, 2], 2)).status).toBe(-3);
  });
  it("read-slot-reset-state2: [0, state, supported 1, 1000 ms] (+ recovery info with 5 rets); the VFIO states round-trip", async () => {
    const { env, call, h } = await setup();
    expect((await call("ibm,read-slot-reset-state2", h(), 4)).rets).toEqual([0, 0, 1, 1000]);
    expect((await call("ibm,read-slot-reset-state2", h(), 5)).rets).toEqual([0, 0, 1, 1000, 0]);
    injectBadDma(env.m, DEV);
    expect((await call("ibm,read-slot-reset-state2", h(), 4)).rets).toEqual([0, 2, 1, 1000]);
  });
  it("set-eeh-option: 2 thaws MMIO (state 4), 3 thaws DMA (state 0), 0 is a no-op, 1 needs a device on the bus, ≥4 is -3", async () => {
    const { env, call, h, pe } = await setup();
    injectBadDma(env.m, DEV);
    expect((await call("ibm,set-eeh-option", [...h(), 2], 1)).status).toBe(0);
    expect((await call("ibm,read-slot-reset-state2", h(), 4)).rets[1]).toBe(4);
    expect((await call("ibm,set-eeh-option", [...h(), 3], 1)).status).toBe(0);
    expect((await call("ibm,read-slot-reset-state2", h(), 4)).rets[1]).toBe(0);
    expect((await call("ibm,set-eeh-option", [...h(), 0], 1)).status).toBe(0);
    expect((await call("ibm,set-eeh-option", [...h(), 1], 1)).status).toBe(0);
    expect((await call("ibm,set-eeh-option", [...h(pe | 0x10000), 1], 1)).status).toBe(-3); // bus 1: no vfio-pci device
    expect((await call("ibm,set-eeh-option", [...h(), 4], 1)).status).toBe(-3);
  });
  it("set-slot-reset 1 / 0 and configure-pe: QEMU resets MSI-X first, the host resets, thaws, reconfigures", async () => {
    const { env, spapr, dev, call, h } = await setup();
    injectBadDma(env.m, DEV);
    expect((await call("ibm,set-slot-reset", [...h(), 1], 1)).status).toBe(0);
    expect(spapr.trace).toEqual([{ call: "ibm,set-slot-reset", note: `MSI-X disabled and table reset on ${DEV}` }]);
    expect((await call("ibm,read-slot-reset-state2", h(), 4)).rets[1]).toBe(2);
    expect((await call("ibm,set-slot-reset", [...h(), 0], 1)).status).toBe(0);
    expect((await call("ibm,configure-pe", h(), 1)).status).toBe(0);
    expect((await call("ibm,read-slot-reset-state2", h(), 4)).rets[1]).toBe(0);
    expect(dev.readMmio(0, 0n, 4)).toBe(0x101315b3n);
    expect((await call("ibm,set-slot-reset", [...h(), 3], 1)).status).toBe(0);
    expect((await call("ibm,set-slot-reset", [...h(), 2], 1)).status).toBe(-3);
  });
  it("slot-error-detail answers 1 (no errors found) for severities 1 and 2, -3 otherwise", async () => {
    const { env, call, h } = await setup();
    injectBadDma(env.m, DEV);
    expect((await call("ibm,slot-error-detail", [...h(), 0, 0, 0x1000, 2048, 1], 1)).status).toBe(1);
    expect((await call("ibm,slot-error-detail", [...h(), 0, 0, 0x1000, 2048, 2], 1)).status).toBe(1);
    expect((await call("ibm,slot-error-detail", [...h(), 0, 0, 0x1000, 2048, 3], 1)).status).toBe(-3);
  });
  it("a failing ioctl: -1 for set-eeh-option / set-slot-reset, -3 for read-slot-reset-state2 / configure-pe, and a line on QEMU's stderr", async () => {
    const { env, spapr, call, h } = await setup();
    injectFence(env.m, 0);
    expect((await call("ibm,set-eeh-option", [...h(), 2], 1)).status).toBe(-1);
    expect(spapr.stderr).toEqual(["vfio/eeh: EEH_PE_OP 0x2 failed: Input/output error"]);
    await vt(env, spapr.container.devices()[0]!.close());
    spapr.container.removeGroup(spapr.container.groups[0]!.id);
    // No group any more: EEH is not available on the PHB at all.
    expect((await call("ibm,read-slot-reset-state2", h(), 4)).status).toBe(-3);
  });
  it("read-slot-reset-state2 failing in the kernel (-ENODEV) is -3 with nothing else written", async () => {
    const env = vfioEnv();
    const c = env.vfio.openContainer("lpar");
    c.addGroup(env.vfio.groupOf(DEV)!.id);
    const d = (await vt(env, c.openDevice(DEV))) as VfioDevice;
    const spapr = new SpaprGuest(c);
    env.core.device(DEV).present = false; // hot-removed on the host
    const r = await vt(env, spapr.rtas("ibm,read-slot-reset-state2", [spapr.peConfigAddr(d), spapr.buidHi, spapr.buidLo], 5));
    expect(r.rets).toEqual([-3, 0, 0, 0, 0]);
    expect(spapr.stderr).toEqual(["vfio/eeh: EEH_PE_OP 0x4 failed: No such device"]);
  });
});

describe("RTAS conventions and QEMU's checks", () => {
  it("wrong nargs/nret, a foreign BUID, unknown or unregistered calls: -3; calls by token work", async () => {
    const { call, h, spapr } = await setup();
    expect((await call("ibm,read-slot-reset-state2", h(), 3)).status).toBe(-3);
    expect((await call("ibm,read-slot-reset-state2", [...h(), 0], 4)).status).toBe(-3);
    expect((await call("ibm,read-slot-reset-state2", [h()[0]!, spapr.buidHi, spapr.buidLo + 1], 4)).status).toBe(-3);
    expect((await call("ibm,configure-bridge", h(), 1)).status).toBe(-3); // QEMU does not register it
    expect((await call(0x1234, h(), 4)).status).toBe(-3);
    expect((await call(RTAS_TOKENS["ibm,read-slot-reset-state2"], h(), 4)).rets).toEqual([0, 0, 1, 1000]);
    expect((await call("ibm,read-slot-reset-state2", [-1, 0, 0], 4)).status).toBe(-3);
  });
  it("EEH is available only with exactly one group in the container", async () => {
    const env = vfioEnv();
    const c = env.vfio.openContainer("lpar");
    for (const a of [DEV, "0000:05:00.0"]) c.addGroup(env.vfio.groupOf(a)!.id);
    const d = (await vt(env, c.openDevice(DEV))) as VfioDevice;
    const spapr = new SpaprGuest(c);
    const h = [spapr.peConfigAddr(d), spapr.buidHi, spapr.buidLo];
    for (const [name, args, nret] of [
      ["ibm,read-slot-reset-state2", h, 4],
      ["ibm,set-eeh-option", [...h, 1], 1],
      ["ibm,set-slot-reset", [...h, 1], 1],
      ["ibm,configure-pe", h, 1],
      ["ibm,get-config-addr-info2", [...h, 1], 2],
      ["ibm,slot-error-detail", [...h, 0, 0, 0, 0, 1], 1],
    ] as const) {
      expect((await vt(env, spapr.rtas(name, args, nret))).status).toBe(-3);
    }
  });
});

describe("ibm,errinjct (the Oct-2025 proposal, §6.5)", () => {
  function workArea(spapr: SpaprGuest, func: number, type = 0) {
    return encodeIoaBusErrorWorkArea({ type, addr: 0n, mask: 0n, configAddr: 0x00000001, buidHi: spapr.buidHi, buidLo: spapr.buidLo, func });
  }
  it("open → errinjct ioa-bus-error → close: INJECT_ERR on the host; the guest's next access freezes its PE", async () => {
    const { env, spapr, dev, call, h } = await setup("ioda1");
    const open = await call("ibm,open-errinjct", [], 2);
    expect(open.rets).toEqual([1, 0]);
    expect((await call("ibm,open-errinjct", [], 2)).rets).toEqual([0, -4]);
    spapr.memory.write(0x10000, workArea(spapr, 4)); // LD_CFG_ADDR
    expect((await call("ibm,errinjct", [7, 1, 0x10000], 1)).status).toBe(0);
    expect(env.log.grep(/EEH: Guest lpar injected error 0-4 into PHB#0-PE#7a/)).toHaveLength(1);
    expect(dev.readConfig(0, 4)).toBe(0xffffffff);
    expect((await call("ibm,read-slot-reset-state2", h(), 4)).rets[1]).toBe(2);
    expect((await call("ibm,close-errinjct", [1], 1)).status).toBe(0);
    expect((await call("ibm,close-errinjct", [1], 1)).status).toBe(-3);
  });
  it("refusals: wrong token, unsupported type, func > 19, foreign BUID: -3; a platform refusal (EIO): -1", async () => {
    const { spapr, call } = await setup("ioda1");
    await call("ibm,open-errinjct", [], 2);
    spapr.memory.write(0x10000, workArea(spapr, 0));
    expect((await call("ibm,errinjct", [7, 2, 0x10000], 1)).status).toBe(-3);
    expect((await call("ibm,errinjct", [1, 1, 0x10000], 1)).status).toBe(-3); // "fatal"
    spapr.memory.write(0x11000, workArea(spapr, 20));
    expect((await call("ibm,errinjct", [7, 1, 0x11000], 1)).status).toBe(-3);
    spapr.memory.write(0x12000, encodeIoaBusErrorWorkArea({ type: 0, addr: 0n, mask: 0n, configAddr: 1, buidHi: spapr.buidHi, buidLo: spapr.buidLo + 1, func: 0 }));
    expect((await call("ibm,errinjct", [7, 1, 0x12000], 1)).status).toBe(-3);
    spapr.memory.write(0x13000, workArea(spapr, 0, 1)); // 64-bit on P7IOC: OPAL unsupported → -EIO
    expect((await call("ibm,errinjct", [0xf, 1, 0x13000], 1)).status).toBe(-1);
  });
  it("not registered when disabled (upstream QEMU)", async () => {
    const { call } = await setup("ioda2", false);
    expect((await call("ibm,open-errinjct", [], 2)).status).toBe(-3);
  });
});

describe("a pSeries guest's recovery, scripted in RTAS, on a PowerNV host", () => {
  it("detect → thaw IO → log → hot reset → deactivate → configure → normal", async () => {
    const { env, dev, call, h, spapr } = await setup();
    injectBadDma(env.m, DEV);
    expect(dev.readMmio(0, 0n, 4)).toBe(0xffffffffn);
    const steps: Array<[string, number]> = [];
    const step = async (n: Parameters<SpaprGuest["rtas"]>[0], args: number[], nret: number) => {
      const r = await call(n, args, nret);
      steps.push([String(n), r.status]);
      return r;
    };
    expect((await step("ibm,read-slot-reset-state2", h(), 4)).rets[1]).toBe(2);
    await step("ibm,set-eeh-option", [...h(), 2], 1);
    await step("ibm,slot-error-detail", [...h(), 0, 0, 0x2000, 2048, 1], 1);
    await step("ibm,set-slot-reset", [...h(), 1], 1);
    await step("ibm,set-slot-reset", [...h(), 0], 1);
    await step("ibm,configure-pe", h(), 1);
    expect((await step("ibm,read-slot-reset-state2", h(), 4)).rets[1]).toBe(0);
    expect(steps.map(([, s]) => s)).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(dev.readMmio(0, 0n, 4)).toBe(0x101315b3n);
    expect(spapr.stderr).toEqual([]);
    expect((env as Env).vfio.guestView("lpar").counts).toMatchObject({ freeze: 1, reset: 1, deactivate: 1, configure: 1 });
  });
});
