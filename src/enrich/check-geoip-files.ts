// The GeoIP database files named on the command line, checked before any log is read: `audit`
// opens the databases only once the logs are read (geoip.ts), and a typo in a path should not
// wait for the end of a long scan. Kept apart from geoip.ts so the check loads no mmdb reader.
import { open } from 'node:fs/promises';
import { ConfigError } from '../errors.js';

/**
 * `--geoip-db` / `--asn-db` value that asks for the bundled data even where geoipupdate's
 * GeoLite2 files exist: reports that do not depend on which machine made them. A file
 * really named so is `./bundled`.
 */
export const BUNDLED_KEYWORD = 'bundled';

/**
 * Fails as opening would later (same ConfigError) when a database named in `database` or
 * `asnDatabase` cannot be read at all; whether a readable file is a database is found out
 * only when it is opened.
 */
export async function checkGeoIpFiles(opts: { database?: string | undefined; asnDatabase?: string | undefined }): Promise<void> {
  for (const file of [opts.database, opts.asnDatabase]) {
    if (file === undefined || file === BUNDLED_KEYWORD) continue;
    try {
      const handle = await open(file, 'r');
      const st = await handle.stat().finally(() => handle.close());
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    } catch (err) {
      throw cannotOpen(file, err);
    }
  }
}

/** The error for a database file that cannot be opened (here, or by the mmdb reader in geoip.ts). */
export function cannotOpen(file: string, err: unknown): ConfigError {
  return new ConfigError(`cannot open GeoIP database: ${describeOpenError(err)}`, { file });
}

// Why a database file could not be opened, in a few words.
function describeOpenError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  const message = err instanceof Error ? err.message : String(err);
  return `not a readable MaxMind DB file (${message})`;
}
