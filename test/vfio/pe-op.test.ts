// VFIO_CHECK_EXTENSION and VFIO_EEH_PE_OP (linux-eeh.md §5.2, §5.3, §6.2): ioctl numbers,
// the argsz/flags/copy checks, per-group application with early return, and every op of
// the table with valid and invalid arguments, on both IODA models.
import { describe, expect, it } from "vitest";
import { injectBadDma, injectFence } from "../../src/ioda/faults.js";
import { EEH_PE_CFG_BLOCKED, EEH_PE_ISOLATED } from "../../src/ioda/pe/pe-flags.js";
import { EINVAL, EIO, ENODEV, ERANGE } from "../../src/platform/eeh-ops.js";
import { scriptedDriver } from "../../src/eeh/driver.js";
import {
  EBADF,
  EFAULT,
  ENOTTY,
  VFIO_CHECK_EXTENSION,
  VFIO_EEH,
  VFIO_EEH_PE_CONFIGURE,
  VFIO_EEH_PE_DISABLE,
  VFIO_EEH_PE_ENABLE,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_INJECT_ERR,
  VFIO_EEH_PE_OP,
  VFIO_EEH_PE_RESET_DEACTIVATE,
  VFIO_EEH_PE_RESET_FUNDAMENTAL,
  VFIO_EEH_PE_RESET_HOT,
  VFIO_EEH_PE_STATE_NORMAL,
  VFIO_EEH_PE_STATE_STOPPED,
  VFIO_EEH_PE_STATE_STOPPED_DMA,
  VFIO_EEH_PE_UNFREEZE_DMA,
  VFIO_EEH_PE_UNFREEZE_IO,
  encodePeOp,
  type VfioContainer,
  type VfioEehPeOp,
} from "../../src/vfio/index.js";
import { guestWith, vfioEnv, vt, type Env } from "./setup.js";

const DEV = "0000:04:00.0";
const IDS = 0x101315b3n; // what offset 0 of BAR 0 answers for the fixture's endpoints

function header(argsz: number, flags: number, op: number, length = 40): Uint8Array {
  const b = new Uint8Array(length);
  const v = new DataView(b.buffer);
  if (length >= 4) v.setUint32(0, argsz, true);
  if (length >= 8) v.setUint32(4, flags, true);
  if (length >= 12) v.setUint32(8, op, true);
  return b;
}

function op(env: Env, c: VfioContainer, arg: Uint8Array | VfioEehPeOp): Promise<number> {
  return vt(env, c.eehPeOp(arg));
}

