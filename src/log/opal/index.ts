// OPAL PHB diag-data codec (powernv-opal.md §3). The fast-check arbitraries live in
// ./arbitraries.ts and are deliberately not re-exported here (fast-check is a dev tool).

export * from "./constants.js";
export type * from "./types.js";
export * from "./layout.js";
export * from "./header.js";
export * from "./decode.js";
export * from "./encode.js";
export * from "./pest.js";
export * from "./zero.js";
