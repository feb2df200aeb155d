// pcifront in a PV guest (xen-pcifront.c, aer-xen.md §5.3). At allocation it always sets
// _XEN_PCIB_AERHANDLER (a Linux PV guest always advertises a handler, whatever its drivers
// support). On the event-channel IRQ it schedules its AER work when the backend has a
// request out (_XEN_PCIB_active) and the work is not already scheduled (_PDEVB_op_active);
// the work calls the guest driver's handler for the command, stores the result in
// aer_op.err, clears _XEN_PCIB_active, notifies the backend and looks for another request.
//
// `pcifront_common_process`: no guest device or no bound driver → "device or AER driver is
// NULL" → NONE; a driver whose err_handler has error_detected gets the call for the command
// (resume then answers NONE); any other driver → NONE. mmio_enabled and slot_reset are
// called without checking the pointer: a driver with error_detected but without one of them
// dereferences NULL — the emulator logs the oops, the work never finishes, and the backend
// times out (and every later request is stuck behind _PDEVB_op_active).

import type { VirtualClock } from "../../core/clock.js";
import { CHANNEL_NAMES, PCI_ERS_RESULT_NONE, resultName, type ChannelState, type PciErsResult } from "../../eeh/driver.js";
import { parsePciAddress, formatPciAddress, ridOf } from "../../pci/address.js";
import type { ErrorHandlers } from "../host-kernel.js";
import type { XenDomain } from "./domain.js";
import {
  PDEVB_op_active,
  XEN_PCIB_AERHANDLER,
  XEN_PCIB_active,
  XEN_PCI_OP_NAMES,
  XEN_PCI_OP_aer_detected,
  XEN_PCI_OP_aer_mmio,
  XEN_PCI_OP_aer_resume,
  XEN_PCI_OP_aer_slotreset,
  _XEN_PCIB_active,
  newSharedInfo,
  testBit,
  type XenPciSharedInfo,
} from "./pciif.js";

export interface PcifrontOptions {
  /** Set _XEN_PCIB_AERHANDLER at allocation (Linux always does; default true). */
  readonly advertiseAerHandler?: boolean;
  /** Event-channel delivery delay, each direction (ms; default 0: the next turn of the clock). */
  readonly latencyMs?: number;
  /** The guest never services this request (a hung or busy guest): the backend times out. */
  readonly stall?: (cmd: number, call: number) => boolean;
  /** An oops panics the guest (default false: the kernel carries on without the work). */
  readonly panicOnOops?: boolean;
}

/** One AER request the frontend saw, and what became of it. */
export interface PcifrontCall {
  readonly time: number;
  readonly cmd: number;
  readonly command: string;
  /** Guest device (virtual BDF). */
  readonly device: string;
  /** The guest driver callback called, if any (e.g. `error_detected(IO frozen)`). */
  readonly callback?: string;
  readonly result?: string;
  readonly outcome: "answered" | "stalled" | "oops";
}

export class XenPcifront {
  readonly shared: XenPciSharedInfo = newSharedInfo();
  /** Driver-local flags (_PDEVB_op_active). */
  flags = 0;
  readonly devices = new Map<string, { driver: ErrorHandlers | undefined }>();
  readonly calls: PcifrontCall[] = [];
  /** The backend's event-channel handler, set when the backend connects. */
  notifyBackend: (() => void) | undefined;
  private seen = 0;

  constructor(
    readonly domain: XenDomain,
    readonly clock: VirtualClock,
    readonly options: PcifrontOptions = {},
  ) {
    if (options.advertiseAerHandler ?? true) this.shared.flags |= XEN_PCIB_AERHANDLER;
  }

  /** The guest sees a device at virtual `address` with `driver` bound (or none). */
  plug(address: string, driver: ErrorHandlers | undefined): void {
    this.devices.set(formatPciAddress(parsePciAddress(address)), { driver });
  }

  private line(level: "err" | "warn" | "info" | "debug", text: string): void {
    this.domain.log.line(level, text);
  }

  /** The event-channel IRQ from the backend. */
  notify(): void {
    this.clock.setTimer(this.options.latencyMs ?? 0, () => this.schedule(), "pcifront-evtchn");
  }

  /** schedule_pcifront_aer_op. */
  private schedule(): void {
    if (!this.domain.running) return;
    if (testBit(this.shared.flags, _XEN_PCIB_active) && !(this.flags & PDEVB_op_active)) {
      this.flags |= PDEVB_op_active;
      this.line("debug", "pcifront pci-0: schedule aer frontend job");
      this.clock.setTimer(0, () => void this.doAer(), "pcifront_do_aer");
    }
  }

