#!/usr/bin/env node
// Runs the Jazzer.js fuzz targets in fuzz/targets/ one after the other (#5).
//   node fuzz/run.mjs [--seconds N] [TARGET...]      (npm run fuzz: 180 s each; CI: 45 s each)
// Compiles src/ and the targets into build/fuzz/, keeps a growing corpus per target in
// build/fuzz-corpus/<target>/ seeded from fuzz/seeds/<target>/ (and, for filter-file, the
// shipped filters), and writes crashing inputs to build/fuzz-artifacts/. A finding turns into
// a regression test in test/hostile/fuzz-regressions.test.ts. Exit code 1 on any finding.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchGlibc238 } from './patch-jazzer-glibc.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = ['line-time', 'filter-file', 'regex-translate'];
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  let seconds = 180;
  const targets = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') seconds = Number(argv[++i]);
    else if (a.startsWith('--seconds=')) seconds = Number(a.slice(10));
    else if (TARGETS.includes(a)) targets.push(a);
    else throw new Error(`unknown argument ${a} (targets: ${TARGETS.join(', ')})`);
  }
  if (!(seconds > 0)) throw new Error('--seconds needs a positive number');
  return { seconds, targets: targets.length > 0 ? targets : TARGETS };
}

// The prebuilt addon may need a newer glibc/libstdc++ than this machine has (Debian 12).
function ensureFuzzerLoads() {
  const probe = () => spawnSync(process.execPath, ['-e', "require('@jazzer.js/fuzzer')"], { cwd: ROOT, encoding: 'utf8' });
  let r = probe();
  if (r.status === 0) return;
  if (!/GLIBC_2\.38|GLIBCXX_3\.4\.32/.test(r.stderr) || process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`@jazzer.js/fuzzer does not load:\n${r.stderr}`);
  }
  const addon = path.join(path.dirname(require.resolve('@jazzer.js/fuzzer/package.json')), 'prebuilds', 'fuzzer-linux-x64.node');
  const changes = patchGlibc238(addon);
  console.log(`fuzz: patched ${path.relative(ROOT, addon)} for this glibc: ${changes.join('; ')}`);
  r = probe();
  if (r.status !== 0) throw new Error(`@jazzer.js/fuzzer still does not load:\n${r.stderr}`);
}

function seed(target, corpus) {
  mkdirSync(corpus, { recursive: true });
  const dirs = [path.join(ROOT, 'fuzz', 'seeds', target)];
  if (target === 'filter-file') dirs.push(path.join(ROOT, 'filters', 'filter.d'));
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const dest = path.join(corpus, `seed-${name}`);
      if (!existsSync(dest)) copyFileSync(path.join(dir, name), dest);
    }
  }
}

function main() {
  const { seconds, targets } = parseArgs(process.argv.slice(2));
  ensureFuzzerLoads();
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'fuzz/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('fuzz targets do not compile');
  const artifacts = path.join(ROOT, 'build', 'fuzz-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const cli = require.resolve('@jazzer.js/core/dist/cli.js');
  const failed = [];
  for (const target of targets) {
    const corpus = path.join(ROOT, 'build', 'fuzz-corpus', target);
    seed(target, corpus);
    console.log(`fuzz: ${target} for ${seconds} s`);
    const r = spawnSync(
      process.execPath,
      [
        cli,
        path.join('build', 'fuzz', 'fuzz', 'targets', `${target}.js`),
        corpus,
        '--sync',
        '--includes', 'build/fuzz/',
        // [INCLUDES] may name any file, as in fail2ban: the configuration is the admin's own.
        '--disableBugDetectors', 'path-traversal',
        // A regex that backtracks for seconds on a 4 KiB input is a finding too.
        '--timeout', '10000',
        '--',
        `-max_total_time=${seconds}`,
        '-max_len=4096',
        `-artifact_prefix=${artifacts}${path.sep}${target}-`,
        '-print_final_stats=1',
      ],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    // libFuzzer is chatty on stderr: keep the findings and the final statistics only.
    const keep = (r.stderr ?? '').split('\n').filter((l) => /Uncaught|Error|invariant|artifact|Base64|stat::|Done \d+ runs|==\d+==|^\s+at /.test(l));
    for (const l of keep) console.log(`  ${l}`);
    if (r.status !== 0) failed.push(target);
    console.log(`fuzz: ${target}: ${r.status === 0 ? 'no finding' : `FINDING (exit ${r.status ?? r.signal})`}`);
  }
  console.log(`fuzz: ${targets.length} target(s), ${failed.length === 0 ? 'no finding' : `findings in ${failed.join(', ')}`}`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

try {
  main();
} catch (err) {
  console.error(`fuzz: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
