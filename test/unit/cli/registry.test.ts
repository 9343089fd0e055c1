// The command registry's listing data (what `banreplay --help` shows without loading the
// commands) must match each command's own spec, and only named commands get loaded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_ENTRIES, loadCommands } from '../../../src/cli/commands/registry.js';

describe('command registry', () => {
  it('lists every command with the name, usage, synopsis and summary of its spec', async () => {
    for (const e of COMMAND_ENTRIES) {
      const spec = await e.load();
      assert.deepEqual(
        { name: e.name, usage: e.usage, synopsis: e.synopsis, summary: e.summary },
        { name: spec.name, usage: spec.usage, synopsis: spec.synopsis, summary: spec.summary },
        `registry entry of ${e.name} is out of date`,
      );
    }
  });

  it('loads the commands named in argv and lists the others', async () => {
    const all = await loadCommands(['audit', 'x.log', '--jail', 'dovecot']);
    assert.deepEqual(all.map((c) => c.name), COMMAND_ENTRIES.map((e) => e.name));
    const audit = all.find((c) => c.name === 'audit')!;
    assert.equal(audit, await COMMAND_ENTRIES.find((e) => e.name === 'audit')!.load());
    const other = all.find((c) => c.name !== 'audit')!;
    assert.throws(() => other.run(undefined, undefined as never), /not loaded/);
  });
});
