// Shared setup for the AER tests: a native-AER host (x86-like: Linux's AER driver owns the
// root port) over the switch machine of the ioda tests.
import { VirtualClock } from "../../src/core/clock.js";
import { HostLog } from "../../src/eeh/host-log.js";
import { Machine } from "../../src/ioda/machine.js";
import { AerHost, type AerHostOptions } from "../../src/aer/aer-host.js";
import type { PhbSpec } from "../../src/pci/topology.js";
import { switchPhb } from "../ioda/fixtures.js";

export function aerEnv(opts: AerHostOptions = {}, phb: PhbSpec = switchPhb(0, "ioda2", 3), keepDebug = false) {
  const m = Machine.build({ phbs: [phb] });
  const clock = new VirtualClock();
  const log = new HostLog(clock, undefined, keepDebug);
  const host = new AerHost(m, clock, log, opts);
  return { m, clock, log, host };
}

export const EP = "0000:03:00.0";
export const EP1 = "0000:04:00.0";
export const DSP = "0000:02:00.0";
export const USP = "0000:01:00.0";
export const RP = "0000:00:00.0";
