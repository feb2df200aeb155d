// The kit's host wiring and clock pump: faults, polls and eehd interleave on the virtual
// clock; a recovery that loops without virtual time passing ends the run instead of hanging.
import { describe, expect, it } from "vitest";
import { ClockError } from "../../src/core/errors.js";
import { MachineBuilder } from "../../src/pci/builder.js";
import { ClockPump, createHost } from "../../src/scenario/host.js";
import { applyFault } from "../../src/scenario/testing/index.js";

const ONE = new MachineBuilder().phb({ model: "ioda2" }, (r) => r.endpoint({ bars: [{ type: "mem32", size: 0x4000 }] })).build();

describe("ClockPump", () => {
  it("runs eehd alongside the clock: an OPAL event at 2 s is recovered by hotplug while time runs", async () => {
    const host = createHost(ONE, "powernv");
    const pump = new ClockPump(host);
    host.clock.setTimer(2000, () => void applyFault(host.machine, { kind: "bad-dma", device: "0000:01:00.0", page: 0, dir: "write", at: 2000 }));
    await pump.runUntil(1000);
    expect(host.clock.now()).toBe(1000);
    await pump.runUntilIdle();
    expect(pump.error).toBeUndefined();
    expect(host.core.outcomes.map((o) => [o.time >= 2000, o.outcome])).toEqual([[true, "recovered"]]);
  });
  it("a recovery that keeps stepping at one virtual instant is stopped with a ClockError", () => {
    const host = createHost(ONE, "pseries");
    new ClockPump(host);
    expect(() => {
      for (let i = 0; i < 20_000; i++) host.core.emit("thaw", { phbId: 0, pe: 0xfd });
    }).toThrow(ClockError);
  });
  it("a flow still busy at the deadline ends with a ClockError, not a hang", async () => {
    const host = createHost(ONE, "powernv");
    const pump = new ClockPump(host);
    const tick = (): void => void host.clock.setTimer(1000, tick);
    tick();
    await pump.runUntilIdle(60_000);
    expect(pump.error).toBeInstanceOf(ClockError);
    expect(host.clock.now()).toBeLessThanOrEqual(60_000);
  });
});
