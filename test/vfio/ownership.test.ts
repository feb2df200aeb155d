// The ownership hand-off (linux-eeh.md §5.1): eeh_dev_open / eeh_dev_release,
// pass_dev_cnt, eeh_pe_change_owner (thaw, or reset-and-recover for the quirk list), and
// the host leaving a passed-through PE's recovery to its owner.
import { describe, expect, it } from "vitest";
import { MachineBuilder } from "../../src/pci/builder.js";
import { injectBadDma, injectFence, injectLinkDown } from "../../src/ioda/faults.js";
import { EEH_PE_ISOLATED, EEH_PE_RECOVERING } from "../../src/ioda/pe/pe-flags.js";
import { EIO, ENODEV } from "../../src/platform/eeh-ops.js";
import { scriptedDriver } from "../../src/eeh/driver.js";
import { EEH_RESET_QUIRKS, VFIO_EEH_PE_GET_STATE, VFIO_EEH_PE_STATE_STOPPED, VFIO_EEH_PE_STATE_UNAVAIL, guestRecover, type VfioDevice } from "../../src/vfio/index.js";
import type { PhbSpec } from "../../src/pci/topology.js";
import { switchPhb } from "../ioda/fixtures.js";
import { guestWith, vfioEnv, vt } from "./setup.js";

const DEV = "0000:04:00.0";
const peOf = (env: ReturnType<typeof vfioEnv>, a: string) => ({ phbId: 0, pe: env.m.peOf(a).pe });

function withIds(vendorId: number, deviceId: number): PhbSpec {
  const phb = switchPhb(0, "ioda2", 3);
  return { ...phb, functions: phb.functions.map((f) => (f.address.bus === 4 && f.kind === "endpoint" ? { ...f, vendorId, deviceId } : f)) };
}