describe("ioctl plumbing (§5.2)", () => {
  it("numbers: VFIO_EEH_PE_OP = 0x20003B79, VFIO_CHECK_EXTENSION = 0x20003B65, VFIO_EEH = 5", () => {
    expect(VFIO_EEH_PE_OP).toBe(0x20003b79);
    expect(VFIO_CHECK_EXTENSION).toBe(0x20003b65);
    expect(VFIO_EEH).toBe(5);
  });
  it("CHECK_EXTENSION(VFIO_EEH) answers eeh_enabled(); other extensions 0; unknown ioctls -ENOTTY", async () => {
    const env = vfioEnv();
    const c = env.vfio.openContainer("vm");
    expect(c.checkExtension(VFIO_EEH)).toBe(1);
    expect(await c.ioctl(VFIO_CHECK_EXTENSION, VFIO_EEH)).toBe(1);
    expect(c.checkExtension(1)).toBe(0);
    env.core.enabled = false;
    expect(c.checkExtension(VFIO_EEH)).toBe(0);
    expect(await c.ioctl(0x20003b00, 0)).toBe(-ENOTTY);
    expect(await c.ioctl(VFIO_EEH_PE_OP, 0x1000)).toBe(-EFAULT); // a bare number is no structure
  });
  it("an empty container answers 0 to anything, even malformed arguments", async () => {
    const env = vfioEnv();
    const c = env.vfio.openContainer("vm");
    const before = env.m.state;
    expect(await op(env, c, header(0, 1, 99))).toBe(0);
    expect(await op(env, c, new Uint8Array(3))).toBe(0);
    expect(env.m.state).toBe(before);
  });
  it("per group: short copy -EFAULT, argsz < 12 or flags ≠ 0 -EINVAL, unknown op -EINVAL; nothing changes", async () => {
    const env = vfioEnv();
    const { c } = await guestWith(env, "vm", DEV);
    injectBadDma(env.m, DEV);
    const before = env.m.state;
    expect(await op(env, c, new Uint8Array(11))).toBe(-EFAULT);
    expect(await op(env, c, header(11, 0, VFIO_EEH_PE_UNFREEZE_IO))).toBe(-EINVAL);
    expect(await op(env, c, header(12, 1, VFIO_EEH_PE_UNFREEZE_IO))).toBe(-EINVAL);
    expect(await op(env, c, header(12, 0x80000000, VFIO_EEH_PE_UNFREEZE_IO))).toBe(-EINVAL);
    expect(await op(env, c, header(40, 0, 10))).toBe(-EINVAL);
    expect(await op(env, c, header(40, 0, 0xffffffff))).toBe(-EINVAL);
    expect(env.m.state).toBe(before);
    // 12 bytes with argsz 12 are enough for every op but INJECT_ERR.
    expect(await op(env, c, header(12, 0, VFIO_EEH_PE_GET_STATE, 12))).toBe(VFIO_EEH_PE_STATE_STOPPED);
  });
  it("a closed container answers -EBADF", async () => {
    const env = vfioEnv();
    const { c } = await guestWith(env, "vm", DEV);
    await vt(env, c.close());
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(-EBADF);
    expect(env.core.pe({ phbId: 0, pe: env.m.peOf(DEV).pe }).passDevCnt).toBe(0);
  });
  it("a big-endian host reads the structure big-endian", async () => {
    const env = vfioEnv("ioda2", { host: { endian: "big" } });
    const { c } = await guestWith(env, "vm", DEV);
    injectBadDma(env.m, DEV);
    expect(await op(env, c, encodePeOp({ op: VFIO_EEH_PE_GET_STATE }, "big"))).toBe(VFIO_EEH_PE_STATE_STOPPED);
    expect(await op(env, c, encodePeOp({ op: VFIO_EEH_PE_GET_STATE }, "little"))).toBe(-EINVAL); // argsz 0x28000000, op 0x04000000
  });
});

describe("per-group application (§5.2)", () => {
  it("applies the op to each group in order and returns the first non-zero result", async () => {
    const env = vfioEnv();
    const c = env.vfio.openContainer("vm");
    for (const a of ["0000:03:00.0", DEV]) c.addGroup(env.vfio.groupOf(a)!.id);
    for (const a of ["0000:03:00.0", DEV]) expect(typeof (await vt(env, c.openDevice(a)))).toBe("object");
    injectBadDma(env.m, DEV); // the second group's PE
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(VFIO_EEH_PE_STATE_STOPPED); // first is 0, the second answers
    expect(await op(env, c, { op: VFIO_EEH_PE_RESET_HOT })).toBe(0);
    const a = env.m.peOf("0000:03:00.0").pe;
    const b = env.m.peOf(DEV).pe;
    expect(env.m.peFreezeState(0, a)).toEqual({ mmio: true, dma: true }); // both were reset (frozen first)
    expect(env.m.peFreezeState(0, b)).toEqual({ mmio: true, dma: true });
    expect(await op(env, c, { op: VFIO_EEH_PE_RESET_DEACTIVATE })).toBe(0);
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(VFIO_EEH_PE_STATE_NORMAL);
  });
  it("a group whose devices are all gone has no PE: -ENODEV", async () => {
    const drv = scriptedDriver("bnx2x", { errorDetected: "disconnect" });
    const env = vfioEnv("ioda2", { core: { drivers: { [DEV]: drv } } });
    const c = env.vfio.openContainer("vm");
    c.addGroup(env.vfio.groupOf(DEV)!.id); // held, but no device open: still the host's to recover
    injectBadDma(env.m, DEV);
    env.core.readMmio(DEV, 0, 0n, 4);
    await env.core.settle();
    expect(env.core.outcomes.at(-1)?.outcome).toBe("failed");
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(-ENODEV);
    expect(await vt(env, c.openDevice(DEV))).toBe(-ENODEV);
  });
});

