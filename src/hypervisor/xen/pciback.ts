// pciback in dom0 (xen-pciback/pci_stub.c, aer-xen.md §5.2): the PCI driver bound to every
// assignable device, so dom0's pcie_do_recovery calls its four handlers. Each takes
// pcistub_sem (held across the wait for the guest), finds the pcistub device and then
// follows the table of §5.2:
//
//   step            default       not found/assigned   sh_info NULL (HVM, unconnected)   no AERHANDLER flag             NONE/DISCONNECT back
//   error_detected  CAN_RECOVER   log, default         log, kill, default                (dbg) kill, default            kill, return it
//   mmio_enabled    RECOVERED     log, default         log, kill, default                err "should have been killed"  kill, return it
//   slot_reset      RECOVERED     log, default         log, kill, default                same, no kill                  kill, return it
//   resume          (void)        log                  log, kill                         err and kill                   ignored
//
// Forwarding (`common_process`): fill aer_op (cmd; err = the channel state — the real one
// for error_detected, io_normal for the others; the frontend's virtual BDF, or "failed to
// get pcifront device" → NONE); set the local _PCIB_op_pending and the shared
// _XEN_PCIB_active; notify; wait up to 300 s for the frontend to clear _XEN_PCIB_active. On
// timeout: "pcifront aer process not responding!", clear the bit, aer_op.err = NONE, return
// the default (so a timeout alone does not kill the guest; _PCIB_op_pending stays set, as in
// the source). The kill path writes aerState=aerfail to xenstore (retrying on EAGAIN); the
// toolstack decides what happens to the guest (domain.ts).
//
// Correctable errors are never forwarded: pciback has no cor_error_detected.

import type { VirtualClock } from "../../core/clock.js";
import {
  PCI_ERS_RESULT_CAN_RECOVER,
  PCI_ERS_RESULT_DISCONNECT,
  PCI_ERS_RESULT_NONE,
  PCI_ERS_RESULT_RECOVERED,
  pci_channel_io_normal,
  resultName,
  type ChannelState,
  type DeviceHandle,
  type PciErsResult,
} from "../../eeh/driver.js";
import type { ErrorHandlers, HostPciCore } from "../host-kernel.js";
import { formatPciAddress, parsePciAddress, ridOf, type PciAddress } from "../../pci/address.js";
import type { XenDomain } from "./domain.js";
import type { XenPcifront } from "./pcifront.js";
import {
  PCIB_op_pending,
  XEN_PCIB_active,
  XEN_PCIBK_AER_TIMEOUT_MS,
  XEN_PCI_OP_NAMES,
  XEN_PCI_OP_aer_detected,
  XEN_PCI_OP_aer_mmio,
  XEN_PCI_OP_aer_resume,
  XEN_PCI_OP_aer_slotreset,
  _XEN_PCIB_AERHANDLER,
  _XEN_PCIB_active,
  pciBackendNode,
  testBit,
} from "./pciif.js";
import { EAGAIN, type XenStore } from "./xenstore.js";

/** `struct xen_pcibk_device`: the backend of one frontend domain. */
export interface XenPcibkDevice {
  readonly domain: XenDomain;
  /** The connected PV frontend; undefined = sh_info NULL (HVM guest, or not connected). */
  frontend: XenPcifront | undefined;
  /** Local flags (_PCIB_op_pending). */
  flags: number;
  /** Wakes a waiter of common_process when its condition holds. */
  waiter: (() => void) | undefined;
}

/** `struct pcistub_device`. */
export interface PcistubDevice {
  readonly address: string;
  /** The backend it is assigned through; undefined = seized but not assigned. */
  pdev: XenPcibkDevice | undefined;
  /** The virtual BDF the frontend sees; undefined = translation fails. */
  vbdf: PciAddress | undefined;
}

export type PcibkStep = "error_detected" | "mmio_enabled" | "slot_reset" | "resume";

/** One handler call and what pciback did with it. */
export interface PcibkRecord {
  readonly time: number;
  readonly step: PcibkStep;
  readonly device: string;
  readonly domid?: number;
  /** forwarded: answered or timed out; otherwise why not. */
  readonly outcome: "answered" | "timeout" | "not-assigned" | "no-frontend" | "no-aer-handler" | "no-vbdf";
  /** The frontend's answer (answered) — the vote pciback returns is `vote`. */
  readonly answer?: string;
  readonly vote?: string;
  readonly killed: boolean;
  /** Virtual time the request was sent and the answer (or timeout) came. */
  readonly sent?: number;
  readonly done?: number;
}

