// Whether the root-port config words of a diag struct can be read at all (§3.2: skiboot
// reads them from bdfn 0 through ASB, so they survive a fence).
//
// * Unreadable: every 32-bit config dword is 0xffffffff — the all-ones a config read returns
//   when nothing answers (the "ASB returning all-ones" of §6.1) → PHB_DEAD, and none of its
//   bits is interpreted (an all-ones AER status would otherwise name every error there is).
// * Not captured: Device, Slot, Link and Command/Status dwords all zero. A configured root
//   port never reads Command = 0 with link speed 0, so this is a struct whose root-port
//   words were never filled (Linux omits the RootSts line only when all five are zero) —
//   nothing is concluded about the link from it.

import type { PhbDiagScalarName } from "../opal/types.js";
import type { DiagView } from "./diag-view.js";

/** The 32-bit config dwords (brdgCtl and devSecStatus are 16-bit registers, zero-extended). */
export const ROOT_PORT_DWORDS: readonly PhbDiagScalarName[] = [
  "deviceStatus",
  "slotStatus",
  "linkStatus",
  "devCmdStatus",
  "rootErrorStatus",
  "uncorrErrorStatus",
  "corrErrorStatus",
  "sourceId",
];

const STATUS_DWORDS: readonly PhbDiagScalarName[] = ["deviceStatus", "slotStatus", "linkStatus", "devCmdStatus"];

export function rootPortUnreadable(v: DiagView): boolean {
  return ROOT_PORT_DWORDS.every((n) => v.value(n) === 0xffffffffn);
}

export function rootPortCaptured(v: DiagView): boolean {
  return STATUS_DWORDS.some((n) => v.value(n) !== 0n);
}
