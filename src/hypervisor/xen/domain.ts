// Xen domains and the toolstack's reaction to pciback's kill request (aer-xen.md §5.2):
// pciback only writes `aerState = aerfail` into xenstore; whether the guest dies is up to the
// toolstack. xend watched that node and powered the domain off ("shutdown domain because of
// aer handle error"), refusing for domid 0; no such watch was found in libxl/xl, so under
// the "xl" policy the guest keeps running.

import type { VirtualClock } from "../../core/clock.js";
import { HostLog } from "../../eeh/host-log.js";
import { pciBackendNode } from "./pciif.js";
import type { XenStore } from "./xenstore.js";

export type XenDomainType = "pv" | "hvm";
export type XenDomainState = "running" | "shutdown" | "crashed";

export class XenDomain {
  state: XenDomainState = "running";
  /** Why the domain stopped, when it did. */
  stopReason: string | undefined;
  stoppedAt: number | undefined;
  /** The guest kernel oopsed (it keeps running unless panic_on_oops). */
  oopsed = false;
  /** The guest kernel's log. */
  readonly log: HostLog;

  constructor(
    readonly domid: number,
    readonly name: string,
    readonly type: XenDomainType,
    readonly clock: VirtualClock,
  ) {
    this.log = new HostLog(clock);
  }

  get running(): boolean {
    return this.state === "running";
  }

  stop(state: "shutdown" | "crashed", reason: string): void {
    if (this.state !== "running") return;
    this.state = state;
    this.stopReason = reason;
    this.stoppedAt = this.clock.now();
  }
}

/** "xend": the xend watch powers the domain off on aerfail. "xl": nothing watches the node. */
export type ToolstackPolicy = "xend" | "xl";

export interface ToolstackOptions {
  readonly policy?: ToolstackPolicy;
  /** Called after the toolstack destroyed a domain (pciback releases and FLRs its devices). */
  readonly onDestroy?: (d: XenDomain) => void;
}

export class Toolstack {
  readonly policy: ToolstackPolicy;
  /** The toolstack's own log (xend.log). */
  readonly log: { readonly time: number; readonly line: string }[] = [];
  private readonly domains = new Map<number, XenDomain>();

  constructor(
    readonly store: XenStore,
    readonly clock: VirtualClock,
    readonly options: ToolstackOptions = {},
  ) {
    this.policy = options.policy ?? "xend";
  }

  domain(domid: number): XenDomain | undefined {
    return this.domains.get(domid);
  }

  /** Create a guest domain; under xend, watch its pci backend's aerState. */
  create(domid: number, name: string, type: XenDomainType): XenDomain {
    const d = new XenDomain(domid, name, type, this.clock);
    this.domains.set(domid, d);
    if (this.policy === "xend") {
      const node = `${pciBackendNode(domid)}/aerState`;
      this.store.watch(node, (_path, value) => this.aerStateWatch(d, value));
    }
    return d;
  }

  private line(text: string): void {
    this.log.push({ time: this.clock.now(), line: text });
  }

  /** xend pciif.py aerStateWatch. */
  private aerStateWatch(d: XenDomain, value: string | undefined): void {
    if (value !== "aerfail") return;
    this.line(`[xend] domain ${d.domid} (${d.name}): shutdown domain because of aer handle error`);
    if (d.domid === 0) {
      this.line("[xend] refusing to shut down domain 0");
      return;
    }
    if (!d.running) return;
    d.stop("shutdown", "aerfail: poweroff by xend");
    this.options.onDestroy?.(d);
  }
}
