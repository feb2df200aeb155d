// QEMU's sPAPR PHB as a pSeries guest sees it, over a VFIO container (pseries-rtas.md
// §6.1–§6.3, §6.5): the guest makes RTAS EEH calls with the RTAS conventions (a call by
// name or token, argument cells, a number of return cells; status in the first), and
// QEMU turns them into VFIO_EEH_PE_OP on the container, answering with the RTAS status
// codes of §6.2. So a pSeries guest on a PowerNV host can be scripted with RTAS calls:
//
//   const spapr = new SpaprGuest(container);          // the container holds one group
//   spapr.plug(device);                               // guest 00:00.0
//   const pe = spapr.peConfigAddr(device);            // what get-config-addr-info2 fn 0 gives
//   await spapr.rtas("ibm,read-slot-reset-state2", [pe, spapr.buidHi, spapr.buidLo], 4);
//
// What QEMU checks first, for every EEH call: nargs/nret (−3), the BUID names this PHB
// (−3), and EEH is available on it — the container holds exactly one IOMMU group (−3).
// Failed ioctls are also reported on QEMU's stderr ("vfio/eeh: EEH_PE_OP 0x<op> failed:
// <strerror>"), kept in `stderr`.
//
// Emulator choices: guest PCI addresses are QEMU's, given to `plug` or assigned from
// bus 0 slot 0 upwards; the BUID is QEMU's SPAPR_PCI_BASE_BUID + index (the same scheme as
// the pSeries platform, platform/pseries/config-address.ts). ibm,slot-error-detail answers
// 1 (no errors found) and touches no buffer, as QEMU does; the guest gets the platform log
// through the container instead (VfioContainer.fetchPeLog). The errinjct calls follow the
// Oct-2025 proposal (§6.5) and can be left unregistered, as in upstream QEMU.

import type { RtasCallResult } from "../platform/pseries/rtas-call.js";
import { buidFromWords, buidHi, buidLo, buidOfPhb, isCell, rtasConfigAddr } from "../platform/pseries/config-address.js";
import { decodeIoaBusErrorWorkArea } from "../platform/pseries/errinjct-work-area.js";
import {
  RTAS_CALLS,
  RTAS_EEH_DISABLE,
  RTAS_EEH_ENABLE,
  RTAS_EEH_PE_RECOVER_INFO,
  RTAS_EEH_PE_UNAVAIL_INFO,
  RTAS_EEH_SUPPORT,
  RTAS_EEH_THAW_DMA,
  RTAS_EEH_THAW_IO,
  RTAS_ERRINJCT_WORK_AREA_SIZE,
  RTAS_ERR_TYPE_IOA_BUS_ERROR,
  RTAS_ERR_TYPE_IOA_BUS_ERROR_64,
  RTAS_GET_PE_ADDR,
  RTAS_GET_PE_MODE,
  RTAS_OUT_ERRINJCT_ALREADY_OPEN,
  RTAS_OUT_HW_ERROR,
  RTAS_OUT_NOT_SUPPORTED,
  RTAS_OUT_NO_ERRORS_FOUND,
  RTAS_OUT_PARAM_ERROR,
  RTAS_OUT_SUCCESS,
  RTAS_PE_MODE_SHARED,
  RTAS_SLOT_PERM_ERR_LOG,
  RTAS_SLOT_RESET_DEACTIVATE,
  RTAS_SLOT_RESET_FUNDAMENTAL,
  RTAS_SLOT_RESET_HOT,
  RTAS_SLOT_TEMP_ERR_LOG,
  RTAS_TOKENS,
  type RtasCallName,
} from "../platform/pseries/rtas-constants.js";
import { EINVAL, EPERM } from "../platform/eeh-ops.js";
import { ArgumentError } from "../core/errors.js";
import type { VfioContainer } from "./container.js";
import { ENOTTY, EOPNOTSUPP, strerror } from "./errno.js";
import { GuestMemory } from "./guest-memory.js";
import type { VfioDevice } from "./vfio-device.js";
import {
  EEH_ERR_FUNC_MAX,
  VFIO_EEH_PE_CONFIGURE,
  VFIO_EEH_PE_DISABLE,
  VFIO_EEH_PE_ENABLE,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_INJECT_ERR,
  VFIO_EEH_PE_RESET_DEACTIVATE,
  VFIO_EEH_PE_RESET_FUNDAMENTAL,
  VFIO_EEH_PE_RESET_HOT,
  VFIO_EEH_PE_UNFREEZE_DMA,
  VFIO_EEH_PE_UNFREEZE_IO,
} from "./vfio-uapi.js";
import type { VfioEehPeErr } from "./pe-op-struct.js";

