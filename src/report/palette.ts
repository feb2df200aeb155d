// Colours and names of what the chart draws: one fill per PE lane state (the legend lists
// them all), one per event kind. Quiet for "normal", loud for what needs attention.

import { PE_LANE_STATES, type PeLaneState, type TimelineEventKind } from "../scenario/timeline.js";

export interface StateStyle {
  readonly label: string;
  /** CSS colour of the segment fill. */
  readonly color: string;
  /** Drawn with a diagonal hatch over the colour (the PE is gone, not just stopped). */
  readonly hatched?: true;
}

export const STATE_STYLES: Readonly<Record<PeLaneState, StateStyle>> = {
  normal: { label: "normal", color: "#cfe3cf" },
  frozen: { label: "frozen (MMIO + DMA)", color: "#d32f2f" },
  "frozen-mmio": { label: "frozen MMIO", color: "#f57c00" },
  "frozen-dma": { label: "frozen DMA", color: "#8e24aa" },
  resetting: { label: "resetting", color: "#1e88e5" },
  fenced: { label: "PHB fenced", color: "#3e2723" },
  removed: { label: "removed", color: "#9e9e9e", hatched: true },
};

export const LANE_STATES: readonly PeLaneState[] = PE_LANE_STATES;

export const EVENT_KINDS: readonly TimelineEventKind[] = ["action", "hardware", "eeh", "guest", "log", "expectation"];

export const EVENT_KIND_STYLES: Readonly<Record<TimelineEventKind, { readonly label: string; readonly color: string }>> = {
  action: { label: "scenario actions", color: "#455a64" },
  hardware: { label: "hardware", color: "#c62828" },
  eeh: { label: "EEH core", color: "#1565c0" },
  guest: { label: "guest", color: "#2e7d32" },
  log: { label: "platform logs", color: "#6a1b9a" },
  expectation: { label: "expectations", color: "#00695c" },
};

/** CSS class of a state (`st-frozen-mmio`); states outside the list fall back to `st-unknown`. */
export function stateClass(state: string): string {
  return (LANE_STATES as readonly string[]).includes(state) ? `st-${state}` : "st-unknown";
}

/** CSS class of an event kind (`ek-eeh`). */
export function kindClass(kind: string): string {
  return (EVENT_KINDS as readonly string[]).includes(kind) ? `ek-${kind}` : "ek-unknown";
}
