// checkGuestRecovery: the documented guest flow passes; a flow that skips
// RESET_DEACTIVATE fails with the fault, its time and the ops the guest issued.
import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../src/core/errors.js";
import { guestRecover } from "../../../src/vfio/guest-recover.js";
import { VFIO_EEH_PE_STATE_NORMAL, VFIO_EEH_PE_STATE_UNAVAIL } from "../../../src/vfio/vfio-uapi.js";
import { checkGuestRecovery, GuestCounterExampleError, runGuestCase, type GuestRecovery } from "../../../src/scenario/testing/index.js";
import { MachineBuilder } from "../../../src/pci/builder.js";

/** The documented flow, minus RESET_DEACTIVATE: the PE is left in reset. */
const noDeactivate: GuestRecovery = async (_c, ctx) => {
  let state = await ctx.op("GET_STATE");
  while (state === VFIO_EEH_PE_STATE_UNAVAIL) {
    await ctx.sleep(1000);
    state = await ctx.op("GET_STATE");
  }
  if (state === VFIO_EEH_PE_STATE_NORMAL) return "not-frozen";
  if ((await ctx.op("UNFREEZE_IO")) < 0 || (await ctx.op("RESET_HOT")) < 0) return "failed";
  await ctx.op("CONFIGURE");
  return "recovered";
};

async function failure(p: Promise<unknown>): Promise<GuestCounterExampleError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(GuestCounterExampleError);
  return e as GuestCounterExampleError;
}

describe("checkGuestRecovery", () => {
  it("passes for the documented guest flow (guestRecover)", async () => {
    expect(await checkGuestRecovery({ recover: (c) => guestRecover(c), numRuns: 15, seed: 1 })).toEqual({ numRuns: 15, seed: 1 });
  });
  it("fails a flow that skips RESET_DEACTIVATE, with the fault, its time and the guest's ops", async () => {
    const err = await failure(checkGuestRecovery({ recover: noDeactivate, numRuns: 15, seed: 2 }));
    expect(err.faults).toHaveLength(1);
    expect(["bad-dma", "mmio-error", "pcie-ue", "link-down", "fence"]).toContain(err.faults[0]!.kind);
    const ops = new Set(err.ops.map((o) => o.op));
    expect(ops.has("RESET_HOT")).toBe(true);
    expect(ops.has("RESET_DEACTIVATE")).toBe(false);
    expect(err.recoveries.every((r) => r.result === "recovered")).toBe(true);
    expect(err.message).toMatch(/was given up by the guest, but no fault that reached it was permanent, and the documented guest flow \(guestRecover\) brings it back/);
    expect(err.counterExample.devices[0]!.detail).toMatch(/^the guest gave up: it still read all ones after 5 recoveries \(the guest's freeze limit\)/);
    expect(err.message).toMatch(/\n +\d+  guest RESET_HOT → 0\n +\d+  guest CONFIGURE → 0\n/);
    expect(err.message).toMatch(/\nfaults:\n  \{ kind: "[a-z-]+", .*at: \d+ \}\n/);
  });
  it("reports a routine that throws", async () => {
    const err = await failure(
      checkGuestRecovery({
        recover: async () => {
          throw new Error("guest kernel oops");
        },
        platform: "powernv",
        faults: { kinds: ["bad-dma"] },
        numRuns: 5,
        seed: 3,
      }),
    );
    expect(err.message).toMatch(/the run threw: guest kernel oops/);
  });
  it("refuses bad input with typed errors", async () => {
    await expect(checkGuestRecovery({} as never)).rejects.toThrow(ArgumentError);
    await expect(checkGuestRecovery({ recover: (c) => guestRecover(c), maxRecoveries: 0 })).rejects.toThrow(ArgumentError);
  });
});

describe("runGuestCase", () => {
  it("one fixed case: the guest notices the frozen PE on its next read and recovers it", async () => {
    const machine = new MachineBuilder().phb({ model: "ioda2" }, (r) => r.endpoint({ bars: [{ type: "mem32", size: 0x4000 }] })).build();
    const run = await runGuestCase({ platform: "powernv", machine, device: "0000:01:00.0", faults: [{ kind: "mmio-error", device: "0000:01:00.0", at: 2500 }] }, { recover: (c) => guestRecover(c) });
    expect(run.timeline[0]).toBe("   2500  fault: MMIO load past the BARs of 0000:01:00.0 at 2500 ms → froze PHB#0-PE#fd (mmio-ur)");
    expect(run.timeline).toContain("   3000  guest 0000:01:00.0 reads all ones: recovery starts");
    expect(run.recoveries.map((r) => r.result)).toEqual(["recovered"]);
    expect(run.devices.map((v) => v.status)).toEqual(["in service"]);
  });
});
