// Golden CLI tests: each case in test/snapshots/cases.json runs the built CLI with a
// fixed environment (TZ=UTC, no colour) and compares command, exit code, stdout and
// stderr with test/snapshots/<name>.md. UPDATE_SNAPSHOTS=1 rewrites the files.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli, type CliRun } from '../support/run-cli.js';

const SNAPSHOTS = path.join(ROOT, 'test/snapshots');

interface Case {
  name: string;
  args: string[];
  /** File (relative to the repo) piped to stdin. */
  stdin?: string;
  env?: Record<string, string>;
}

function render(c: Case, r: CliRun): string {
  const fence = (s: string): string => '```\n' + s + (s === '' || s.endsWith('\n') ? '' : '\n') + '```\n';
  const cmd = ['banreplay', ...c.args].join(' ') + (c.stdin !== undefined ? ` < ${c.stdin}` : '');
  return `# ${c.name}\n\n${fence('$ ' + cmd)}\nExit code: ${r.status}\n\n## stdout\n\n${fence(r.stdout)}\n## stderr\n\n${fence(r.stderr)}`;
}

const cases = JSON.parse(readFileSync(path.join(SNAPSHOTS, 'cases.json'), 'utf8')) as Case[];
const update = process.env['UPDATE_SNAPSHOTS'] === '1';

for (const c of cases) {
  test(`cli snapshot: ${c.name}`, () => {
    const r = runCli(c.args, {
      ...(c.stdin !== undefined ? { stdin: readFileSync(path.join(ROOT, c.stdin)) } : {}),
      ...(c.env !== undefined ? { env: c.env } : {}),
    });
    const actual = render(c, r);
    const file = path.join(SNAPSHOTS, `${c.name}.md`);
    if (update || !existsSync(file)) {
      writeFileSync(file, actual);
      if (!update) assert.fail(`snapshot ${c.name}.md was missing and has been written; review and commit it`);
      return;
    }
    assert.equal(actual, readFileSync(file, 'utf8'));
  });
}
