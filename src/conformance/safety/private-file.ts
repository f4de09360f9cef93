/**
 * Files only this run may write and nobody may redirect: the journal, the lock and their temporary
 * files are created with O_CREAT | O_EXCL | O_NOFOLLOW and mode 0600, so a symbolic link planted at
 * the path (or a file left there) makes the creation fail instead of writing through it, and other
 * users of the machine cannot read the snapshot. Reading checks the same on the opened descriptor
 * (no race between a check and the open): a regular file of this user with mode 0600, or it is refused,
 * since `--restore` would otherwise PATCH whatever someone else put there.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats, writeSync } from "node:fs";

// O_NOFOLLOW does not exist on Windows; O_EXCL alone already refuses an existing link there.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;

/** A file at a private path that this suite did not write: its owner, mode or type is wrong. */
export class NotPrivateFile extends Error {
  override readonly name = "NotPrivateFile";
}

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

/**
 * The text at `path`, undefined when there is no file; a symbolic link is refused (ELOOP), and so is
 * a file this suite cannot have written (NotPrivateFile). O_NONBLOCK: a FIFO planted there must not
 * block the open; it is then refused as not a regular file.
 */
export function readPrivateFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const why = notPrivate(fstatSync(fd));
    if (why !== undefined) throw new NotPrivateFile(why);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** Why the opened file cannot be one this suite wrote; undefined when it can. */
function notPrivate(stat: Stats): string | undefined {
  if (!stat.isFile()) return "it is not a regular file";
  const uid = process.getuid?.();
  if (uid === undefined) return undefined; // Windows: no uid or POSIX mode to compare
  if (stat.uid !== uid) return `it belongs to uid ${stat.uid}, not to this user (uid ${uid})`;
  const mode = stat.mode & 0o777;
  if (mode !== 0o600) return `its mode is ${mode.toString(8).padStart(4, "0")}, not 0600`;
  return undefined;
}