describe("eeh_dev_open / eeh_dev_release", () => {
  it("pass_dev_cnt counts opened devices of the PE; the last release hands the PE back", async () => {
    const spec = new MachineBuilder()
      .phb({ model: "ioda2" }, (root) =>
        root.switch({ downstreamPorts: 2 }, (ports) => {
          ports[0]!.endpoint({ functions: 2 });
          ports[1]!.endpoint();
        }),
      )
      .build();
    const env = vfioEnv("ioda2", { phbs: spec.phbs });
    const fns = env.vfio.groups.find((g) => g.devices.length === 2)!;
    const c = env.vfio.openContainer("vm");
    expect(c.addGroup(fns.id)).toBe(0);
    const pe = { phbId: fns.phbId, pe: fns.pe };
    const d0 = (await vt(env, c.openDevice(fns.devices[0]!))) as VfioDevice;
    const d1 = (await vt(env, c.openDevice(fns.devices[1]!))) as VfioDevice;
    expect(env.core.pe(pe).passDevCnt).toBe(2);
    expect(env.core.isPassed(pe)).toBe(true);
    // Opening an open device again is not a second hand-off.
    expect(await vt(env, c.openDevice(fns.devices[0]!))).toBe(d0);
    expect(env.core.pe(pe).passDevCnt).toBe(2);
    await vt(env, d0.close());
    expect(env.core.pe(pe).passDevCnt).toBe(2);
    await vt(env, d0.close());
    expect(env.core.pe(pe).passDevCnt).toBe(1);
    await vt(env, d1.close());
    expect(env.core.pe(pe).passDevCnt).toBe(0);
    expect(env.log.grep(/vfio-pci .*: EEH: PHB#0-PE#[0-9a-f]+ (passed through to|released by) guest vm/)).toHaveLength(4);
  });
  it("opening a PE that froze before anyone noticed thaws it and clears ISOLATED (no reset)", async () => {
    const env = vfioEnv();
    injectBadDma(env.m, DEV);
    env.core.devCheckFailure(env.core.device(DEV)); // the host saw it: ISOLATED | RECOVERING, queued
    env.core.stateClear(peOf(env, DEV), EEH_PE_RECOVERING, true); // (not yet picked up)
    const { dev } = await guestWith(env, "vm", DEV);
    expect(env.m.peFreezeState(0, peOf(env, DEV).pe)).toEqual({ mmio: false, dma: false });
    expect(env.core.pe(peOf(env, DEV)).state & EEH_PE_ISOLATED).toBe(0);
    expect(env.m.events.some((e) => e.kind === "reset")).toBe(false);
    expect(dev.readMmio(0, 0n, 4)).toBe(0x101315b3n);
  });
  it("a thaw that fails fails the open: -EIO, pass_dev_cnt unchanged", async () => {
    const env = vfioEnv();
    injectFence(env.m, 0);
    const c = env.vfio.openContainer("vm");
    c.addGroup(env.vfio.groupOf(DEV)!.id);
    expect(await vt(env, c.openDevice(DEV))).toBe(-EIO);
    expect(env.core.pe(peOf(env, DEV)).passDevCnt).toBe(0);
    expect(env.vfio.guestView("vm").counts.error).toBe(1);
  });
  it("a removed device cannot be opened: -ENODEV", async () => {
    const env = vfioEnv("ioda2", { core: { drivers: { [DEV]: scriptedDriver("bnx2x", { errorDetected: "disconnect" }) } } });
    injectBadDma(env.m, DEV);
    env.core.readMmio(DEV, 0, 0n, 4);
    await env.core.settle();
    const c = env.vfio.openContainer("vm");
    c.addGroup(env.vfio.groupOf(DEV)!.id);
    expect(await vt(env, c.openDevice(DEV))).toBe(-ENODEV);
  });
  it("releasing a frozen passed-through PE thaws it for the host", async () => {
    const env = vfioEnv();
    const { dev } = await guestWith(env, "vm", DEV);
    injectBadDma(env.m, DEV);
    await vt(env, dev.close());
    expect(env.core.pe(peOf(env, DEV)).passDevCnt).toBe(0);
    expect(env.m.peFreezeState(0, peOf(env, DEV).pe)).toEqual({ mmio: false, dma: false });
    expect(env.core.readMmio(DEV, 0, 0n, 4)).toBe(0x101315b3n);
  });
});

describe("the quirk list: reset and recover on change of owner", () => {
  it.each(EEH_RESET_QUIRKS.map((q) => [q.name, q.vendor, q.device] as const))("%s (%s:%s) is reset, thawed and restored", async (_name, vendor, device) => {
    const env = vfioEnv("ioda2", { phbs: [withIds(vendor, device)] });
    injectBadDma(env.m, DEV);
    const { dev } = await guestWith(env, "vm", DEV);
    const pe = peOf(env, DEV);
    expect(env.m.events.some((e) => e.kind === "reset" && e.scope === "bus")).toBe(true);
    expect(env.m.peFreezeState(0, pe.pe)).toEqual({ mmio: false, dma: false });
    expect(env.core.pe(pe).state & (EEH_PE_ISOLATED | EEH_PE_RECOVERING)).toBe(0);
    expect(dev.readMmio(0, 0n, 4)).toBe(BigInt(((device << 16) | vendor) >>> 0)); // BARs back
    expect(env.core.pe(pe).passDevCnt).toBe(1);
  });
  it("a working quirk PE is left alone; a RECOVERING one is not touched (the host is at it)", async () => {
    const env = vfioEnv("ioda2", { phbs: [withIds(0x14e4, 0x1657)] });
    await guestWith(env, "vm", DEV);
    expect(env.m.events.some((e) => e.kind === "reset")).toBe(false);
    const env2 = vfioEnv("ioda2", { phbs: [withIds(0x14e4, 0x1657)] });
    injectBadDma(env2.m, DEV);
    env2.core.stateMark(peOf(env2, DEV), EEH_PE_RECOVERING);
    await guestWith(env2, "vm", DEV);
    expect(env2.m.events.some((e) => e.kind === "reset")).toBe(false);
    expect(env2.m.peFreezeState(0, peOf(env2, DEV).pe)).toEqual({ mmio: true, dma: true });
  });
  it("other devices are only thawed", async () => {
    const env = vfioEnv("ioda2", { phbs: [withIds(0x19a2, 0x0711)] });
    injectBadDma(env.m, DEV);
    await guestWith(env, "vm", DEV);
    expect(env.m.events.some((e) => e.kind === "reset")).toBe(false);
    expect(env.m.peFreezeState(0, peOf(env, DEV).pe)).toEqual({ mmio: false, dma: false });
  });
});

describe("while passed through, the host leaves recovery to the guest", () => {
  it("no host detection, no next_error report, no recovery: the guest recovers", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = vfioEnv("ioda2", { core: { drivers: { [DEV]: drv } } });
    const { c, dev } = await guestWith(env, "vm", DEV);
    injectBadDma(env.m, DEV);
    expect(env.core.devCheckFailure(env.core.device(DEV))).toBe(0);
    await env.core.settle();
    expect(env.core.outcomes).toHaveLength(0);
    expect(env.log.grep("EEH: Frozen PE#fa on PHB#0 detected")).toHaveLength(0);
    expect(drv.calls).toEqual([]);
    expect(env.log.grep("EEH: Frozen passthrough PHB#0-PE#fa (dma-tce-page-fault); recovery left to guest vm")).toHaveLength(1);
    expect(env.vfio.guestView("vm").counts.freeze).toBe(1);
    expect(dev.readMmio(0, 0n, 4)).toBe(0xffffffffn);
    const r = await vt(env, guestRecover(c));
    expect(r.outcome).toBe("recovered");
    expect(dev.readMmio(0, 0n, 4)).toBe(0x101315b3n);
  });
  it("a host recovery above the PE: the guest sees UNAVAIL, then its PE left frozen, and recovers it", async () => {
    const host = "0000:03:00.0";
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = vfioEnv("ioda2", { core: { drivers: { [host]: drv } } });
    const { c, dev } = await guestWith(env, "vm", DEV);
    injectLinkDown(env.m, "0000:02:01.0"); // the guest device's port: the switch's bus PE and the PEs below freeze
    env.core.devCheckFailure(env.core.device("0000:02:01.0")); // the host checks the port (debugfs eeh_dev_check)
    expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }))).toBe(VFIO_EEH_PE_STATE_UNAVAIL);
    await env.core.settle();
    expect(env.core.outcomes.at(-1)?.outcome).toBe("recovered");
    expect(env.m.peFreezeState(0, peOf(env, DEV).pe)).toEqual({ mmio: true, dma: true });
    expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }))).toBe(VFIO_EEH_PE_STATE_STOPPED);
    expect((await vt(env, guestRecover(c))).outcome).toBe("recovered");
    expect(dev.readMmio(0, 0n, 4)).toBe(0x101315b3n);
    expect(env.core.readMmio(host, 0, 0n, 4)).toBe(0x101315b3n);
  });
});