const DEFAULTS: Record<PcibkStep, PciErsResult> = {
  error_detected: PCI_ERS_RESULT_CAN_RECOVER,
  mmio_enabled: PCI_ERS_RESULT_RECOVERED,
  slot_reset: PCI_ERS_RESULT_RECOVERED,
  resume: PCI_ERS_RESULT_RECOVERED,
};
const COMMANDS: Record<PcibkStep, number> = {
  error_detected: XEN_PCI_OP_aer_detected,
  mmio_enabled: XEN_PCI_OP_aer_mmio,
  slot_reset: XEN_PCI_OP_aer_slotreset,
  resume: XEN_PCI_OP_aer_resume,
};

/** A down/up semaphore on promises (pcistub_sem, taken for writing). */
class Semaphore {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(f: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await f();
    } finally {
      release();
    }
  }
}

export interface PcibackOptions {
  /** The wait for the frontend (default 300 s). */
  readonly timeoutMs?: number;
}

export class XenPciback {
  readonly stubs = new Map<string, PcistubDevice>();
  readonly records: PcibkRecord[] = [];
  /** xenstore kill writes made (domid each time). */
  readonly kills: { readonly time: number; readonly domid: number; readonly device: string }[] = [];
  /** The driver dom0's error core calls for every seized device. */
  readonly driver: ErrorHandlers;
  private readonly sem = new Semaphore();
  private readonly timeoutMs: number;

  constructor(
    /** dom0's PCI error core (native AER; AerHost). */
    readonly host: HostPciCore,
    readonly store: XenStore,
    readonly clock: VirtualClock,
    options: PcibackOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? XEN_PCIBK_AER_TIMEOUT_MS;
    this.driver = {
      name: "pciback",
      errorDetected: (dev, state) => this.handler("error_detected", dev, state),
      mmioEnabled: (dev) => this.handler("mmio_enabled", dev, pci_channel_io_normal),
      slotReset: (dev) => this.handler("slot_reset", dev, pci_channel_io_normal),
      resume: async (dev) => void (await this.handler("resume", dev, pci_channel_io_normal)),
    };
  }

  /** pciback seizes a device (pciback.hide / bind): its driver in dom0 is now pciback. */
  seize(address: string): PcistubDevice {
    const a = formatPciAddress(parsePciAddress(address));
    const psdev: PcistubDevice = { address: a, pdev: undefined, vbdf: undefined };
    this.stubs.set(a, psdev);
    this.host.bindDriver(a, this.driver);
    return psdev;
  }

  /**
   * Give a seized device to a guest: a PV guest through its pcifront (virtual BDF `vbdf`,
   * default 0000:00:00.0), an HVM guest without one (sh_info stays NULL). `vbdf: null`
   * makes the BDF translation fail.
   */
  assign(address: string, domain: XenDomain, frontend: XenPcifront | undefined, vbdf: string | null = "0000:00:00.0"): void {
    const a = formatPciAddress(parsePciAddress(address));
    const psdev = this.stubs.get(a) ?? this.seize(a);
    const pdev: XenPcibkDevice = { domain, frontend, flags: 0, waiter: undefined };
    psdev.pdev = pdev;
    psdev.vbdf = vbdf === null ? undefined : parsePciAddress(vbdf);
    if (frontend) frontend.notifyBackend = () => this.handleEvent(pdev);
  }

  /** The domain died: its devices go back to pciback, reset (pcistub_put_pci_dev → FLR). */
  release(domain: XenDomain, flr: (address: string) => void): void {
    for (const s of this.stubs.values()) {
      if (s.pdev?.domain !== domain) continue;
      s.pdev = undefined;
      flr(s.address);
    }
  }

  private devLine(address: string, level: "err" | "debug", text: string): void {
    this.host.deviceLine(address, level, text);
  }

  /** xen_pcibk_handle_event: wake the AER waiter once the frontend cleared _XEN_PCIB_active. */
  private handleEvent(pdev: XenPcibkDevice): void {
    if (pdev.flags & PCIB_op_pending && pdev.frontend && !testBit(pdev.frontend.shared.flags, _XEN_PCIB_active)) pdev.waiter?.();
  }

