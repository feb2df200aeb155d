// The guest's recovery flow over VFIO, as Documentation/driver-api/vfio.rst documents it
// (linux-eeh.md §5.3): on an all-ones read, GET_STATE; while the host recovers above the
// PE (UNAVAIL) wait; UNFREEZE_IO and collect the logs; RESET_HOT (or FUNDAMENTAL);
// RESET_DEACTIVATE; CONFIGURE; restore the saved device state; check the PE works again.
// A step that fails ends the flow: the guest treats the PE as permanently failed.
//
// The helper awaits virtual time (its waits and the ops' resets): drive the clock
// alongside, e.g. `const p = guestRecover(c); await clock.runUntilIdle(); await p`.

import { EEH_LOG_TEMP } from "../platform/eeh-ops.js";
import type { VfioContainer } from "./container.js";
import type { GuestPlatformLog } from "./guest-platform-log.js";
import {
  VFIO_EEH_PE_CONFIGURE,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_OP_NAMES,
  VFIO_EEH_PE_RESET_DEACTIVATE,
  VFIO_EEH_PE_RESET_FUNDAMENTAL,
  VFIO_EEH_PE_RESET_HOT,
  VFIO_EEH_PE_STATE_NORMAL,
  VFIO_EEH_PE_STATE_UNAVAIL,
  VFIO_EEH_PE_UNFREEZE_IO,
} from "./vfio-uapi.js";

export interface GuestRecoverOptions {
  /** Reset kind (default "hot"). */
  readonly reset?: "hot" | "fundamental";
  /** How long to wait while the PE is UNAVAIL, in virtual ms (default 300 s, MAX_WAIT_FOR_RECOVERY). */
  readonly maxWaitMs?: number;
  /** Poll period while UNAVAIL (default 1000 ms, the wait QEMU reports). */
  readonly pollMs?: number;
  /** Fetch each group's platform log after UNFREEZE_IO (default true). */
  readonly collectLogs?: boolean;
  /** Restore the device state the guest saved (after CONFIGURE). */
  readonly restore?: () => void | Promise<void>;
}

export interface GuestRecoverStep {
  readonly op: string;
  readonly result: number;
}

export interface GuestRecoverReport {
  /** "not-frozen": GET_STATE said NORMAL, nothing done; "failed": reported as permanent. */
  readonly outcome: "not-frozen" | "recovered" | "failed";
  readonly steps: readonly GuestRecoverStep[];
  readonly logs: readonly GuestPlatformLog[];
  /** The step that failed. */
  readonly failedAt?: string;
}

export async function guestRecover(container: VfioContainer, options: GuestRecoverOptions = {}): Promise<GuestRecoverReport> {
  const clock = container.host.core.clock;
  const steps: GuestRecoverStep[] = [];
  const logs: GuestPlatformLog[] = [];
  const op = async (n: number): Promise<number> => {
    const r = await container.eehPeOp({ op: n });
    steps.push({ op: VFIO_EEH_PE_OP_NAMES[n]!, result: r });
    return r;
  };
  const fail = (at: string): GuestRecoverReport => ({ outcome: "failed", steps, logs, failedAt: at });

  // 1. What state is the PE in? Wait while the host recovers above it.
  let state = await op(VFIO_EEH_PE_GET_STATE);
  const maxWait = options.maxWaitMs ?? 300_000;
  const poll = options.pollMs ?? 1000;
  for (let waited = 0; state === VFIO_EEH_PE_STATE_UNAVAIL && waited < maxWait; waited += poll) {
    await clock.sleep(poll);
    state = await op(VFIO_EEH_PE_GET_STATE);
  }
  if (state < 0 || state === VFIO_EEH_PE_STATE_UNAVAIL) return fail("GET_STATE");
  if (state === VFIO_EEH_PE_STATE_NORMAL) return { outcome: "not-frozen", steps, logs };

  // 2. Let MMIO through and collect the logs.
  if ((await op(VFIO_EEH_PE_UNFREEZE_IO)) < 0) return fail("UNFREEZE_IO");
  if (options.collectLogs ?? true) {
    for (const g of container.groups) {
      const l = await container.fetchPeLog(g.id, EEH_LOG_TEMP);
      if (typeof l !== "number") logs.push(l);
    }
  }

  // 3. Reset, release, reconfigure.
  const reset = options.reset === "fundamental" ? VFIO_EEH_PE_RESET_FUNDAMENTAL : VFIO_EEH_PE_RESET_HOT;
  if ((await op(reset)) < 0) return fail(VFIO_EEH_PE_OP_NAMES[reset]!);
  if ((await op(VFIO_EEH_PE_RESET_DEACTIVATE)) < 0) return fail("RESET_DEACTIVATE");
  if ((await op(VFIO_EEH_PE_CONFIGURE)) < 0) return fail("CONFIGURE");

  // 4. The saved state back, and the PE must work.
  await options.restore?.();
  const after = await op(VFIO_EEH_PE_GET_STATE);
  if (after !== VFIO_EEH_PE_STATE_NORMAL) return fail("GET_STATE after reset");
  return { outcome: "recovered", steps, logs };
}
