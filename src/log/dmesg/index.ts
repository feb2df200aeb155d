// Linux kernel-log text for EEH: print PHB diag dumps exactly as Linux does, and parse
// captures (diag dumps and EEH core lines) back into values and typed events.

export * from "./dump-format.js";
export * from "./diag-lines.js";
export * from "./pest-lines.js";
export * from "./print-diag.js";
export * from "./line-prefix.js";
export * from "./diag-line-classify.js";
export * from "./parsed-dump.js";
export * from "./dump-assembler.js";
export * from "./eeh-events.js";
export * from "./parse-kernel-log.js";