describe.each(["ioda2", "ioda1"] as const)("the op table on %s (§5.3)", (model) => {
  const setup = async () => {
    const env = vfioEnv(model);
    const g = await guestWith(env, "vm", DEV);
    return { env, ...g, pe: { phbId: 0, pe: env.m.peOf(DEV).pe } };
  };

  it("0 DISABLE is a no-op returning 0", async () => {
    const { env, c } = await setup();
    injectBadDma(env.m, DEV);
    const before = env.m.state;
    expect(await op(env, c, { op: VFIO_EEH_PE_DISABLE })).toBe(0);
    expect(env.m.state).toBe(before);
  });
  it("1 ENABLE thaws a frozen PE and clears ISOLATED; -EIO with EEH disabled", async () => {
    const { env, c, pe } = await setup();
    injectBadDma(env.m, DEV);
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(VFIO_EEH_PE_STATE_STOPPED); // marks ISOLATED (PowerNV)
    expect(env.core.pe(pe).state & EEH_PE_ISOLATED).toBeTruthy();
    expect(await op(env, c, { op: VFIO_EEH_PE_ENABLE })).toBe(0);
    expect(env.m.peFreezeState(0, pe.pe as number)).toEqual({ mmio: false, dma: false });
    expect(env.core.pe(pe).state & EEH_PE_ISOLATED).toBe(0);
    env.core.enabled = false;
    expect(await op(env, c, { op: VFIO_EEH_PE_ENABLE })).toBe(-EIO);
  });
  it("2 UNFREEZE_IO then 3 UNFREEZE_DMA: STOPPED → STOPPED_DMA → NORMAL; already thawed → 0", async () => {
    const { env, c, dev } = await setup();
    injectBadDma(env.m, DEV);
    expect(await op(env, c, { op: VFIO_EEH_PE_UNFREEZE_IO })).toBe(0);
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(VFIO_EEH_PE_STATE_STOPPED_DMA);
    expect(dev.readMmio(0, 0n, 4)).toBe(IDS);
    expect(await op(env, c, { op: VFIO_EEH_PE_UNFREEZE_IO })).toBe(0);
    expect(await op(env, c, { op: VFIO_EEH_PE_UNFREEZE_DMA })).toBe(0);
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(VFIO_EEH_PE_STATE_NORMAL);
  });
  it("2 UNFREEZE_IO on a fenced PHB: -EIO (still frozen)", async () => {
    const { env, c } = await setup();
    injectFence(env.m, 0);
    expect(await op(env, c, { op: VFIO_EEH_PE_UNFREEZE_IO })).toBe(-EIO);
  });
  it("6 RESET_HOT freezes the PE, blocks config and asserts the reset; 5 DEACTIVATE restores, thaws, unblocks", async () => {
    const { env, c, dev, pe } = await setup();
    const t0 = env.clock.now();
    expect(await op(env, c, { op: VFIO_EEH_PE_RESET_HOT })).toBe(0);
    expect(env.clock.now() - t0).toBeGreaterThanOrEqual(250); // the hold
    expect(env.core.pe(pe).state & EEH_PE_CFG_BLOCKED).toBeTruthy();
    expect(env.m.peFreezeState(0, pe.pe as number)).toEqual({ mmio: true, dma: true });
    expect(dev.readConfig(0, 4)).toBe(0xffffffff);
    expect(env.m.events.some((e) => e.kind === "reset" && e.scope === "bus")).toBe(true);
    const t1 = env.clock.now();
    expect(await op(env, c, { op: VFIO_EEH_PE_RESET_DEACTIVATE })).toBe(0);
    expect(env.clock.now() - t1).toBeGreaterThanOrEqual(1800); // the settle
    expect(env.core.pe(pe).state & (EEH_PE_CFG_BLOCKED | EEH_PE_ISOLATED)).toBe(0);
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(VFIO_EEH_PE_STATE_NORMAL);
    expect(dev.readMmio(0, 0n, 4)).toBe(IDS); // BARs restored after the reset zeroed them
    expect(dev.readConfig(0, 4)).toBe(0x101315b3);
  });
  it("7 RESET_FUNDAMENTAL likewise", async () => {
    const { env, c, pe } = await setup();
    expect(await op(env, c, { op: VFIO_EEH_PE_RESET_FUNDAMENTAL })).toBe(0);
    expect(env.core.pe(pe).state & EEH_PE_CFG_BLOCKED).toBeTruthy();
    expect(await op(env, c, { op: VFIO_EEH_PE_RESET_DEACTIVATE })).toBe(0);
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(VFIO_EEH_PE_STATE_NORMAL);
  });
  it("8 CONFIGURE returns the platform's configure_bridge (PowerNV: 0)", async () => {
    const { env, c } = await setup();
    expect(await op(env, c, { op: VFIO_EEH_PE_CONFIGURE })).toBe(0);
  });
  it("9 INJECT_ERR arms the platform's injection; the guest's next matching access freezes its PE", async () => {
    const { env, c, dev, pe } = await setup();
    expect(await op(env, c, { op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 0, addr: 0n, mask: 0n } })).toBe(0);
    expect(env.m.phbState(0).hw.regs.injCtl).not.toBe(0n);
    expect(env.m.peFreezeState(0, pe.pe as number)).toEqual({ mmio: false, dma: false }); // armed only
    expect(dev.readMmio(0, 0n, 4)).toBe(0xffffffffn);
    expect(env.m.peFreezeState(0, pe.pe as number)).toEqual({ mmio: true, dma: true });
    expect(await op(env, c, { op: VFIO_EEH_PE_GET_STATE })).toBe(VFIO_EEH_PE_STATE_STOPPED);
    expect(env.log.grep(`EEH: Guest vm injected error 0-0 into PHB#0-PE#${(pe.pe as number).toString(16)}`)).toHaveLength(1);
  });
  it("9 INJECT_ERR refusals: argsz < 40 -EINVAL, short copy -EFAULT, func ∉ 0..19 -EINVAL, bad type -ERANGE", async () => {
    const { env, c } = await setup();
    const before = env.m.state;
    const full = encodePeOp({ op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 0, addr: 0n, mask: 0n } });
    expect(await op(env, c, encodePeOp({ argsz: 39, op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 0, addr: 0n, mask: 0n } }))).toBe(-EINVAL);
    expect(await op(env, c, full.subarray(0, 39))).toBe(-EFAULT);
    expect(await op(env, c, { op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 20, addr: 0n, mask: 0n } })).toBe(-EINVAL);
    expect(await op(env, c, { op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 0xffffffff, addr: 0n, mask: 0n } })).toBe(-EINVAL);
    expect(await op(env, c, { op: VFIO_EEH_PE_INJECT_ERR, err: { type: 2, func: 0, addr: 0n, mask: 0n } })).toBe(-ERANGE);
    expect(env.m.state).toBe(before);
  });
  if (model === "ioda1") {
    it("9 INJECT_ERR of a 64-bit error on P7IOC: OPAL unsupported → -EIO", async () => {
      const { env, c } = await setup();
      expect(await op(env, c, { op: VFIO_EEH_PE_INJECT_ERR, err: { type: 1, func: 0, addr: 0n, mask: 0n } })).toBe(-EIO);
    });
  }
});
