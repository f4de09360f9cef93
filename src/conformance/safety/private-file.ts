/**
 * Files only this run may write and nobody may redirect: the journal, the lock and their temporary
 * files are created with O_CREAT | O_EXCL | O_NOFOLLOW and mode 0600, so a symbolic link planted at
 * the path (or a file left there) makes the creation fail instead of writing through it, and other
 * users of the machine cannot read the snapshot.
 */
import { closeSync, constants, openSync, readFileSync, writeSync } from "node:fs";

// O_NOFOLLOW does not exist on Windows; O_EXCL alone already refuses an existing link there.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;

/** Creates `path` with `text`; false when something (a file, a link) is already there. */
export function createPrivateFile(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, CREATE_NEW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The text at `path`, undefined when there is no file; a symbolic link is refused (ELOOP). */
export function readPrivateFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}
