import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TokenBucket, maxAdmitted } from "../../src/core/ratelimit.js";
import { VirtualClock } from "../../src/core/clock.js";
import { HostLog } from "../../src/eeh/host-log.js";

describe("TokenBucket", () => {
  it("lets a burst through, refills over the interval, reports what it suppressed once", () => {
    const b = new TokenBucket({ burst: 3, intervalMs: 3000 }, 0);
    expect([0, 0, 0].map(() => b.admit(0).allowed)).toEqual([true, true, true]);
    expect(b.admit(0)).toEqual({ allowed: false, suppressedBefore: 0 });
    expect(b.admit(500).allowed).toBe(false);
    expect(b.admit(1000)).toEqual({ allowed: true, suppressedBefore: 2 });
    expect(b.admit(1000).allowed).toBe(false);
    expect(b.takeSuppressed()).toBe(1);
  });
  it("rejects nonsense limits", () => {
    expect(() => new TokenBucket({ burst: 0, intervalMs: 10 }, 0)).toThrow(RangeError);
  });
  it("property: admitted ≤ burst + elapsed × rate, for any arrival pattern", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10000 }), fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 300 }), (burst, intervalMs, gaps) => {
        const b = new TokenBucket({ burst, intervalMs }, 0);
        let t = 0;
        let admitted = 0;
        for (const g of gaps) {
          t += g;
          if (b.admit(t).allowed) admitted++;
        }
        expect(admitted).toBeLessThanOrEqual(maxAdmitted({ burst, intervalMs }, t));
      }),
    );
  });
});

describe("guest-caused host log lines", () => {
  it("a flooding guest is held to its bucket and the summary says how many were dropped", () => {
    const clock = new VirtualClock();
    const log = new HostLog(clock, undefined, false, { perGuestPe: { burst: 5, intervalMs: 1000 }, global: { burst: 100, intervalMs: 1000 } });
    for (let i = 0; i < 1000; i++) log.guestLine("vm1", "warn", `EEH: Frozen PHB#0-PE#fa detected (${i})`, { phb: 0, pe: 0xfa });
    expect(log.records).toHaveLength(5);
    expect(log.guestCounts.get("vm1")).toEqual({ logged: 5, suppressed: 995 });
    clock.advanceBy(1000);
    log.guestLine("vm1", "warn", "EEH: again", { phb: 0, pe: 0xfa });
    expect(log.grep("eeh-emu: guest vm1: 995 messages suppressed")).toHaveLength(1);
    // Host-internal lines are not limited by a guest's bucket.
    for (let i = 0; i < 50; i++) log.line("err", "EEH: host line");
    expect(log.grep("EEH: host line")).toHaveLength(50);
  });
  it("the global bucket bounds all guests together", () => {
    const clock = new VirtualClock();
    const log = new HostLog(clock, undefined, false, { perGuestPe: { burst: 5, intervalMs: 1000 }, global: { burst: 8, intervalMs: 1000 } });
    for (let g = 0; g < 10; g++) for (let i = 0; i < 10; i++) log.guestLine(`vm${g}`, "warn", "x", { phb: 0, pe: g });
    expect(log.records.length).toBe(8);
  });
});
