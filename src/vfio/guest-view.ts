// What a guest can learn about the EEH events of its PEs, whatever the host log let
// through: counts per kind and per PE, and the most recent events (a bounded ring, so a
// guest flooding the host costs memory in proportion to the ring, not to the flood).
// The host log limits its own lines (eeh/host-log.ts); these counts are never limited.

import type { EehPeRef } from "../platform/eeh-ops.js";

export type GuestEventKind =
  /** The hardware froze a PE the guest holds (the error kind is in `detail`). */
  | "freeze"
  /** The PHB under a held PE was fenced or died. */
  | "fence"
  | "dead"
  /** An INJECT_ERR the platform accepted. */
  | "inject"
  /** A reset the guest asserted (RESET_HOT / RESET_FUNDAMENTAL). */
  | "reset"
  /** UNFREEZE_IO / UNFREEZE_DMA / ENABLE that thawed, CONFIGURE, RESET_DEACTIVATE. */
  | "thaw"
  | "configure"
  | "deactivate"
  /** A platform log the guest fetched. */
  | "log"
  /** A device of the PE opened or released by the guest. */
  | "open"
  | "release"
  /** An op that returned a negative errno. */
  | "error";

export interface GuestEvent {
  /** Virtual time (ms). */
  readonly time: number;
  readonly kind: GuestEventKind;
  readonly pe?: EehPeRef;
  readonly detail?: string;
}

export interface PeEventCounts {
  readonly pe: EehPeRef;
  readonly counts: Readonly<Partial<Record<GuestEventKind, number>>>;
}

export interface GuestViewSnapshot {
  readonly guest: string;
  /** Events by kind over the guest's lifetime. */
  readonly counts: Readonly<Partial<Record<GuestEventKind, number>>>;
  /** The same, per PE. */
  readonly perPe: readonly PeEventCounts[];
  /** The most recent events, oldest first. */
  readonly recent: readonly GuestEvent[];
  /** Events that fell out of the ring. */
  readonly dropped: number;
  /** Host log lines this guest caused: written, and suppressed by the rate limiter. */
  readonly hostLog: { readonly logged: number; readonly suppressed: number };
}

export class GuestView {
  private readonly counts: Partial<Record<GuestEventKind, number>> = {};
  private readonly perPe = new Map<string, { pe: EehPeRef; counts: Partial<Record<GuestEventKind, number>> }>();
  private readonly ring: GuestEvent[] = [];
  private head = 0;
  private total = 0;

  constructor(
    readonly guest: string,
    private readonly ringSize: number,
  ) {}

  record(e: GuestEvent): void {
    this.counts[e.kind] = (this.counts[e.kind] ?? 0) + 1;
    if (e.pe) {
      const key = `${e.pe.phbId}:${e.pe.pe}`;
      let p = this.perPe.get(key);
      if (!p) this.perPe.set(key, (p = { pe: e.pe, counts: {} }));
      p.counts[e.kind] = (p.counts[e.kind] ?? 0) + 1;
    }
    this.total++;
    if (this.ringSize <= 0) return;
    if (this.ring.length < this.ringSize) this.ring.push(e);
    else {
      this.ring[this.head] = e;
      this.head = (this.head + 1) % this.ringSize;
    }
  }

  /** How many events of `kind` the guest saw on `pe` (all PEs when omitted). */
  count(kind: GuestEventKind, pe?: EehPeRef): number {
    if (!pe) return this.counts[kind] ?? 0;
    return this.perPe.get(`${pe.phbId}:${pe.pe}`)?.counts[kind] ?? 0;
  }

  snapshot(hostLog: { logged: number; suppressed: number } = { logged: 0, suppressed: 0 }): GuestViewSnapshot {
    const recent = this.ring.length < this.ringSize ? [...this.ring] : [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    return {
      guest: this.guest,
      counts: { ...this.counts },
      perPe: [...this.perPe.values()].map((p) => ({ pe: p.pe, counts: { ...p.counts } })),
      recent,
      dropped: this.total - recent.length,
      hostLog: { ...hostLog },
    };
  }
}
