import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VirtualClock } from "../../src/core/clock.js";
import { ClockError } from "../../src/core/errors.js";

describe("VirtualClock", () => {
  it("fires timers in time order, ties in scheduling order", () => {
    const c = new VirtualClock();
    const seen: string[] = [];
    c.setTimer(1800, () => seen.push("settle"));
    c.setTimer(250, () => seen.push("hold-a"));
    c.setTimer(250, () => seen.push("hold-b"));
    c.advanceBy(300);
    expect(seen).toEqual(["hold-a", "hold-b"]);
    expect(c.now()).toBe(300);
    c.advanceTo(2000);
    expect(seen).toEqual(["hold-a", "hold-b", "settle"]);
  });
  it("an hour later costs nothing and reads in seconds", () => {
    const c = new VirtualClock();
    c.advanceBy(3_600_000 + 1);
    expect(c.nowSeconds()).toBe(3600);
  });
  it("refuses to go backwards or take bad delays", () => {
    const c = new VirtualClock(10);
    expect(() => c.advanceTo(5)).toThrow(ClockError);
    expect(() => c.setTimer(-1, () => {})).toThrow(ClockError);
    expect(() => c.setTimer(Number.NaN, () => {})).toThrow(ClockError);
  });
  it("cancelled timers never fire", () => {
    const c = new VirtualClock();
    let fired = false;
    const id = c.setTimer(5, () => (fired = true));
    c.cancel(id);
    expect(c.pending()).toBe(0);
    c.advanceBy(10);
    expect(fired).toBe(false);
  });
  it("sleep() drives async flows deterministically", async () => {
    const c = new VirtualClock();
    const log: Array<[string, number]> = [];
    const flow = async (name: string, hold: number) => {
      await c.sleep(hold);
      log.push([name, c.now()]);
      await c.sleep(1800);
      log.push([name + "-settled", c.now()]);
    };
    void flow("a", 250);
    void flow("b", 100);
    await c.runUntilIdle();
    expect(log).toEqual([["b", 100], ["a", 250], ["b-settled", 1900], ["a-settled", 2050]]);
  });
  it("property: timers fire sorted by due time, stable for ties", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }), (delays) => {
        const c = new VirtualClock();
        const fired: number[] = [];
        delays.forEach((d, i) => c.setTimer(d, () => fired.push(i)));
        c.advanceBy(1000);
        const expected = delays.map((d, i) => [d, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, i]) => i);
        expect(fired).toEqual(expected);
      }),
    );
  });
});