/** The six EEH calls QEMU registers (§6.1), and the proposal's errinjct calls (§6.5). */
const QEMU_EEH_CALLS: readonly RtasCallName[] = [
  "ibm,set-eeh-option",
  "ibm,get-config-addr-info2",
  "ibm,read-slot-reset-state2",
  "ibm,set-slot-reset",
  "ibm,configure-pe",
  "ibm,slot-error-detail",
];
const ERRINJCT_CALLS: readonly RtasCallName[] = ["ibm,open-errinjct", "ibm,errinjct", "ibm,close-errinjct"];

export interface SpaprGuestOptions {
  /** The sPAPR PHB's index: BUID = 0x800000020000000 + index (default 0). */
  readonly phbIndex?: number;
  /** Register ibm,open-errinjct / ibm,errinjct / ibm,close-errinjct (default true; upstream QEMU: false). */
  readonly errinjct?: boolean;
}

/** A function's address on the guest's PCI bus. */
export interface GuestPciAddress {
  readonly bus: number;
  readonly devfn: number;
}

/** What QEMU did before a reset: the MSI-X pre-step of set-slot-reset 1/3 (§6.2). */
export interface SpaprTraceEntry {
  readonly call: RtasCallName;
  readonly note: string;
}

export class SpaprGuest {
  readonly buid: bigint;
  readonly memory = new GuestMemory();
  /** QEMU's error_report lines. */
  readonly stderr: string[] = [];
  /** Steps QEMU took besides the ioctl (MSI-X reset before a slot reset). */
  readonly trace: SpaprTraceEntry[] = [];
  private readonly registered: ReadonlySet<RtasCallName>;
  private readonly plugged = new Map<string, GuestPciAddress>();
  private errinjctToken: number | undefined;
  private nextToken = 1;

  constructor(
    readonly container: VfioContainer,
    options: SpaprGuestOptions = {},
  ) {
    this.buid = buidOfPhb(options.phbIndex ?? 0);
    this.registered = new Set([...QEMU_EEH_CALLS, ...(options.errinjct ?? true ? ERRINJCT_CALLS : [])]);
    for (const d of container.devices()) this.plug(d);
  }

  get buidHi(): number {
    return buidHi(this.buid);
  }

  get buidLo(): number {
    return buidLo(this.buid);
  }

  /** Put a VFIO device on the guest's bus (default: the next free slot on bus 0). */
  plug(device: VfioDevice, at?: GuestPciAddress): GuestPciAddress {
    if (device.container !== this.container) throw new ArgumentError(`${device.address} is not a device of this container`);
    const taken = new Set([...this.plugged.values()].map((a) => (a.bus << 8) | a.devfn));
    let addr = at;
    if (!addr) {
      let slot = 0;
      while (slot < 32 && taken.has(slot << 3)) slot++;
      if (slot === 32) throw new ArgumentError("the guest's bus 0 is full");
      addr = { bus: 0, devfn: slot << 3 };
    } else if (taken.has((addr.bus << 8) | addr.devfn) || !(addr.bus >= 0 && addr.bus <= 255 && addr.devfn >= 0 && addr.devfn <= 255)) {
      throw new ArgumentError(`guest address ${addr.bus}:${addr.devfn} is taken or invalid`);
    }
    this.plugged.set(device.address, addr);
    return addr;
  }

  /** The guest's address of a plugged device. */
  guestAddress(device: VfioDevice): GuestPciAddress | undefined {
    return this.plugged.get(device.address);
  }

  /** The device's config address as the guest passes it (rtas_config_addr, register 0). */
  configAddr(device: VfioDevice): number {
    const a = this.guestAddress(device);
    if (!a) throw new ArgumentError(`${device.address} is not plugged into the guest`);
    return rtasConfigAddr(a.bus, a.devfn);
  }

  /** The PE config address QEMU hands out for the device: "00BB0001" (§6.2). */
  peConfigAddr(device: VfioDevice): number {
    const a = this.guestAddress(device);
    if (!a) throw new ArgumentError(`${device.address} is not plugged into the guest`);
    return ((a.bus << 16) + 1) >>> 0;
  }

  // ------------------------------------------------------------------ the RTAS entry point

