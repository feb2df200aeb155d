// Isolation between guests (issue 6): a guest acts only on PEs in groups its container
// holds; reaching for anything else — another guest's group, a group nobody holds, a
// bridge, another BAR — gets an error and changes nothing (the machine's state tree is
// the very same object afterwards).
import { describe, expect, it } from "vitest";
import { ArgumentError, HardwareStateError } from "../../src/core/errors.js";
import { injectBadDma } from "../../src/ioda/faults.js";
import { EINVAL, ENODEV, ENOENT, EPERM } from "../../src/platform/eeh-ops.js";
import {
  EBADF,
  EBUSY,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_INJECT_ERR,
  VFIO_EEH_PE_RESET_HOT,
  VFIO_EEH_PE_STATE_NORMAL,
  VFIO_EEH_PE_STATE_STOPPED,
  VFIO_EEH_PE_UNFREEZE_IO,
} from "../../src/vfio/index.js";
import { guestWith, vfioEnv, vt } from "./setup.js";

const A = "0000:04:00.0";
const B = "0000:05:00.0";
const HOST = "0000:03:00.0";

async function twoGuests() {
  const env = vfioEnv();
  const a = await guestWith(env, "alice", A);
  const b = await guestWith(env, "bob", B);
  return { env, a, b };
}

describe("a guest reaches only its own groups", () => {
  it("taking another guest's group: -EBUSY; a group twice: -EINVAL; no such group: -ENOENT; nothing changes", async () => {
    const { env, a, b } = await twoGuests();
    const before = env.m.state;
    expect(b.c.addGroup(a.g.id)).toBe(-EBUSY);
    expect(b.c.addGroup(b.g.id)).toBe(-EINVAL);
    expect(b.c.addGroup(99)).toBe(-ENOENT);
    expect(env.vfio.holderOf(a.g.id)).toBe(a.c);
    expect(env.m.state).toBe(before);
  });
  it("opening another guest's device or an unheld one: -EPERM; a bridge or no device: -ENODEV; nothing changes", async () => {
    const { env, b } = await twoGuests();
    const before = env.m.state;
    const passA = env.core.pe({ phbId: 0, pe: env.m.peOf(A).pe }).passDevCnt;
    expect(await vt(env, b.c.openDevice(A))).toBe(-EPERM);
    expect(await vt(env, b.c.openDevice(HOST))).toBe(-EPERM);
    expect(await vt(env, b.c.openDevice("0000:02:00.0"))).toBe(-ENODEV);
    expect(await vt(env, b.c.openDevice("0000:09:00.0"))).toBe(-ENODEV);
    expect(env.m.state).toBe(before);
    expect(env.core.pe({ phbId: 0, pe: env.m.peOf(A).pe }).passDevCnt).toBe(passA);
  });
  it("another guest's frozen PE is out of reach: bob's ops act on bob's PE only", async () => {
    const { env, a, b } = await twoGuests();
    injectBadDma(env.m, A);
    const peA = env.m.peOf(A).pe;
    const treeA = env.m.phbState(0).peTree.pes[peA];
    for (const op of [VFIO_EEH_PE_UNFREEZE_IO, VFIO_EEH_PE_RESET_HOT]) expect(await vt(env, b.c.eehPeOp({ op }))).toBe(0);
    expect(await vt(env, b.c.eehPeOp({ op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 0, addr: 0n, mask: 0n } }))).toBe(0);
    expect(env.m.peFreezeState(0, peA)).toEqual({ mmio: true, dma: true });
    expect(env.m.phbState(0).peTree.pes[peA]).toBe(treeA); // alice's PE entry untouched
    expect(await vt(env, a.c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }))).toBe(VFIO_EEH_PE_STATE_STOPPED);
    expect(a.dev.readMmio(0, 0n, 4)).toBe(0xffffffffn);
    // The host's PE was never touched either.
    expect(env.core.readMmio(HOST, 0, 0n, 4)).toBe(0x101315b3n);
  });
  it("logs of groups not held: -EPERM; bad severity: -EINVAL", async () => {
    const { env, a, b } = await twoGuests();
    const before = env.m.state;
    expect(await vt(env, b.c.fetchPeLog(a.g.id))).toBe(-EPERM);
    expect(await vt(env, b.c.fetchPeLog(env.vfio.groupOf(HOST)!.id))).toBe(-EPERM);
    expect(await vt(env, b.c.fetchPeLog(b.g.id, 3))).toBe(-EINVAL);
    expect(env.m.state).toBe(before);
  });
  it("a device reaches only its own BARs; a closed device nothing", async () => {
    const { env, a } = await twoGuests();
    const before = env.m.state;
    expect(() => a.dev.readMmio(0, 0x10000n, 4)).toThrow(ArgumentError); // BAR 0 is 64 KiB
    expect(() => a.dev.readMmio(0, -4n, 4)).toThrow(ArgumentError);
    expect(() => a.dev.writeMmio(1, 0n, 4, 1n)).toThrow(ArgumentError); // no BAR 1 (BAR 2 is the mem64)
    expect(env.m.state).toBe(before);
    await vt(env, a.dev.close());
    expect(() => a.dev.readMmio(0, 0n, 4)).toThrow(HardwareStateError);
  });
  it("a group with an open device cannot be given back; a closed container answers -EBADF", async () => {
    const { env, a } = await twoGuests();
    expect(a.c.removeGroup(a.g.id)).toBe(-EBUSY);
    await vt(env, a.dev.close());
    expect(a.c.removeGroup(a.g.id)).toBe(0);
    expect(env.vfio.holderOf(a.g.id)).toBeUndefined();
    await vt(env, a.c.close());
    expect(a.c.addGroup(a.g.id)).toBe(-EBADF);
    expect(await vt(env, a.c.openDevice(A))).toBe(-EBADF);
    expect(await vt(env, a.c.fetchPeLog(a.g.id))).toBe(-EBADF);
  });
  it("closing a container releases its devices and groups: another guest may then take them", async () => {
    const { env, a, b } = await twoGuests();
    await vt(env, a.c.close());
    expect(env.core.isPassed({ phbId: 0, pe: env.m.peOf(A).pe })).toBe(false);
    expect(b.c.addGroup(a.g.id)).toBe(0);
    const d = await vt(env, b.c.openDevice(A));
    expect(typeof d).toBe("object");
    expect(await vt(env, b.c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }))).toBe(VFIO_EEH_PE_STATE_NORMAL);
  });
});
