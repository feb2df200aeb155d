// PCIe AER kernel-log text (aer-xen.md §1–§2, §4.2): bit/severity/layer/agent names, the
// lines each kernel generation prints, and a parser that reads any of them back into
// reports and recovery events. Pure: imports only core and pci.

export * from "./names.js";
export * from "./error-names.js";
export * from "./lines.js";
export * from "./print.js";
export * from "./parse-line.js";
export * from "./parse-log.js";
export * from "./describe.js";
export * from "./trace.js";
