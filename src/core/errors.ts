// Typed errors. Every failure the emulator reports is an EehError with a stable
// machine-readable `code` and a `context` object naming what was wrong and where
// (the byte offset, the line, the JSON path, the PHB/PE). Operations that throw
// leave the state exactly as it was (state updates go through immer, see state.ts).

export type EehErrorCode =
  | "BAD_ADDRESS" // a PCI address text that does not parse
  | "BAD_TOPOLOGY" // a machine description that is inconsistent
  | "BAD_ARGUMENT" // an API argument out of range
  | "NOT_FOUND" // a PHB, PE, device or RID that does not exist
  | "HW_STATE" // the hardware is in a state that forbids the operation
  | "DECODE" // bytes or text that do not decode
  | "CLOCK"; // a virtual-clock misuse (time going backwards)

export class EehError extends Error {
  readonly code: EehErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: EehErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

/** Bad text for a `dddd:bb:dd.f` address; `column` is 0-based into `input`. */
export class PciAddressError extends EehError {
  constructor(message: string, input: string, column: number) {
    super("BAD_ADDRESS", `${message} in PCI address "${input}" at column ${column}`, { input, column });
  }
}

/** A machine description that cannot be built; `path` is a JSON path like `phbs[0].functions[2].bus`. */
export class TopologyError extends EehError {
  readonly path: string;
  constructor(message: string, path: string, context: Record<string, unknown> = {}) {
    super("BAD_TOPOLOGY", `${path}: ${message}`, { ...context, path });
    this.path = path;
  }
}

export class ArgumentError extends EehError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("BAD_ARGUMENT", message, context);
  }
}

export class NotFoundError extends EehError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("NOT_FOUND", message, context);
  }
}

/** The hardware state forbids the operation (e.g. programming a dead PHB). */
export class HardwareStateError extends EehError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("HW_STATE", message, context);
  }
}

/**
 * Bytes or text that do not decode. `offset` is the byte offset (binary input) at which
 * decoding failed; `line` is set for text input (1-based).
 */
export class DecodeError extends EehError {
  readonly offset: number;
  readonly line: number | undefined;
  constructor(message: string, offset: number, context: Record<string, unknown> = {}, line?: number) {
    const where = line !== undefined ? `line ${line}` : `byte ${offset} (0x${offset.toString(16)})`;
    super("DECODE", `${message} at ${where}`, { ...context, offset, ...(line !== undefined ? { line } : {}) });
    this.offset = offset;
    this.line = line;
  }
}

export class ClockError extends EehError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("CLOCK", message, context);
  }
}
