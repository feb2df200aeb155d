// How PEs and requester IDs read in summaries: the way Linux prints them (DESIGN.md
// "Naming"): PE# in hex without padding, a RID as bb:dd.f (no domain: the diag data does
// not carry the Linux PCI domain), PEST indices in the dump's %03x.

import { addressFromRid, formatBdf } from "../../pci/address.js";

export function peLabel(pe: number): string {
  return `PE#${pe.toString(16)}`;
}

export function bdf(rid: number): string {
  return formatBdf(addressFromRid(0, rid));
}

export function hex3(n: number): string {
  return n.toString(16).padStart(3, "0");
}
