// The README's recovery example, run as a test against the package entry point.
import { expect, it } from "vitest";
import { MachineBuilder, Machine, injectBadDma, VirtualClock, HostLog, OpalFirmware, PnvEehOps, EehCore, scriptedDriver } from "../src/index.js";

it("README recovery example", async () => {
  const spec = new MachineBuilder()
    .phb({ model: "ioda2" }, (root) =>
      root.switch({ downstreamPorts: 2 }, (ports) => {
        ports[0]!.endpoint({ label: "eth0", bars: [{ type: "mem32", size: 0x10000 }] });
        ports[1]!.endpoint({ label: "nvme0", bars: [{ type: "mem32", size: 0x4000 }] });
      }),
    )
    .build();
  const m = Machine.build(spec);
  const nvme = "0000:04:00.0";

  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const opal = new OpalFirmware(m, clock);
  const core = new EehCore(m, clock, new PnvEehOps(opal, clock, log), log, {
    drivers: { "0000:04:00.0": scriptedDriver("nvme", { errorDetected: "need reset", slotReset: "recovered" }) },
  });
  injectBadDma(m, nvme);
  core.readMmio(nvme, 0, 0n, 4);
  await core.settle();
  expect(log.dmesg().at(-1)).toBe("[    3.052000] EEH: Recovery successful.");
  expect(core.outcomes.at(-1)?.outcome).toBe("recovered");
});
