// A kernel worker thread on the virtual clock (Linux's `eehd`, the AER IRQ thread): one
// loop at a time takes the next piece of work until there is none. Callers may ask it to
// drain while it runs (they get the running loop), or `settle` to also run the virtual
// clock until every sleep inside the work has finished.

import type { VirtualClock } from "./clock.js";

/** The next piece of work, or undefined when the queue is empty. */
export type NextWork = () => (() => Promise<void>) | undefined;

export class WorkLoop {
  private running: Promise<void> | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly next: NextWork,
  ) {}

  /** Run the loop (or join the running one) until no work is left. */
  drain(): Promise<void> {
    if (this.running) return this.running;
    const run = async (): Promise<void> => {
      for (let work = this.next(); work; work = this.next()) await work();
    };
    // Clear the handle in a later microtask: a run that finishes synchronously must not
    // clear it before it is even stored (which would leave a stale, resolved promise).
    const p: Promise<void> = run().finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }

  /** Drain, running the virtual clock until all the work (and its sleeps) is done. */
  async settle(): Promise<void> {
    const done = this.drain();
    await this.clock.runUntilIdle();
    await done;
  }
}
