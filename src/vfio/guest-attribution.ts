// Which guest caused the host log line being written (issue 6 "Rate-limited host logging").
// While the host serves a guest's request — an ioctl, a device open or release, a log
// fetch — everything the EEH core and the platform write (reset warnings, diag dumps,
// injection failures) is that guest's doing and must pass its rate limiter. Those writers
// do not know about guests, and a request may sleep on the virtual clock while host
// recovery runs in between, so the guest is carried by an AsyncLocalStorage context that
// follows the request's own awaits and nothing else. The host log asks it through its
// `attribution` hook (eeh/host-log.ts).

import { AsyncLocalStorage } from "node:async_hooks";
import type { HostLog, LogLevel } from "../eeh/host-log.js";

export class GuestAttribution {
  private readonly als = new AsyncLocalStorage<string>();
  private readonly previous: (() => string | undefined) | undefined;

  constructor(private readonly log: HostLog) {
    this.previous = log.attribution;
    log.attribution = () => this.als.getStore() ?? this.previous?.();
  }

  /** Run `f` on behalf of `guest`: host lines it causes, even after awaits, are the guest's. */
  asGuest<R>(guest: string, f: () => R): R {
    return this.als.run(guest, f);
  }

  /** The guest the current flow works for, if any. */
  current(): string | undefined {
    return this.als.getStore();
  }

  /** A host-internal line (a host bug, an invariant broken): never charged to a guest. */
  hostLine(level: LogLevel, text: string, ctx: { phb?: number; pe?: number | "phb" } = {}): void {
    this.als.exit(() => this.log.line(level, text, ctx));
  }

  /** Stop attributing (the host log goes back to its previous hook). */
  dispose(): void {
    this.log.attribution = this.previous;
  }
}
