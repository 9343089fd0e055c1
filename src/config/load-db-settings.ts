// Reads the server settings banreplay needs from fail2ban.conf (fail2ban.conf, fail2ban.d/*.conf,
// fail2ban.local, fail2ban.d/*.local, [Definition]): `dbfile` and `dbpurgeage`, which decide
// whether bantime.increment works and how long the memory of earlier bans lasts. Never prints.

import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseDuration } from './duration.js';
import { configFilesFor, readConfigFiles } from './ini-reader.js';
import { getOption } from './interpolate.js';

/** fail2ban's database settings (server/database.py, client/fail2banreader.py). */
export interface DbSettings {
  /** Seconds; fail2ban's default is one day. */
  purgeAge: number;
  /** False when `dbfile = None`: fail2ban then has no database and no bantime.increment. */
  enabled: boolean;
  /** Where `dbpurgeage` was read, for messages; undefined when nothing set it. */
  source: string | undefined;
}

/** Default `dbpurgeage` (Fail2BanDb purgeAge, 1 day). */
export const DEFAULT_PURGE_AGE = 24 * 60 * 60;

/** Reads `dbfile` and `dbpurgeage` from `configDir`; missing files give fail2ban's defaults. */
export function loadDbSettings(configDir: string): DbSettings {
  const files = configFilesFor(join(configDir, 'fail2ban'));
  if (files.length === 0) return { purgeAge: DEFAULT_PURGE_AGE, enabled: true, source: undefined };
  const doc = readConfigFiles(files);
  const section = doc.sections.get('Definition');
  const dbfile = getOption(doc, 'Definition', 'dbfile')?.trim();
  const raw = getOption(doc, 'Definition', 'dbpurgeage')?.trim();
  const origin = section?.origins.get('dbpurgeage') ?? doc.defaults.origins.get('dbpurgeage');
  let purgeAge = DEFAULT_PURGE_AGE;
  if (raw !== undefined && raw !== '') {
    try {
      purgeAge = parseDuration(raw);
    } catch (err) {
      if (err instanceof ConfigError) {
        throw new ConfigError(err.message, { file: origin?.file, section: 'Definition', key: 'dbpurgeage' });
      }
      throw err;
    }
  }
  return {
    purgeAge,
    enabled: dbfile === undefined || dbfile.toLowerCase() !== 'none',
    source: origin?.file,
  };
}
