// `banreplay audit`: resolve → discover → replay → report → enrich → render.
// Thin wiring only; every step lives in its own module. Returns the text to print
// and the problems to report; main.ts owns stdout, stderr and the exit code.
import { buildReport } from '../../analysis/build-report.js';
import { applyWindow } from '../../analysis/window.js';
import { replay } from '../../pipeline/replay.js';
import { checkGeoIpFiles } from '../../enrich/check-geoip-files.js';
import type { OpenGeoIpOptions, SettledGeoIp } from '../../enrich/geoip.js';
import type { HitStore } from '../../pipeline/hit-store.js';
import type { EpochMs, Report, SourceFile } from '../../types.js';
import {
  deliverReport, outputOptions, planOutput, readOutputArgs, rendersHits, windowScan, type OutputArgs, type OutputPlan,
} from '../audit-output.js';
import { collectGarbage } from '../collect-garbage.js';
import { idleMailJailsNotice } from '../idle-mail-jails.js';
import { createProgress } from '../progress.js';
import { pathsPositional, readReplayArgs, replayOptions, type ReplayArgs } from '../options.js';
import { resolveAuditConfig, type AuditConfig } from '../resolve-config.js';
import type { CommandIo, CommandResult, CommandSpec } from './command-io.js';
import { loadInputs } from './load-inputs.js';

export { AUDIT_FORMATS } from '../audit-output.js';

/** Arguments of `audit`: the replay options plus the output options (audit-output.ts). */
export interface AuditArgs extends ReplayArgs, OutputArgs {}

/** `banreplay audit [PATH...]`. */
export const auditCommand: CommandSpec<AuditArgs> = {
  name: 'audit',
  usage: 'audit [paths..]',
  synopsis: 'audit [PATH...] [options]',
  summary: 'replay logs and report the bans fail2ban would have issued',
  builder: (y) =>
    outputOptions(pathsPositional(replayOptions(y))),
  toArgs: (a) => ({
    ...readReplayArgs(a),
    ...readOutputArgs(a),
  }),
  readsStdin: (args) => args.paths.includes('-'),
  color: (args) => args.color,
  run: runAudit,
};

/** Runs `audit` with already-parsed arguments. */
export async function runAudit(args: AuditArgs, io: CommandIo): Promise<CommandResult> {
  const config = resolveAuditConfig(args, io.filtersDir);
  // Output options, --since/--until and mail addresses are checked before any log is read.
  const output = planOutput(args, config.now, config.zone);
  const warnings = [...config.warnings];
  // Discovery (jail logpaths or PATHs) and stdin's year reference, shared with `tune`.
  const inputs = await loadInputs(config, args.rotated, io);
  const problems: Error[] = inputs.problems;
  warnings.push(...inputs.warnings);
  // GeoIP databases are opened once the logs are read (below); one named that cannot be read
  // fails now. The module (the mmdb reader) loads meanwhile.
  const geoFiles = { database: args.geoipDb, asnDatabase: args.asnDb };
  if (args.geoip) await checkGeoIpFiles(geoFiles);
  const geoipModule = args.geoip ? import('../../enrich/geoip.js') : undefined;
  geoipModule?.catch(() => undefined);

  const allFiles = inputs.files;
  // --since/--until (#8): skip files that end long before the window, stop past its end.
  const { files, stopAfter } = windowScan(output, allFiles, config.jails);
  const { report, hits, hitCount } = await replayAndReport(args, io, config, output, { files, stopAfter, geoFiles, geoipModule, warnings, problems });
  // The analyses' tallies are dead now, and the hits too unless the output reads them:
  // gone before the output is rendered on top of them.
  collectGarbage(hitCount);

  const delivered = await deliverReport(report, args, output, {
    outcome: hits === undefined ? undefined : { hits },
    paths: files.map((f) => f.path),
    zone: config.zone,
    colorLevel: io.colorLevel,
    columns: io.columns,
  });
  problems.push(...delivered.problems);
  warnings.push(...delivered.warnings);
  return { output: delivered.output, warnings: args.quiet ? [] : warnings, problems };
}

/**
 * The replay and its report, warnings and problems added to the lists given. The hits come
 * back only when the output reads them (rendersHits): else the store (28 bytes a hit) is
 * unreachable once this returns, so rendering never holds it (#4).
 */
async function replayAndReport(
  args: AuditArgs,
  io: CommandIo,
  config: AuditConfig,
  output: OutputPlan,
  run: {
    files: SourceFile[];
    stopAfter: EpochMs | undefined;
    geoFiles: OpenGeoIpOptions;
    geoipModule: Promise<typeof import('../../enrich/geoip.js')> | undefined;
    warnings: string[];
    problems: Error[];
  },
): Promise<{ report: Report; hits: HitStore | undefined; hitCount: number }> {
  const { files, stopAfter, geoFiles, geoipModule, warnings, problems } = run;
  const progress =
    io.progress === undefined || args.quiet ? undefined : createProgress(files, io.progress, () => Date.now());
  const outcome = await replay(
    {
      files,
      jails: config.jails,
      scan: { ...config.scan, stopAfter, onProgress: progress?.onProgress },
      counting: args.counting,
      whileBanned: args.whileBanned,
    },
    { stdin: io.stdin, signal: io.signal, ...(progress === undefined ? {} : { onFile: progress.onFile }) },
  );
  progress?.done();
  const hitCount = outcome.hits.length;
  // The scan's garbage goes before the report's structures are built on top of it.
  collectGarbage(hitCount);
  problems.push(...outcome.problems);
  for (const f of outcome.files) for (const w of f.warnings) warnings.push(`${f.path}: ${w}`);
  const idle = idleMailJailsNotice(config, outcome.hits);
  if (idle !== undefined) warnings.push(idle);

  // Only events inside the window are reported; the replay saw the history before it.
  const windowed = applyWindow(outcome, output.window);
  // GeoIP feeds the analysis itself (countries per username, ASN groups), not only the ips (#6).
  // Every address is looked up at once and the databases closed: they are not in memory
  // during the scan nor under the report's structures (#4).
  let geo: SettledGeoIp | undefined;
  if (geoipModule !== undefined) {
    const geoip = await geoipModule;
    const opened = await geoip.openGeoIp(geoFiles);
    warnings.push(...opened.warnings);
    geo = geoip.settleGeoIp(opened, windowed.hits.ids);
    collectGarbage(hitCount);
  }
  // Outputs that read no hits let the report drop them after its pass (#4).
  const keepHits = rendersHits(args);
  let report = buildReport(
    windowed,
    config.jails.map((j) => j.spec),
    { geo, counting: args.counting, releaseRows: !keepHits, onRelease: () => collectGarbage(hitCount) },
  );
  if (output.window.since !== undefined || output.window.until !== undefined) report = { ...report, window: output.window };
  return { report, hits: keepHits ? windowed.hits : undefined, hitCount };
}
