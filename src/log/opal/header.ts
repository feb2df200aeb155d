// The common header of every PHB diag blob (powernv-opal.md §3.1) and the checks that come
// before trusting it: version, ioType, and a `len` that must equal the type's struct size
// and fit in the buffer. `readPhbDiagHeader` throws a DecodeError naming the offset of the
// bad word; `detectPhbDiag` answers the same question without throwing, for format sniffing.

import { ByteReader } from "../../core/byte-reader.js";
import { DecodeError } from "../../core/errors.js";
import {
  OPAL_PHB_ERROR_COMMON_SIZE,
  OPAL_PHB_ERROR_DATA_VERSION_1,
  PHB_DIAG_MODEL_OF,
  isPhbDiagIoType,
  type PhbDiagIoType,
  type PhbDiagModel,
} from "./constants.js";
import { PHB_DIAG_LAYOUTS } from "./layout.js";

export interface PhbDiagHeader {
  readonly version: number;
  readonly ioType: PhbDiagIoType;
  readonly model: PhbDiagModel;
  /** The header's len word (equal to the struct size once validated). */
  readonly len: number;
}

/**
 * Read and validate the header of `bytes`. Throws DecodeError: input shorter than the header
 * (offset = input length), version ≠ 1 (offset 0), unknown ioType (offset 4), len not the
 * size of that type's struct (offset 8), input shorter than len (offset = input length).
 * Bytes beyond len are the caller's business (see decode.ts).
 */
export function readPhbDiagHeader(bytes: Uint8Array): PhbDiagHeader {
  if (bytes.byteLength < OPAL_PHB_ERROR_COMMON_SIZE) {
    throw new DecodeError(
      `input is ${bytes.byteLength} bytes, shorter than the ${OPAL_PHB_ERROR_COMMON_SIZE}-byte OpalIoPhbErrorCommon header`,
      bytes.byteLength,
      { length: bytes.byteLength },
    );
  }
  const r = new ByteReader(bytes);
  const version = r.u32("version");
  const ioType = r.u32("ioType");
  const len = r.u32("len");
  if (version !== OPAL_PHB_ERROR_DATA_VERSION_1) {
    throw new DecodeError(`unsupported diag-data version ${version} (only OPAL_PHB_ERROR_DATA_VERSION_1 = 1 exists)`, 0, { version });
  }
  if (!isPhbDiagIoType(ioType)) {
    throw new DecodeError(`unknown diag-data ioType ${ioType} (1 P7IOC, 2 PHB3, 3 PHB4)`, 4, { ioType });
  }
  const layout = PHB_DIAG_LAYOUTS[ioType];
  if (len !== layout.size) {
    throw new DecodeError(`header len ${len} is not the ${layout.size}-byte size of a ${layout.model} diag blob`, 8, { len, expected: layout.size });
  }
  if (bytes.byteLength < len) {
    throw new DecodeError(`truncated ${layout.model} diag blob: header len ${len}, input ${bytes.byteLength} bytes`, bytes.byteLength, {
      len,
      length: bytes.byteLength,
    });
  }
  return { version, ioType, model: PHB_DIAG_MODEL_OF[ioType], len };
}

/** The header if `bytes` starts like a complete PHB diag blob, else undefined; never throws. */
export function detectPhbDiag(bytes: Uint8Array): PhbDiagHeader | undefined {
  try {
    return readPhbDiagHeader(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}