  /** pcifront_do_aer (the work item). */
  private async doAer(): Promise<void> {
    if (!this.domain.running) return;
    const op = this.shared.aerOp;
    const cmd = op.cmd;
    const state = op.err as ChannelState;
    const device = formatPciAddress({ domain: op.domain, bus: op.bus, device: op.devfn >> 3, fn: op.devfn & 7 });
    const n = this.seen++;
    if (this.options.stall?.(cmd, n)) {
      this.calls.push({ time: this.clock.now(), cmd, command: XEN_PCI_OP_NAMES[cmd] ?? `op ${cmd}`, device, outcome: "stalled" });
      return; // _PDEVB_op_active stays set: the guest never gets to it
    }
    const r = await this.commonProcess(cmd, device, state);
    if (r === "oops") return;
    op.err = r;
    this.shared.flags &= ~XEN_PCIB_active;
    this.clock.setTimer(this.options.latencyMs ?? 0, () => this.notifyBackend?.(), "pciback-evtchn");
    this.flags &= ~PDEVB_op_active;
    this.schedule();
  }

  /** pcifront_common_process. */
  private async commonProcess(cmd: number, device: string, state: ChannelState): Promise<PciErsResult | "oops"> {
    const command = XEN_PCI_OP_NAMES[cmd] ?? `op ${cmd}`;
    const record = (callback: string | undefined, result: PciErsResult | undefined, outcome: PcifrontCall["outcome"] = "answered"): void => {
      this.calls.push({ time: this.clock.now(), cmd, command, device, ...(callback ? { callback } : {}), ...(result !== undefined ? { result: resultName(result) } : {}), outcome });
    };
    this.line("debug", `pcifront pci-0: pcifront AER process: cmd ${cmd.toString(16)} (bus:${(ridOf(parsePciAddress(device)) >> 8).toString(16)}, devfn${(ridOf(parsePciAddress(device)) & 0xff).toString(16)})`);
    const dev = this.devices.get(device);
    const drv = dev?.driver;
    if (!dev || !drv) {
      this.line("err", "pcifront pci-0: device or AER driver is NULL");
      record(undefined, PCI_ERS_RESULT_NONE);
      return PCI_ERS_RESULT_NONE;
    }
    if (!drv.errorDetected) {
      record(undefined, PCI_ERS_RESULT_NONE);
      return PCI_ERS_RESULT_NONE;
    }
    const h = { address: device, phbId: 0, rid: ridOf(parsePciAddress(device)) };
    switch (cmd) {
      case XEN_PCI_OP_aer_detected: {
        const r = await drv.errorDetected(h, state);
        record(`error_detected(${CHANNEL_NAMES[state] ?? state})`, r);
        return r;
      }
      case XEN_PCI_OP_aer_mmio:
      case XEN_PCI_OP_aer_slotreset: {
        const cb = cmd === XEN_PCI_OP_aer_mmio ? drv.mmioEnabled : drv.slotReset;
        const name = cmd === XEN_PCI_OP_aer_mmio ? "mmio_enabled" : "slot_reset";
        if (!cb) return this.oops(name, record);
        const r = await cb.call(drv, h);
        record(name, r);
        return r;
      }
      case XEN_PCI_OP_aer_resume:
        if (!drv.resume) return this.oops("resume", record);
        await drv.resume(h);
        record("resume", PCI_ERS_RESULT_NONE);
        return PCI_ERS_RESULT_NONE;
      default:
        this.line("err", "pcifront pci-0: bad request in aer recovery operation!");
        record(undefined, PCI_ERS_RESULT_NONE);
        return PCI_ERS_RESULT_NONE;
    }
  }

  /** A call through a NULL err_handler pointer. */
  private oops(callback: string, record: (cb: string | undefined, r: PciErsResult | undefined, o: PcifrontCall["outcome"]) => void): "oops" {
    this.line("err", "BUG: kernel NULL pointer dereference, address: 0000000000000000");
    this.line("err", `Workqueue: events pcifront_do_aer [xen_pcifront] (${callback} is NULL)`);
    this.domain.oopsed = true;
    record(callback, undefined, "oops");
    if (this.options.panicOnOops) this.domain.stop("crashed", `kernel oops in pcifront_do_aer (${callback} is NULL)`);
    return "oops";
  }
}

