// Turns a Node fs/system error into the short strerror-style cause that follows a
// path in messages ("No such file or directory"). Pure; never includes the path,
// which the SourceError that carries the cause already names.

// errno names → the text `ls`/`cat` would print for them (glibc strerror).
const CAUSES: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ELOOP: 'Too many levels of symbolic links',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EIO: 'Input/output error',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  ENAMETOOLONG: 'File name too long',
  ENXIO: 'No such device or address',
  ENODEV: 'No such device',
  ESTALE: 'Stale file handle',
  EINVAL: 'Invalid argument',
  EOVERFLOW: 'Value too large for defined data type',
};

// Node formats fs errors as "ENOENT: no such file or directory, open 'x'".
const NODE_FS_MESSAGE = /^E[A-Z0-9]+: (.*?), \w+(?: '.*')?$/s;

/** The short cause for a filesystem error, without the path. */
export function describeFsError(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') {
      const known = CAUSES[code];
      if (known !== undefined) return known;
    }
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string') {
      const m = NODE_FS_MESSAGE.exec(message);
      return m?.[1] ?? message;
    }
  }
  return String(err);
}

/** The `code` of a Node error (`ENOENT`, `Z_DATA_ERROR`, `ABORT_ERR`), if it has a string one. */
export function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
