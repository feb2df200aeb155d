// The emulator's state is one immutable tree updated with immer (DESIGN.md, "State").
// An operation is a recipe run inside `update`: it mutates a draft, and either returns
// normally (a new tree shares every untouched branch with the old one) or throws, in
// which case the draft is thrown away and the caller still holds the old tree: a failed
// operation changes no state.
//
// Large fixed tables (the 64 K-entry IODA2 RTT, the PELT-V bit matrix) live in typed
// arrays, which immer does not draft. They are never written in place: `cowWrite` copies
// the array, applies the writes, and stores the copy back into the draft.

import { produce, type Draft } from "immer";

export type { Draft } from "immer";

/** Run `recipe` on a draft of `state`; returns the next state and the recipe's result. */
export function update<S, R>(state: S, recipe: (draft: Draft<S>) => R): { state: S; result: R } {
  let result!: R;
  const next = produce(state, (draft) => {
    result = recipe(draft);
  });
  return { state: next, result };
}

type TypedArray = Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

/** Copy-on-write for a typed array held in a draft: copy, let `write` mutate the copy, return it. */
export function cowWrite<T extends TypedArray>(array: T, write: (copy: T) => void): T {
  const copy = array.slice() as T;
  write(copy);
  return copy;
}
