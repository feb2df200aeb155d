// The property-testing kit, used the way a driver or hypervisor engineer would: in your own
// project the import is `from "eeh-emu/testing"` (fast-check is a peer dependency).
import { expect, it } from "vitest";
import { PCI_ERS_RESULT_DISCONNECT, PCI_ERS_RESULT_NEED_RESET, PCI_ERS_RESULT_RECOVERED, pci_channel_io_perm_failure, vfio, type PciDriver } from "../src/index.js";
import { checkDriverRecovery, checkGuestRecovery, CounterExampleError, type DeviceUnderTest } from "../src/scenario/testing/index.js";

// The recovery callbacks under test (a factory: one driver per device per run).
function myDriver(_dev: DeviceUnderTest): PciDriver {
  return {
    name: "mydrv",
    errorDetected: (_d, state) => (state === pci_channel_io_perm_failure ? PCI_ERS_RESULT_DISCONNECT : PCI_ERS_RESULT_NEED_RESET),
    slotReset: () => PCI_ERS_RESULT_RECOVERED, // re-initialise the device
    resume: () => undefined, // restart I/O
  };
}

// A seed keeps `npm test` repeatable; leave it out to explore new cases on every run.
it("my driver brings its device back from every curable fault", async () => {
  await checkDriverRecovery({ driver: myDriver, numRuns: 30, seed: 42 });
});

it("a driver that gives up on a link loss is caught, with the fault and its answers", async () => {
  const linkShy = (dev: DeviceUnderTest): PciDriver => ({ ...myDriver(dev), errorDetected: () => (dev.linkUp() ? PCI_ERS_RESULT_NEED_RESET : PCI_ERS_RESULT_DISCONNECT) });
  const err = await checkDriverRecovery({ driver: linkShy, platform: "powernv", numRuns: 50, seed: 7 }).catch((e: unknown) => e);
  // The message is the report: reason, machine, shrunk faults, timeline of answers, replay seed.
  expect(err).toBeInstanceOf(CounterExampleError);
  expect((err as CounterExampleError).faults).toEqual([expect.objectContaining({ kind: "link-down", permanent: false })]);
});

it("the documented guest recovery flow survives random faults", async () => {
  await checkGuestRecovery({ recover: (container) => vfio.guestRecover(container), numRuns: 20, seed: 1 });
});
