// The inputs of a replaying command: discovery of the given paths (or of each jail's own
// logpath), the rule for which missing paths are problems, and the year reference of
// stdin. Shared by `audit` and `tune` so both read exactly the same files; reads no log byte.
import { discoverSources } from '../../source/discover.js';
import type { SourceFile } from '../../types.js';
import { discoverJailSources, type AuditConfig } from '../resolve-config.js';
import type { CommandIo } from './command-io.js';

/** Files to replay, in discovery order, the paths that could not be used, and notices. */
export interface LoadedInputs {
  files: SourceFile[];
  problems: Error[];
  warnings: string[];
}

/** Discovers the command's inputs (with rotated siblings when `rotated`). */
export async function loadInputs(config: AuditConfig, rotated: boolean, io: Pick<CommandIo, 'stdinMtimeMs'>): Promise<LoadedInputs> {
  // Without PATH each jail reads only its own logpath files (SourceFile.jails).
  const discovered = config.pathsFromLogpath
    ? await discoverJailSources(config, { rotated })
    : { ...(await discoverSources(config.paths, { rotated })), warnings: [] };
  // logpath entries come from configuration written for several distributions:
  // a missing one is normal as long as some input exists.
  const problems: Error[] = config.pathsFromLogpath && discovered.files.length > 0 ? [] : [...discovered.problems];
  const warnings = discovered.files.length > 0 ? [...discovered.warnings] : [];
  if (discovered.files.length === 0 && problems.length === 0) {
    problems.push(new Error(`no log file found in ${config.paths.join(', ')}`));
  }
  const files = discovered.files.map((f) =>
    f.path === '-' && f.mtimeMs === undefined ? { ...f, mtimeMs: io.stdinMtimeMs } : f,
  );
  return { files, problems, warnings };
}