  /** One of the four xen_pcibk_error_handler callbacks. */
  private handler(step: PcibkStep, dev: DeviceHandle, state: ChannelState): Promise<PciErsResult> {
    const address = dev.address;
    const bus = dev.rid >> 8;
    const devfn = dev.rid & 0xff;
    const fn = step === "resume" ? "error_resume" : step;
    this.devLine(address, "debug", `xen_pcibk_${fn}(bus:${bus.toString(16)},devfn:${devfn.toString(16)})`);
    return this.sem.run(async () => {
      const def = DEFAULTS[step];
      const psdev = this.stubs.get(address);
      const base = { time: this.clock.now(), step, device: address };
      if (!psdev || !psdev.pdev) {
        this.devLine(address, "err", "device is not found/assigned");
        this.records.push({ ...base, outcome: "not-assigned", vote: resultName(def), killed: false });
        return def;
      }
      const pdev = psdev.pdev;
      const domid = pdev.domain.domid;
      if (!pdev.frontend) {
        this.devLine(address, "err", "device is not connected or owned by HVM, kill it");
        this.kill(psdev);
        this.records.push({ ...base, domid, outcome: "no-frontend", vote: resultName(def), killed: true });
        return def;
      }
      if (!testBit(pdev.frontend.shared.flags, _XEN_PCIB_AERHANDLER)) {
        if (step === "error_detected") this.devLine(address, "debug", "guest may have no aer driver, kill it");
        else this.devLine(address, "err", "guest with no AER driver should have been killed");
        const kill = step === "error_detected" || step === "resume";
        if (kill) this.kill(psdev);
        this.records.push({ ...base, domid, outcome: "no-aer-handler", vote: resultName(def), killed: kill });
        return def;
      }
      const sent = this.clock.now();
      const r = await this.commonProcess(psdev, pdev, step === "error_detected" ? state : pci_channel_io_normal, COMMANDS[step], def);
      const done = this.clock.now();
      if (r.outcome === "no-vbdf") {
        this.kill(psdev);
        this.records.push({ ...base, domid, outcome: "no-vbdf", vote: resultName(r.vote), killed: true });
        return r.vote;
      }
      let killed = false;
      if (step !== "resume" && (r.vote === PCI_ERS_RESULT_NONE || r.vote === PCI_ERS_RESULT_DISCONNECT)) {
        const what = step === "error_detected" ? "error_detected" : step;
        this.devLine(address, "debug", `No AER ${what} service or disconnected!`);
        this.kill(psdev);
        killed = true;
      }
      this.records.push({ ...base, domid, outcome: r.outcome, ...(r.answer !== undefined ? { answer: resultName(r.answer) } : {}), vote: resultName(r.vote), killed, sent, done });
      return r.vote;
    });
  }

  /** common_process. */
  private async commonProcess(
    psdev: PcistubDevice,
    pdev: XenPcibkDevice,
    state: ChannelState,
    cmd: number,
    def: PciErsResult,
  ): Promise<{ outcome: "answered" | "timeout" | "no-vbdf"; vote: PciErsResult; answer?: PciErsResult }> {
    const front = pdev.frontend!;
    const sh = front.shared;
    const op = sh.aerOp;
    op.cmd = cmd;
    op.err = state;
    if (!psdev.vbdf) {
      this.devLine(psdev.address, "err", "failed to get pcifront device");
      return { outcome: "no-vbdf", vote: PCI_ERS_RESULT_NONE };
    }
    op.domain = psdev.vbdf.domain;
    op.bus = psdev.vbdf.bus;
    op.devfn = ridOf(psdev.vbdf) & 0xff;
    this.devLine(psdev.address, "debug", `aer_op ${cmd.toString(16)} dom ${op.domain.toString(16)} bus ${op.bus.toString(16)} devfn ${op.devfn.toString(16)}`);
    pdev.flags |= PCIB_op_pending;
    sh.flags |= XEN_PCIB_active;
    front.notify();
    const answered = await new Promise<boolean>((resolve) => {
      const timer = this.clock.setTimer(
        this.timeoutMs,
        () => {
          pdev.waiter = undefined;
          resolve(false);
        },
        `pciback-wait ${XEN_PCI_OP_NAMES[cmd]}`,
      );
      pdev.waiter = () => {
        if (testBit(sh.flags, _XEN_PCIB_active)) return;
        this.clock.cancel(timer);
        pdev.waiter = undefined;
        resolve(true);
      };
    });
    if (!answered && testBit(sh.flags, _XEN_PCIB_active)) {
      this.devLine(psdev.address, "err", "pcifront aer process not responding!");
      sh.flags &= ~XEN_PCIB_active;
      op.err = PCI_ERS_RESULT_NONE;
      return { outcome: "timeout", vote: def };
    }
    pdev.flags &= ~PCIB_op_pending;
    return { outcome: "answered", vote: op.err, answer: op.err };
  }

  /** kill_domain_by_device: aerState = aerfail, in a transaction retried on EAGAIN. */
  private kill(psdev: PcistubDevice): void {
    const pdev = psdev.pdev;
    if (!pdev) return;
    const node = pciBackendNode(pdev.domain.domid);
    for (let tries = 0; tries < 100; tries++) {
      const err = this.store.transaction([[`${node}/aerState`, "aerfail"]]);
      if (err === -EAGAIN) continue;
      if (err) this.devLine(psdev.address, "err", `error ${err} when end xenbus transaction`);
      else this.kills.push({ time: this.clock.now(), domid: pdev.domain.domid, device: psdev.address });
      return;
    }
  }
}
