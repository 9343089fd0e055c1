// Which disabled jails count as mail jails, and when the notice about them is given: only when
// the enabled jails found no failure at all (the list of disabled jails is not read otherwise).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idleMailJailsNotice, isMailJail } from '../../../src/cli/idle-mail-jails.js';
import type { AuditConfig } from '../../../src/cli/resolve-config.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { Hit } from '../../../src/types.js';

const jail = (name: string, filter: string, logpath: string[] = []) => ({ name, filter, logpath });
// A configuration as the notice reads it: the jails replayed (by name) and the idle ones.
const config = (enabled: string[], idleJails: () => ReturnType<typeof jail>[]) => ({
  jails: enabled.map((name) => ({ spec: { name } })) as unknown as AuditConfig['jails'],
  idleJails,
});

test('mail jails: fail2ban mail filters, or any filter reading a mail log', () => {
  assert.equal(isMailJail(jail('postfix-sasl', 'postfix[mode=auth]', ['/var/log/mail.log'])), true);
  assert.equal(isMailJail(jail('dovecot', 'dovecot')), true);
  assert.equal(isMailJail(jail('mine', 'my-smtp', ['/srv/logs/maillog*'])), true);
  assert.equal(isMailJail(jail('mine', 'my-smtp', ['/var/log/mail.warn'])), true);
  // Webmail and everything else log elsewhere.
  assert.equal(isMailJail(jail('roundcube-auth', 'roundcube-auth', ['/var/log/roundcube/errors'])), false);
  assert.equal(isMailJail(jail('openwebmail', 'openwebmail', ['/var/log/openwebmail.log'])), false);
  assert.equal(isMailJail(jail('sshd', 'sshd[mode=aggressive]', ['/var/log/auth.log'])), false);
});

const T = Date.UTC(2026, 0, 5);
const hit = (kind: Hit['kind']): Hit => ({ jail: 0, kind, id: '192.0.2.1', time: T, user: 'bob', file: 0, line: 1 });

test('the notice: only without any failure, naming the mail jails in configuration order', () => {
  const idle = [jail('dovecot', 'dovecot'), jail('apache-auth', 'apache-auth'), jail('postfix', 'postfix')];
  let reads = 0;
  const read = () => (reads++, idle);
  assert.equal(idleMailJailsNotice(config(['sshd'], read), HitStore.from([hit('success'), hit('failure')])), undefined);
  assert.equal(reads, 0, 'the disabled jails are read only when the notice may be given');
  assert.equal(
    idleMailJailsNotice(config(['sshd'], read), HitStore.from([hit('success')])),
    'the enabled jail sshd found no failure in these logs; mail jails defined but not enabled: dovecot, postfix ' +
      '(replay them with --jail NAME, repeatable)',
  );
  assert.match(idleMailJailsNotice(config(['sshd', 'nginx'], read), new HitStore()) ?? '', /^the enabled jails \(sshd, nginx\) found/);
  assert.equal(idleMailJailsNotice(config(['sshd'], () => [jail('apache-auth', 'apache-auth')]), new HitStore()), undefined);
});