  /** An RTAS call from the guest. Never throws for any argument values. */
  async rtas(call: RtasCallName | number, args: readonly number[], nret: number): Promise<RtasCallResult> {
    const name = typeof call === "number" ? this.nameOfToken(call) : this.registered.has(call) ? call : undefined;
    const fail = (status: number): RtasCallResult => ({ status, rets: [status, ...new Array<number>(Math.max(0, Math.min(nret, 16) - 1)).fill(0)] });
    if (!name) return fail(RTAS_OUT_PARAM_ERROR); // unknown token: QEMU answers −3
    const spec = RTAS_CALLS[name];
    if (args.length !== spec.nargs || !(spec.nret as readonly number[]).includes(nret) || !args.every(isCell)) return fail(RTAS_OUT_PARAM_ERROR);
    const out = (status: number, ...values: number[]): RtasCallResult => {
      const rets = [status];
      for (let i = 1; i < nret; i++) rets.push(values[i - 1] ?? 0);
      return { status, rets };
    };
    const a = (i: number): number => args[i]!;
    switch (name) {
      case "ibm,open-errinjct":
        return this.openErrinjct();
      case "ibm,close-errinjct":
        return out(this.closeErrinjct(a(0)));
      case "ibm,errinjct":
        return out(await this.errinjct(a(0), a(1), a(2)));
      default:
        break;
    }
    // The six EEH calls: the BUID must name this PHB, and EEH must be available on it.
    if (buidFromWords(a(1), a(2)) !== this.buid || !this.eehAvailable()) return fail(RTAS_OUT_PARAM_ERROR);
    switch (name) {
      case "ibm,set-eeh-option":
        return out(await this.setEehOption(a(0), a(3)));
      case "ibm,get-config-addr-info2": {
        const r = this.getConfigAddrInfo2(a(0), a(3));
        return r === undefined ? fail(RTAS_OUT_PARAM_ERROR) : out(RTAS_OUT_SUCCESS, r);
      }
      case "ibm,read-slot-reset-state2": {
        const st = await this.op(VFIO_EEH_PE_GET_STATE);
        if (st < 0) return fail(RTAS_OUT_PARAM_ERROR);
        return out(RTAS_OUT_SUCCESS, st, RTAS_EEH_SUPPORT, RTAS_EEH_PE_UNAVAIL_INFO, RTAS_EEH_PE_RECOVER_INFO);
      }
      case "ibm,set-slot-reset":
        return out(await this.setSlotReset(a(3)));
      case "ibm,configure-pe":
        return out((await this.op(VFIO_EEH_PE_CONFIGURE)) < 0 ? RTAS_OUT_PARAM_ERROR : RTAS_OUT_SUCCESS);
      case "ibm,slot-error-detail": {
        const severity = a(7);
        if (severity !== RTAS_SLOT_TEMP_ERR_LOG && severity !== RTAS_SLOT_PERM_ERR_LOG) return fail(RTAS_OUT_PARAM_ERROR);
        return out(RTAS_OUT_NO_ERRORS_FOUND);
      }
      default:
        return fail(RTAS_OUT_PARAM_ERROR);
    }
  }

  private nameOfToken(token: number): RtasCallName | undefined {
    for (const n of this.registered) if (RTAS_TOKENS[n] === token) return n;
    return undefined;
  }

  /** spapr_phb_eeh_available: one legacy sPAPR-TCE container holding exactly one group. */
  private eehAvailable(): boolean {
    return !this.container.closed && this.container.groups.length === 1;
  }

  /** vfio_eeh_container_op: the ioctl with argsz = sizeof, reported on stderr when it fails. */
  private async op(op: number, err?: VfioEehPeErr): Promise<number> {
    if (this.container.groups.length !== 1) {
      this.stderr.push(`vfio/eeh: EEH_PE_OP 0x${op.toString(16)}: kernel requires a container with exactly one group`);
      return -EPERM;
    }
    const rc = await this.container.eehPeOp({ op, ...(err ? { err } : {}) });
    if (rc < 0) this.stderr.push(`vfio/eeh: EEH_PE_OP 0x${op.toString(16)} failed: ${strerror(rc)}`);
    return rc;
  }

  /** A vfio-pci device of this PHB on guest bus `bus`? */
  private hasDeviceOnBus(bus: number): boolean {
    for (const [host, a] of this.plugged) if (a.bus === bus && this.container.device(host)?.isOpen) return true;
    return false;
  }

  private async setEehOption(addr: number, option: number): Promise<number> {
    let op: number;
    switch (option) {
      case RTAS_EEH_DISABLE:
        op = VFIO_EEH_PE_DISABLE;
        break;
      case RTAS_EEH_ENABLE:
        // EEH is enabled per PHB, not per PE: the address need only name a bus with a
        // vfio-pci device on it (QEMU ≥ 2021, so that v5.10+ guests passing the PE address work).
        if (!this.hasDeviceOnBus((addr >>> 16) & 0xff)) return RTAS_OUT_PARAM_ERROR;
        op = VFIO_EEH_PE_ENABLE;
        break;
      case RTAS_EEH_THAW_IO:
        op = VFIO_EEH_PE_UNFREEZE_IO;
        break;
      case RTAS_EEH_THAW_DMA:
        op = VFIO_EEH_PE_UNFREEZE_DMA;
        break;
      default:
        return RTAS_OUT_PARAM_ERROR;
    }
    return (await this.op(op)) < 0 ? RTAS_OUT_HW_ERROR : RTAS_OUT_SUCCESS;
  }

