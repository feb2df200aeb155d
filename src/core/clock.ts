// The virtual clock. Nothing in the emulator reads the wall clock: reset hold/settle
// times, the one-hour freeze window and the log rate limiter all run on this clock, so
// a run is deterministic and "an hour later" costs microseconds.
//
// Time is a number of milliseconds (fractions allowed, so microsecond delays work).
// Timers due at the same instant fire in the order they were scheduled.

import { ClockError } from "./errors.js";

export type TimerId = number;

interface Timer {
  readonly id: TimerId;
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  readonly fire: () => void;
}

export class VirtualClock {
  private nowMs: number;
  private seq = 0;
  private nextId = 1;
  // A binary min-heap ordered by (at, seq): O(log n) schedule and pop.
  private heap: Timer[] = [];
  private cancelled = new Set<TimerId>();

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs) || startMs < 0) throw new ClockError(`bad start time ${startMs}`);
    this.nowMs = startMs;
  }

  /** Current virtual time in milliseconds. */
  now(): number {
    return this.nowMs;
  }

  /** Current virtual time in whole seconds (what Linux's ktime_get_seconds would say). */
  nowSeconds(): number {
    return Math.floor(this.nowMs / 1000);
  }

  /** Run `fire` after `delayMs` of virtual time. */
  setTimer(delayMs: number, fire: () => void, label = "timer"): TimerId {
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      throw new ClockError(`timer "${label}" has a bad delay ${delayMs} ms`, { delayMs, label });
    }
    const t: Timer = { id: this.nextId++, at: this.nowMs + delayMs, seq: this.seq++, label, fire };
    this.push(t);
    return t.id;
  }

  cancel(id: TimerId): void {
    if (this.heap.some((t) => t.id === id)) this.cancelled.add(id);
  }

  /** Number of timers still due to fire. */
  pending(): number {
    return this.heap.length - this.cancelled.size;
  }

  /** Time of the next timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.at;
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way, in order. */
  advanceBy(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new ClockError(`cannot advance by ${ms} ms`, { ms });
    this.advanceTo(this.nowMs + ms);
  }

  /** Move time forward to `t`, firing due timers in order. Time never goes backwards. */
  advanceTo(t: number): void {
    if (!Number.isFinite(t) || t < this.nowMs) {
      throw new ClockError(`cannot move the clock back from ${this.nowMs} ms to ${t} ms`, { now: this.nowMs, to: t });
    }
    for (;;) {
      this.dropCancelledTop();
      const top = this.heap[0];
      if (!top || top.at > t) break;
      this.pop();
      this.nowMs = top.at;
      top.fire();
    }
    this.nowMs = t;
  }

  /** Fire the next timer (moving time to it). Returns false when nothing is pending. */
  runNext(): boolean {
    this.dropCancelledTop();
    const top = this.heap[0];
    if (!top) return false;
    this.advanceTo(top.at);
    return true;
  }

  /** A promise that resolves after `ms` of virtual time (for flows written with await). */
  sleep(ms: number, label = "sleep"): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve, label));
  }

  /**
   * Drive async flows: repeatedly let pending promise callbacks run, then fire the next
   * timer, until nothing is pending. `maxTimers` bounds a runaway flow.
   */
  async runUntilIdle(maxTimers = 1_000_000): Promise<void> {
    let fired = 0;
    for (;;) {
      await drainMicrotasks();
      if (!this.runNext()) break;
      if (++fired > maxTimers) throw new ClockError(`more than ${maxTimers} timers fired; a flow does not settle`);
    }
    await drainMicrotasks();
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  private dropCancelledTop(): void {
    while (this.heap[0] && this.cancelled.has(this.heap[0].id)) {
      this.cancelled.delete(this.heap[0].id);
      this.pop();
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Let already-queued promise continuations run (a macrotask turn; reads no clock). */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
