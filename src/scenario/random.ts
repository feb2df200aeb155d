// `random-faults` steps → concrete fault steps, chosen by the run's seed, before the run
// starts: the timeline then shows exactly what was injected, and the same seed gives the
// same run. Each fault is followed by a host load of the device at the same time, so the
// EEH core looks at it the way a driver polling its device would.

import type { Scenario, ScenarioAction } from "./schema.js";
import type { Names } from "./machine.js";
import type { Machine } from "../ioda/machine.js";
import { formatPciAddress } from "../pci/address.js";

/** mulberry32: a small, well-distributed 32-bit PRNG; enough to pick faults reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ["bad-dma", "mmio-error", "pcie-ue", "link-down"] as const;

/** The timeline with every random-faults step replaced by what the seed chose, in time order. */
export function expandRandomFaults(s: Scenario, m: Machine, names: Names, seed: number): Array<{ action: ScenarioAction; path: string }> {
  const rand = prng(seed);
  const out: Array<{ action: ScenarioAction; path: string; order: number }> = [];
  const endpoints = m.spec.phbs.flatMap((p) => p.functions.filter((f) => f.kind === "endpoint").map((f) => formatPciAddress(f.address)));
  s.timeline.forEach((a, i) => {
    const path = `timeline[${i}]`;
    if (a.do !== "random-faults") {
      out.push({ action: a, path, order: out.length });
      return;
    }
    const pool = a.devices ? a.devices.map((d, j) => names.device(d, `${path}.devices[${j}]`)) : endpoints;
    for (let k = 0; k < a.count; k++) {
      const t = a.at + Math.floor(rand() * (a.within + 1));
      const device = pool[Math.floor(rand() * pool.length)]!;
      const kind = KINDS[Math.floor(rand() * KINDS.length)]!;
      const note = `random fault ${k + 1}/${a.count} (seed ${seed})`;
      const fault: ScenarioAction =
        kind === "bad-dma"
          ? { at: t, note, do: "bad-dma", device, dir: "write" }
          : kind === "mmio-error"
            ? { at: t, note, do: "mmio-error", device }
            : kind === "pcie-ue"
              ? { at: t, note, do: "pcie-ue", device, error: "MALF_TLP", severity: "fatal" }
              : { at: t, note, do: "link-down", device, permanent: false };
      out.push({ action: fault, path, order: out.length });
      out.push({ action: { at: t, note, do: "load", device, bar: 0, offset: 0n, size: 4 }, path, order: out.length });
    }
  });
  // Stable by time: steps at the same time keep the order they were written in.
  return out.sort((x, y) => x.action.at - y.action.at || x.order - y.order).map(({ action, path }) => ({ action, path }));
}
