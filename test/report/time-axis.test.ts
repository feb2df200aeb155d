import { describe, expect, it } from "vitest";
import { buildTimeAxis } from "../../src/report/time-axis.js";

describe("buildTimeAxis", () => {
  it("is linear over a run with no long idle stretch, with round ticks in ms under 2 s", () => {
    const a = buildTimeAxis([0, 100, 250, 400, 900], 1000, 100, 1100);
    expect(a.gaps).toEqual([]);
    expect(a.unit).toBe("ms");
    expect(a.x(0)).toBe(100);
    expect(a.x(1000)).toBe(1100);
    expect(a.x(500)).toBeCloseTo(600, 6);
    expect(a.ticks.map((t) => t.label)).toEqual(["0", "100", "200", "300", "400", "500", "600", "700", "800", "900", "1000"]);
    expect(a.x(-5)).toBe(100);
    expect(a.x(5000)).toBe(1100);
  });

  it("compresses an idle hour into a labelled band and keeps both active pieces readable", () => {
    const H = 3_600_000;
    const a = buildTimeAxis([0, 1000, 1002, 2752, 4500, H + 5000, H + 6752], H + 9000, 0, 1000);
    expect(a.unit).toBe("s");
    expect(a.gaps).toHaveLength(1);
    const g = a.gaps[0]!;
    expect([g.from, g.to]).toEqual([4500, H + 5000]);
    expect(g.label).toBe("1 h 0 min 0.5 s");
    expect(g.x1 - g.x0).toBe(36);
    // the seconds before and after the gap share the width in proportion (4.5 s vs 4 s)
    expect(a.x(4500)).toBeCloseTo(g.x0, 6);
    expect(a.x(H + 5000)).toBeCloseTo(g.x1, 6);
    expect(g.x0 / (1000 - g.x1)).toBeCloseTo(4.5 / 4, 6);
    // inside the gap, time maps linearly across the band; x is monotonic everywhere
    const xs = [0, 1000, 4500, 1_000_000, H + 5000, H + 9000].map(a.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
    expect(a.ticks[0]!.label).toBe("0");
    expect(a.ticks.some((t) => t.label === "3606")).toBe(true);
    for (let i = 1; i < a.ticks.length; i++) expect(a.ticks[i]!.x - a.ticks[i - 1]!.x).toBeGreaterThanOrEqual(44);
  });

  it("does not compress a pause that is not much longer than the activity", () => {
    // 3 s of activity, 8 s of waiting (a reset settling), 3 s more: drawn to scale
    expect(buildTimeAxis([0, 1000, 3000, 11_000, 14_000], 14_000, 0, 1000).gaps).toEqual([]);
  });

  it("does not compress when told not to", () => {
    const a = buildTimeAxis([0, 10, 3_600_000], 3_600_010, 0, 500, { gapFraction: false });
    expect(a.gaps).toEqual([]);
    expect(a.x(1_800_005)).toBeCloseTo(250, 6);
  });

  it("handles a run of no duration and an instant between two gaps", () => {
    const z = buildTimeAxis([], 0, 0, 100);
    expect(z.x(0)).toBe(0);
    expect(z.ticks.length).toBeGreaterThan(0);
    const a = buildTimeAxis([0, 1, 10_000, 10_000, 20_000], 20_001, 0, 1000);
    expect(a.gaps.map((g) => [g.from, g.to])).toEqual([
      [1, 10_000],
      [10_000, 20_000],
    ]);
    for (const t of [0, 1, 5000, 10_000, 15_000, 20_001]) expect(Number.isFinite(a.x(t))).toBe(true);
    // the instant at 10 s gets a piece of its own between the two bands, and sits in its middle
    expect(a.gaps[1]!.x0 - a.gaps[0]!.x1).toBeGreaterThan(10);
    expect(a.x(10_000)).toBeCloseTo((a.gaps[0]!.x1 + a.gaps[1]!.x0) / 2, 6);
  });
});
