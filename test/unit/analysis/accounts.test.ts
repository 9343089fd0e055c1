// Tests for the account grouping of usernames (issue #6): case folding, user vs user@domain
// kept apart but grouped, existing accounts first, countries per name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountKey, groupAccounts, normalizeUsername } from '../../../src/analysis/usernames.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { Hit } from '../../../src/types.js';

const T = Date.UTC(2026, 2, 1);
let n = 0;
const hit = (kind: Hit['kind'], id: string, user: string, dt: number, jail = 0, line = ++n): Hit => ({ jail, kind, id, time: T + dt, user, file: 0, line });
const COUNTRY: Record<string, string> = { '8.8.8.8': 'US', '1.1.1.1': 'AU', '9.9.9.9': 'US' };

test('names are lower-cased, grouped by local part, split by whether they ever logged in', () => {
  const hits = [
    hit('failure', '8.8.8.8', 'Alice', 1),
    hit('failure', '1.1.1.1', 'alice', 2),
    hit('failure', '9.9.9.9', 'alice@example.org', 3),
    hit('success', '192.0.2.1', 'alice@Example.org', 4),
    hit('failure', '8.8.8.8', 'admin', 5),
    hit('failure', '8.8.8.8', 'admin', 6),
    hit('failure', '1.1.1.1', 'ADMIN', 7),
    hit('failure', '9.9.9.9', 'admin', 8),
    hit('success', '192.0.2.1', 'bob', 9), // never attacked: not listed
    hit('failure', '8.8.8.8', 'UGFzc3dvcmQ6', 10), // a SASL prompt, not a name
  ];
  // The same line seen by a second jail counts once.
  hits.push({ ...hits[4]!, jail: 1 });
  const store = HitStore.from(hits);
  const accounts = groupAccounts(store, (code) => COUNTRY[store.ids.values[code]!]);
  assert.deepEqual(
    accounts.map((a) => [a.key, a.exists, a.attempts, a.ips, a.countries, a.logins]),
    [
      ['alice', true, 3, 3, ['US', 'AU'], 1],
      ['admin', false, 4, 3, ['US', 'AU'], 0],
    ],
  );
  const alice = accounts[0]!;
  assert.deepEqual(
    alice.names.map((x) => [x.name, x.spellings, x.exists, x.attempts, x.logins]),
    [
      ['alice', ['Alice', 'alice'], false, 2, 0],
      ['alice@example.org', ['alice@Example.org', 'alice@example.org'], true, 1, 1],
    ],
  );
  assert.equal(alice.first, T + 1);
  assert.equal(alice.last, T + 3);
  assert.equal(alice.names[1]!.lastLogin, T + 4);
});

test('normalizeUsername and accountKey', () => {
  assert.equal(normalizeUsername('Bob@Example.ORG'), 'bob@example.org');
  assert.equal(accountKey('bob@example.org'), 'bob');
  assert.equal(accountKey('odd@name@example.org'), 'odd@name');
  assert.equal(accountKey('@example.org'), '@example.org');
});