  /** ibm,get-config-addr-info2: fn 0 → "00BB0001" for an existing device, fn 1 → shared; else −3 (undefined). */
  private getConfigAddrInfo2(addr: number, fn: number): number | undefined {
    if (fn === RTAS_GET_PE_MODE) return RTAS_PE_MODE_SHARED;
    if (fn !== RTAS_GET_PE_ADDR) return undefined;
    const bus = (addr >>> 16) & 0xff;
    const devfn = (addr >>> 8) & 0xff;
    for (const a of this.plugged.values()) if (a.bus === bus && a.devfn === devfn) return ((bus << 16) + 1) >>> 0;
    return undefined;
  }

  private async setSlotReset(option: number): Promise<number> {
    let op: number;
    switch (option) {
      case RTAS_SLOT_RESET_DEACTIVATE:
        op = VFIO_EEH_PE_RESET_DEACTIVATE;
        break;
      case RTAS_SLOT_RESET_HOT:
      case RTAS_SLOT_RESET_FUNDAMENTAL:
        // spapr_phb_vfio_eeh_pre_reset: disable MSI-X and reset the emulated MSI-X table of
        // every vfio-pci device under the PHB (QEMU-side state; the model has no MSI-X).
        for (const host of this.plugged.keys()) this.trace.push({ call: "ibm,set-slot-reset", note: `MSI-X disabled and table reset on ${host}` });
        op = option === RTAS_SLOT_RESET_HOT ? VFIO_EEH_PE_RESET_HOT : VFIO_EEH_PE_RESET_FUNDAMENTAL;
        break;
      default:
        return RTAS_OUT_PARAM_ERROR;
    }
    return (await this.op(op)) < 0 ? RTAS_OUT_HW_ERROR : RTAS_OUT_SUCCESS;
  }

  // ------------------------------------------------------------------ errinjct (§6.5 proposal)

  /** ibm,open-errinjct: [token, status] — the token first (§4.5); −4 when already open. */
  private openErrinjct(): RtasCallResult {
    if (this.errinjctToken !== undefined) return { status: RTAS_OUT_ERRINJCT_ALREADY_OPEN, rets: [0, RTAS_OUT_ERRINJCT_ALREADY_OPEN] };
    this.errinjctToken = this.nextToken++;
    return { status: RTAS_OUT_SUCCESS, rets: [this.errinjctToken, RTAS_OUT_SUCCESS] };
  }

  /** ibm,close-errinjct: the open token must match (emulator choice: −3 otherwise). */
  private closeErrinjct(token: number): number {
    if (this.errinjctToken === undefined || token !== this.errinjctToken) return RTAS_OUT_PARAM_ERROR;
    this.errinjctToken = undefined;
    return RTAS_OUT_SUCCESS;
  }

  /**
   * ibm,errinjct(type, open token, work area): IOA bus errors (32/64) become INJECT_ERR
   * with the work area's function, address and mask; other types are not supported (−3).
   * The open token must match and the work area's BUID name this PHB (−3 otherwise,
   * emulator choice); function > 19 → −3; ioctl errors: EINVAL, ENOTTY, EOPNOTSUPP → −3,
   * others → −1. The address is passed as the guest gave it (the proposal's first
   * revision; a later one translated guest BAR addresses to host ones).
   */
  private async errinjct(type: number, token: number, workArea: number): Promise<number> {
    if (this.errinjctToken === undefined || token !== this.errinjctToken) return RTAS_OUT_PARAM_ERROR;
    if (type !== RTAS_ERR_TYPE_IOA_BUS_ERROR && type !== RTAS_ERR_TYPE_IOA_BUS_ERROR_64) return RTAS_OUT_NOT_SUPPORTED;
    if (workArea + RTAS_ERRINJCT_WORK_AREA_SIZE > 2 ** 32) return RTAS_OUT_PARAM_ERROR;
    const e = decodeIoaBusErrorWorkArea(type, this.memory.read(workArea, RTAS_ERRINJCT_WORK_AREA_SIZE));
    if (!e) return RTAS_OUT_PARAM_ERROR;
    if (buidFromWords(e.buidHi, e.buidLo) !== this.buid || !this.eehAvailable()) return RTAS_OUT_PARAM_ERROR;
    if (e.func > EEH_ERR_FUNC_MAX) return RTAS_OUT_PARAM_ERROR;
    const rc = await this.op(VFIO_EEH_PE_INJECT_ERR, { type: e.type, func: e.func, addr: e.addr, mask: e.mask });
    if (rc === -EINVAL || rc === -ENOTTY || rc === -EOPNOTSUPP) return RTAS_OUT_NOT_SUPPORTED;
    return rc < 0 ? RTAS_OUT_HW_ERROR : RTAS_OUT_SUCCESS;
  }
}
