// A VFIO container (a guest's open /dev/vfio/vfio with the sPAPR TCE IOMMU; linux-eeh.md
// §5.2): the IOMMU groups the guest holds, the devices it opened, and the container ioctls
// — VFIO_CHECK_EXTENSION and VFIO_EEH_PE_OP. The op is applied to each group in the order
// they were added and the first non-zero result is returned (so a non-zero GET_STATE of
// the first group is the answer; an empty container answers 0).
//
// Isolation: a guest reaches only PEs through groups its container holds. A group or
// device it does not hold gets -EPERM (emulator choice: a real process would lack the
// group's file descriptor) and nothing changes.
//
// Every op is async (Promise<number>): resets and thaws take virtual time. The results
// are what the kernel returns: 0, a state value (GET_STATE) or a negative errno.

import { formatPciAddress, parsePciAddress } from "../pci/address.js";
import { EEH_LOG_PERM, EEH_LOG_TEMP, EINVAL, ENODEV, ENOENT, EPERM } from "../platform/eeh-ops.js";
import { eehDevOpen, eehDevRelease } from "./ownership.js";
import { groupEehPeOp, type PeOpOutcome } from "./eeh-pe-op.js";
import { EBADF, EBUSY, EFAULT, ENOTTY } from "./errno.js";
import { forwardPlatformLog, type GuestPlatformLog } from "./guest-platform-log.js";
import type { GuestEventKind } from "./guest-view.js";
import { iommuGroupToPe, type IommuGroup } from "./iommu-group.js";
import { encodePeOp, type VfioEehPeOp } from "./pe-op-struct.js";
import { VfioDevice } from "./vfio-device.js";
import type { VfioHost } from "./vfio-host.js";
import {
  VFIO_CHECK_EXTENSION,
  VFIO_EEH,
  VFIO_EEH_PE_CONFIGURE,
  VFIO_EEH_PE_DISABLE,
  VFIO_EEH_PE_ENABLE,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_INJECT_ERR,
  VFIO_EEH_PE_OP,
  VFIO_EEH_PE_OP_NAMES,
  VFIO_EEH_PE_RESET_DEACTIVATE,
  VFIO_EEH_PE_RESET_FUNDAMENTAL,
  VFIO_EEH_PE_RESET_HOT,
  VFIO_EEH_PE_UNFREEZE_DMA,
  VFIO_EEH_PE_UNFREEZE_IO,
} from "./vfio-uapi.js";

/** The guest event an op that succeeded is counted as (GET_STATE and DISABLE are not). */
const OP_EVENT: Readonly<Record<number, GuestEventKind | undefined>> = {
  [VFIO_EEH_PE_DISABLE]: undefined,
  [VFIO_EEH_PE_ENABLE]: "thaw",
  [VFIO_EEH_PE_UNFREEZE_IO]: "thaw",
  [VFIO_EEH_PE_UNFREEZE_DMA]: "thaw",
  [VFIO_EEH_PE_GET_STATE]: undefined,
  [VFIO_EEH_PE_RESET_DEACTIVATE]: "deactivate",
  [VFIO_EEH_PE_RESET_HOT]: "reset",
  [VFIO_EEH_PE_RESET_FUNDAMENTAL]: "reset",
  [VFIO_EEH_PE_CONFIGURE]: "configure",
  [VFIO_EEH_PE_INJECT_ERR]: "inject",
};

export type IoctlArgument = number | Uint8Array | VfioEehPeOp;

export class VfioContainer {
  closed = false;
  private readonly held: IommuGroup[] = [];
  private readonly opened = new Map<string, { device: VfioDevice; count: number }>();
  private readonly opening = new Map<string, Promise<VfioDevice | number>>();

  constructor(
    readonly host: VfioHost,
    readonly guest: string,
    readonly id: number,
  ) {}

  /** The groups this container holds, in the order they were added. */
  get groups(): readonly IommuGroup[] {
    return this.held;
  }

  holds(groupId: number): boolean {
    return this.held.some((g) => g.id === groupId);
  }

  /** Devices open in this container. */
  devices(): VfioDevice[] {
    return [...this.opened.values()].map((o) => o.device);
  }

  /** An open device of this container. */
  device(address: string): VfioDevice | undefined {
    return this.opened.get(formatPciAddress(parsePciAddress(address)))?.device;
  }

  // ------------------------------------------------------------------ groups

