// checkDriverRecovery: a correct driver passes; a buggy one fails with a shrunk
// counter-example naming the fault, its virtual time and what the driver answered.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, TopologyError } from "../../../src/core/errors.js";
import { PCI_ERS_RESULT_DISCONNECT, PCI_ERS_RESULT_NEED_RESET, PCI_ERS_RESULT_RECOVERED, scriptedDriver, type PciDriver } from "../../../src/eeh/driver.js";
import { MachineBuilder } from "../../../src/pci/builder.js";
import { checkDriverRecovery, DriverCounterExampleError, everyDeviceSettles, runDriverCase, type DeviceUnderTest } from "../../../src/scenario/testing/index.js";

const good = (): PciDriver => scriptedDriver("good", { errorDetected: "need reset", slotReset: "recovered" });

/** Gives up on its device whenever the link above it is down — even for a link that comes back. */
const linkShy = (dev: DeviceUnderTest): PciDriver => ({
  name: "linkshy",
  errorDetected: () => (dev.linkUp() ? PCI_ERS_RESULT_NEED_RESET : PCI_ERS_RESULT_DISCONNECT),
  slotReset: () => PCI_ERS_RESULT_RECOVERED,
  resume: () => undefined,
});

const SWITCHED = new MachineBuilder()
  .phb({ model: "ioda2" }, (root) =>
    root.switch({ downstreamPorts: 2 }, (ports) => {
      ports[0]!.endpoint({ bars: [{ type: "mem32", size: 0x10000 }] });
      ports[1]!.endpoint({ bars: [{ type: "mem32", size: 0x4000 }] });
    }),
  )
  .build();

async function failure(p: Promise<unknown>): Promise<DriverCounterExampleError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DriverCounterExampleError);
  return e as DriverCounterExampleError;
}

describe("checkDriverRecovery", () => {
  it("passes for a driver that asks for a reset and recovers, on both platforms", async () => {
    expect(await checkDriverRecovery({ driver: good, numRuns: 25, seed: 1 })).toEqual({ numRuns: 25, seed: 1 });
  });
  it("passes for a driver that is not EEH aware (the core recovers it by hotplug)", async () => {
    await checkDriverRecovery({ driver: scriptedDriver("legacy", {}), numRuns: 15, seed: 2 });
  });
  it("fails a driver that disconnects on a link loss the model driver survives, and shrinks the case", async () => {
    const opts = { driver: linkShy, platform: "powernv", faults: { kinds: ["bad-dma", "link-down"] }, numRuns: 40, seed: 7 } as const;
    const err = await failure(checkDriverRecovery(opts));
    expect(err.platform).toBe("powernv");
    expect(err.faults).toHaveLength(1);
    expect(err.faults[0]).toMatchObject({ kind: "link-down", permanent: false });
    expect(err.answers.some((a) => /^0000:\S+ error_detected\(IO frozen\) → disconnect$/.test(a))).toBe(true);
    expect(err.calls.every((c) => c.callback === "error_detected")).toBe(true);
    expect(err.counterExample.devices.some((d) => d.status === "failed")).toBe(true);
    expect(err.message).toMatch(/was failed permanently, but no fault that reached it was permanent/);
    expect(err.message).toMatch(/\nfaults:\n  \{ kind: "link-down", port: "0000:[0-9a-f]{2}:[0-9a-f]{2}\.0", permanent: false, at: \d+ \}\n/);
    expect(err.message).toMatch(/\n +\d+  driver 0000:\S+ error_detected\(IO frozen\) → disconnect\n/);
    expect(err.message).toContain(`replay: { seed: 7, path: "${err.path}" }`);
    // The reported seed and path replay the case.
    const again = await failure(checkDriverRecovery({ ...opts, seed: err.seed, path: err.path }));
    expect(again.faults).toEqual(err.faults);
    expect(again.answers).toEqual(err.answers);
  });
  it("reports a callback that throws, with the callback and the message", async () => {
    const err = await failure(
      checkDriverRecovery({
        driver: { name: "oops", errorDetected: () => PCI_ERS_RESULT_NEED_RESET, slotReset: () => { throw new Error("ring buffer gone"); } },
        machine: SWITCHED,
        platform: "pseries",
        numRuns: 20,
        seed: 3,
      }),
    );
    expect(err.message).toMatch(/the run threw: ring buffer gone/);
    expect(err.answers.at(-1)).toMatch(/slot_reset threw ring buffer gone$/);
  });
  it("judges a property of the user's own (false fails it)", async () => {
    const err = await failure(
      checkDriverRecovery({ driver: good, machine: SWITCHED, property: (run) => !run.calls.some((c) => c.callback === "slot_reset"), numRuns: 20, seed: 4 }),
    );
    expect(err.message).toMatch(/^checkDriverRecovery: property failed after \d+ runs? \(shrunk \d+ times?\)\n  the property returned false\n/);
    expect(err.answers).toContain(`${err.calls.find((c) => c.callback === "slot_reset")!.device} slot_reset → recovered`);
  });
  it("the stricter everyDeviceSettles lets a device end failed, not half-way", async () => {
    await checkDriverRecovery({ driver: linkShy, machine: SWITCHED, property: everyDeviceSettles, numRuns: 15, seed: 5 });
  });
  it("refuses bad input with typed errors", async () => {
    await expect(checkDriverRecovery({} as never)).rejects.toThrow(ArgumentError);
    await expect(checkDriverRecovery({ driver: good, numRuns: 0 })).rejects.toThrow(ArgumentError);
    await expect(checkDriverRecovery({ driver: good, platform: "aix" as never })).rejects.toThrow(ArgumentError);
    await expect(checkDriverRecovery({ driver: good, machine: new MachineBuilder().phb({ model: "ioda1" }, () => undefined).build() })).rejects.toThrow(/no endpoint/);
    const pinned = new MachineBuilder().phb({ model: "ioda1" }, (r) => r.endpoint({ sriov: { numVfs: 1 } })).build();
    await expect(checkDriverRecovery({ driver: good, machine: pinned })).rejects.toThrow(TopologyError);
    await expect(checkDriverRecovery({ driver: good, machine: fc.constant(SWITCHED), faults: { kinds: [] } })).rejects.toThrow(ArgumentError);
  });
});

describe("runDriverCase", () => {
  it("one fixed case: the timeline shows the fault, the detection, the answers and the recovery, identically every time", async () => {
    const c = { platform: "pseries", machine: SWITCHED, faults: [{ kind: "bad-dma", device: "0000:03:00.0", page: 3, dir: "write", at: 1500 }] } as const;
    const run = await runDriverCase(c, { driver: good });
    expect(run.timeline.slice(0, 5)).toEqual([
      "   1500  fault: bad DMA write by 0000:03:00.0 (window page 3) at 1500 ms → froze PHB#0-PE#fb (dma-tce-page-fault)",
      "   2000  eeh: PHB#0-PE#fb frozen, detected by readl(0000:03:00.0 BAR0+0x0)",
      "   2000  eeh: PHB#0-PE#fb recovering",
      "   2000  driver 0000:03:00.0 error_detected(IO frozen) → need reset",
      "   4050  eeh: PHB#0-PE#fb hot reset, attempt 1: ok",
    ]);
    expect(run.timeline.at(-1)).toMatch(/eeh: PHB#0-PE#fb recovered$/);
    expect(run.devices.map((d) => d.status)).toEqual(["in service", "in service"]);
    expect((await runDriverCase(c, { driver: good })).timeline).toEqual(run.timeline);
  });
});
