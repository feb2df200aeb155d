// A small xenstore (aer-xen.md §5.2 kill path): paths → values, transactions that may end
// with EAGAIN (the writer retries, as kill_domain_by_device does), and watches on a path
// prefix. Watch events are delivered asynchronously on the virtual clock, as xenstored
// delivers them to a daemon that reads its socket later.

import type { VirtualClock } from "../../core/clock.js";

export const EAGAIN = 11;

export type XenstoreWatch = (path: string, value: string | undefined) => void;

export class XenStore {
  private readonly nodes = new Map<string, string>();
  private readonly watches: { prefix: string; cb: XenstoreWatch }[] = [];
  /** Transactions still to end with EAGAIN (a knob for tests: contention with other writers). */
  failNextTransactions = 0;
  /** Every committed write, in order. */
  readonly writes: { time: number; path: string; value: string }[] = [];

  constructor(
    readonly clock: VirtualClock,
    /** Delay before a watch fires (ms). */
    readonly watchLatencyMs = 0,
  ) {}

  read(path: string): string | undefined {
    return this.nodes.get(path);
  }

  watch(prefix: string, cb: XenstoreWatch): () => void {
    const w = { prefix, cb };
    this.watches.push(w);
    return () => {
      const i = this.watches.indexOf(w);
      if (i >= 0) this.watches.splice(i, 1);
    };
  }

  /**
   * xenbus_transaction_start … xenbus_printf … xenbus_transaction_end: the writes commit
   * together, or the end returns -EAGAIN and nothing is written. Returns 0 or -EAGAIN.
   */
  transaction(writes: readonly (readonly [string, string])[]): number {
    if (this.failNextTransactions > 0) {
      this.failNextTransactions--;
      return -EAGAIN;
    }
    for (const [path, value] of writes) {
      this.nodes.set(path, value);
      this.writes.push({ time: this.clock.now(), path, value });
      for (const w of this.watches) {
        if (path === w.prefix || path.startsWith(`${w.prefix}/`)) this.clock.setTimer(this.watchLatencyMs, () => w.cb(path, this.nodes.get(path)), "xenstore-watch");
      }
    }
    return 0;
  }
}
