// The errno values the VFIO layer returns beyond those the platform layer already names
// (platform/eeh-ops.ts: EPERM, ENOENT, EIO, ENXIO, ENODEV, EINVAL, ERANGE,
// ENOTRECOVERABLE), and strerror texts for QEMU's messages (pseries-rtas.md §6.2:
// "vfio/eeh: EEH_PE_OP 0x<op> failed: <strerror>"). Values are Linux's (asm-generic/errno).

import { EINVAL, EIO, ENODEV, ENOENT, ENOTRECOVERABLE, ENXIO, EPERM, ERANGE } from "../platform/eeh-ops.js";

/** A closed container or device. */
export const EBADF = 9;
/** copy_from_user failed: the ioctl argument is shorter than what the kernel copies (§5.2). */
export const EFAULT = 14;
/** The group is held by another container, or still has open devices. */
export const EBUSY = 16;
/** An ioctl the container does not implement. */
export const ENOTTY = 25;

/** Operation not supported (QEMU's errinjct proposal maps it to RTAS NOT_SUPPORTED, pseries-rtas §6.5). */
export const EOPNOTSUPP = 95;

const STRERROR: Readonly<Record<number, string>> = {
  [EPERM]: "Operation not permitted",
  [ENOENT]: "No such file or directory",
  [EIO]: "Input/output error",
  [ENXIO]: "No such device or address",
  [EBADF]: "Bad file descriptor",
  [EFAULT]: "Bad address",
  [EBUSY]: "Device or resource busy",
  [ENODEV]: "No such device",
  [EINVAL]: "Invalid argument",
  [ENOTTY]: "Inappropriate ioctl for device",
  [ERANGE]: "Numerical result out of range",
  [EOPNOTSUPP]: "Operation not supported",
  [ENOTRECOVERABLE]: "State not recoverable",
};

/** strerror(errno) for a positive or negative errno. */
export function strerror(errno: number): string {
  return STRERROR[Math.abs(errno)] ?? `Unknown error ${Math.abs(errno)}`;
}
