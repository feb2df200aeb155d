// What the EEH functions behind VFIO work with: the EEH core (its platform ops, PE tree
// verbs, clock and host log) and an index of the devices of each PE; and the one device
// walk they share, restoring a PE's devices after a reset (linux-eeh.md §3.8
// `eeh_pe_restore_bars`, plus the platform's `restore_config`).

import type { EehCore } from "../eeh/eeh-core.js";
import { restoreBars } from "../ioda/faults.js";
import type { EehPeRef } from "../platform/eeh-ops.js";
import type { DeviceIndex } from "./device-index.js";
import type { SerialLock } from "./serial-lock.js";

export interface EehPeContext {
  readonly core: EehCore;
  readonly index: DeviceIndex;
  /** eeh_dev_mutex: serialises device open/release (§5.1). */
  readonly devMutex: SerialLock;
}

/** eeh_pe_restore_bars + restore_config for every present device of the subtree. */
export function eehPeRestoreBars(ctx: EehPeContext, pe: EehPeRef): void {
  for (const d of ctx.index.ofSubtree(pe)) {
    if (!d.present) continue;
    restoreBars(ctx.core.machine, d.address);
    ctx.core.ops.restoreConfig?.(d.phbId, d.rid);
  }
}
