import { VirtualClock } from "../../src/core/clock.js";
import { Machine } from "../../src/ioda/machine.js";
import { OpalFirmware } from "../../src/platform/powernv/opal.js";
import { PnvEehOps } from "../../src/platform/powernv/pnv-eeh-ops.js";
import { EehCore, type EehCoreOptions } from "../../src/eeh/eeh-core.js";
import { HostLog } from "../../src/eeh/host-log.js";
import { switchPhb } from "../ioda/fixtures.js";
import type { PhbModelKind } from "../../src/pci/topology.js";

export function powernv(model: PhbModelKind = "ioda2", opts: EehCoreOptions = {}, ports = 3) {
  const m = Machine.build({ phbs: [switchPhb(0, model, ports)] });
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const opal = new OpalFirmware(m, clock);
  const ops = new PnvEehOps(opal, clock, log);
  const core = new EehCore(m, clock, ops, log, opts);
  return { m, clock, log, opal, ops, core };
}

import { PseriesPlatform } from "../../src/platform/pseries/pseries-platform.js";
import { PseriesEehOps } from "../../src/platform/pseries/pseries-eeh-ops.js";

export function pseries(model: PhbModelKind = "ioda2", opts: EehCoreOptions = {}, ports = 3) {
  const m = Machine.build({ phbs: [switchPhb(0, model, ports)] });
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const rtas = new PseriesPlatform(m, clock);
  const ops = new PseriesEehOps(rtas, clock, log);
  const core = new EehCore(m, clock, ops, log, { enableIoForLog: true, ...opts });
  return { m, clock, log, rtas, ops, core };
}