  /**
   * VFIO_GROUP_SET_CONTAINER: take group `id`. No such group → -ENOENT (no /dev/vfio/id);
   * held by another container → -EBUSY; already in this one → -EINVAL.
   */
  addGroup(id: number): number {
    if (this.closed) return -EBADF;
    const g = this.host.group(id);
    if (!g) return -ENOENT;
    const holder = this.host.holderOf(id);
    if (holder === this) return -EINVAL;
    if (holder) return -EBUSY;
    this.held.push(g);
    this.host.setHolder(id, this);
    return 0;
  }

  /** VFIO_GROUP_UNSET_CONTAINER: give group `id` back; -EINVAL if not held here, -EBUSY while a device of it is open. */
  removeGroup(id: number): number {
    if (this.closed) return -EBADF;
    const i = this.held.findIndex((g) => g.id === id);
    if (i < 0) return -EINVAL;
    if (this.held[i]!.devices.some((a) => this.opened.has(a) || this.opening.has(a))) return -EBUSY;
    this.held.splice(i, 1);
    this.host.setHolder(id, undefined);
    return 0;
  }

  // ------------------------------------------------------------------ devices

  /**
   * VFIO_GROUP_GET_DEVICE_FD + enable: the first open of a device runs eeh_dev_open (§5.1:
   * hand-off, pass_dev_cnt++). No such assignable device → -ENODEV; its group not held
   * here → -EPERM; the hand-off's error fails the open. A device already open here is
   * opened again (same handle, no second hand-off).
   */
  async openDevice(address: string): Promise<VfioDevice | number> {
    if (this.closed) return -EBADF;
    const a = formatPciAddress(parsePciAddress(address));
    const group = this.host.groupOf(a);
    if (!group) return -ENODEV;
    if (!this.holds(group.id)) return -EPERM;
    const open = this.opened.get(a);
    if (open) {
      open.count++;
      return open.device;
    }
    const pending = this.opening.get(a);
    if (pending) {
      const r = await pending;
      if (typeof r !== "number") this.opened.get(a)!.count++;
      return r;
    }
    const p = this.host.asGuest(this.guest, async () => {
      const dev = this.host.core.devices.get(a);
      const rc = await eehDevOpen(this.host.ctx, dev);
      const pe = dev ? { phbId: dev.phbId, pe: dev.pe } : undefined;
      if (rc) {
        this.host.record(this.guest, { kind: "error", ...(pe ? { pe } : {}), detail: `open ${a}: ${rc}` });
        return rc;
      }
      const device = new VfioDevice(this, a, group);
      this.opened.set(a, { device, count: 1 });
      this.host.record(this.guest, { kind: "open", pe: device.pe, detail: a });
      this.host.guestLine(this.guest, "info", `vfio-pci ${a}: EEH: ${this.host.core.peName(device.pe)} passed through to guest ${this.guest}`, device.pe);
      return device;
    });
    this.opening.set(a, p);
    try {
      return await p;
    } finally {
      this.opening.delete(a);
    }
  }

  /** @internal VfioDevice.close: the last close runs eeh_dev_release (§5.1). */
  async releaseDevice(device: VfioDevice): Promise<number> {
    const open = this.opened.get(device.address);
    if (!open || open.device !== device) return -EBADF;
    if (--open.count > 0) return 0;
    this.opened.delete(device.address);
    device.markClosed();
    await this.host.asGuest(this.guest, async () => {
      const dev = this.host.core.devices.get(device.address);
      await eehDevRelease(this.host.ctx, dev, (text, pe) => this.host.hostLine("warn", text, pe));
      this.host.record(this.guest, { kind: "release", pe: device.pe, detail: device.address });
      this.host.guestLine(this.guest, "info", `vfio-pci ${device.address}: EEH: ${this.host.core.peName(device.pe)} released by guest ${this.guest}`, device.pe);
    });
    return 0;
  }

  // ------------------------------------------------------------------ ioctls

  /** VFIO_CHECK_EXTENSION: VFIO_EEH → eeh_enabled() (1/0); other extensions are not modelled (0). */
  checkExtension(extension: number): number {
    if (this.closed) return -EBADF;
    if (extension === VFIO_EEH) return this.host.core.enabled ? 1 : 0;
    return 0;
  }

  /**
   * The container's ioctl: VFIO_CHECK_EXTENSION (arg: the extension) and VFIO_EEH_PE_OP
   * (arg: the structure, as bytes or typed; a bare number is not a pointer → -EFAULT).
   * Any other command → -ENOTTY.
   */
  async ioctl(cmd: number, arg: IoctlArgument): Promise<number> {
    if (this.closed) return -EBADF;
    if (cmd === VFIO_CHECK_EXTENSION) return typeof arg === "number" ? this.checkExtension(arg) : 0;
    if (cmd === VFIO_EEH_PE_OP) return typeof arg === "number" ? -EFAULT : this.eehPeOp(arg);
    return -ENOTTY;
  }

  /**
   * VFIO_EEH_PE_OP: the op on each group in turn, returning the first non-zero result
   * (0 when every group answered 0, or there is no group). A typed argument is laid out
   * as the 40-byte structure first (ArgumentError for fields that do not fit).
   */
  async eehPeOp(arg: Uint8Array | VfioEehPeOp): Promise<number> {
    if (this.closed) return -EBADF;
    const bytes = arg instanceof Uint8Array ? arg : encodePeOp(arg, this.host.endian);
    return this.host.asGuest(this.guest, async () => {
      for (const group of [...this.held]) {
        const out = await groupEehPeOp(this.host.ctx, group, { bytes, endian: this.host.endian });
        this.account(out);
        if (out.rc) return out.rc;
      }
      return 0;
    });
  }

  /** Count what a group's op did in the guest's view; note injected errors on the host log. */
  private account(out: PeOpOutcome): void {
    const pe = out.pe;
    const name = out.op === undefined ? "EEH_PE_OP" : (VFIO_EEH_PE_OP_NAMES[out.op] ?? `op ${out.op}`);
    if (out.rc < 0) {
      this.host.record(this.guest, { kind: "error", ...(pe ? { pe } : {}), detail: `${name}: ${out.rc}` });
      return;
    }
    const kind = out.op === undefined ? undefined : OP_EVENT[out.op];
    if (!kind || !pe) return;
    if (out.op === VFIO_EEH_PE_INJECT_ERR && out.err) {
      const e = out.err;
      const detail = `type ${e.type} func ${e.func} addr 0x${e.addr.toString(16)} mask 0x${e.mask.toString(16)}`;
      this.host.record(this.guest, { kind, pe, detail });
      this.host.guestLine(this.guest, "info", `EEH: Guest ${this.guest} injected error ${e.type}-${e.func} into ${this.host.core.peName(pe)}`, pe);
      return;
    }
    this.host.record(this.guest, { kind, pe, detail: name });
  }

  // ------------------------------------------------------------------ log forwarding

  /**
   * The platform log of the PE of group `groupId` (emulator extension, issue 6 "Log
   * forwarding"): RTAS error log bytes as-is on pSeries; the PHB diag blob plus its
   * interpretation blob on PowerNV. -EPERM for a group not held here, -EINVAL for a
   * severity other than EEH_LOG_TEMP (1) or EEH_LOG_PERM (2), -ENODEV when the group has
   * no PE, -ENOENT when the platform has no log. What the platform prints while fetching
   * it (PowerNV dumps the diag data) is charged to the guest.
   */
  async fetchPeLog(groupId: number, severity: number = EEH_LOG_TEMP): Promise<GuestPlatformLog | number> {
    if (this.closed) return -EBADF;
    const group = this.held.find((g) => g.id === groupId);
    if (!group) return -EPERM;
    if (severity !== EEH_LOG_TEMP && severity !== EEH_LOG_PERM) return -EINVAL;
    return this.host.asGuest(this.guest, async () => {
      const pe = iommuGroupToPe(this.host.core, group);
      if (!pe) return -ENODEV;
      const log = this.host.core.ops.getLog(pe, severity);
      if (!log) return -ENOENT;
      const fwd = forwardPlatformLog(log, pe, severity, this.host.interpret);
      if (fwd.kind === "opal-diag" && !fwd.interpretation) {
        this.host.hostLine("warn", `vfio: PHB diag data of ${this.host.core.peName(pe)} does not decode; forwarding it without an interpretation`, pe);
      }
      this.host.record(this.guest, { kind: "log", pe, detail: `${fwd.kind}, ${fwd.bytes.length} bytes` });
      return fwd;
    });
  }

  // ------------------------------------------------------------------ close

  /** Close every device (eeh_dev_release on each), give the groups back, close the container. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const { device } of [...this.opened.values()]) {
      const o = this.opened.get(device.address);
      if (o) o.count = 1;
      await this.releaseDevice(device);
    }
    for (const g of [...this.held]) this.removeGroup(g.id);
    this.closed = true;
  }
}

