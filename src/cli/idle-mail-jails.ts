// The notice for a run whose enabled jails found no failure while the configuration defines
// mail jails it does not enable: the usual state before bans are deployed (`--config
// /etc/fail2ban` with only sshd on), where an empty report would pass for a quiet log.
import { FAILURE, type HitStore } from '../pipeline/hit-store.js';
import type { AuditConfig, IdleJail } from './resolve-config.js';

// fail2ban's filters for mail servers (filter.d), by base name; webmail applications log
// elsewhere, not in the mail log this tool reads.
const MAIL_FILTERS = new Set([
  'courier-auth', 'courier-smtp', 'cyrus-imap', 'dovecot', 'exim', 'exim-spam', 'kerio', 'perdition',
  'postfix', 'qmail', 'sendmail-auth', 'sendmail-reject', 'sieve', 'solid-pop3d', 'uwimap-auth', 'zimbra',
]);

/** A jail for a mail server: one of fail2ban's mail filters, or a jail reading a mail log (`mail.log`, `maillog`, `mail.warn`...). */
export function isMailJail(jail: IdleJail): boolean {
  const base = jail.filter.replace(/\[.*$/s, '').trim();
  return MAIL_FILTERS.has(base) || jail.logpath.some((p) => /^mail/i.test(p.slice(p.lastIndexOf('/') + 1)));
}

/**
 * The warning to give when the configuration's jails found no failure in the replayed hits
 * and its idle jails include mail jails; undefined otherwise (the idle jails are only read then).
 */
export function idleMailJailsNotice(config: Pick<AuditConfig, 'jails' | 'idleJails'>, hits: HitStore): string | undefined {
  if (hasFailure(hits)) return undefined;
  const mail = config.idleJails().filter(isMailJail).map((j) => j.name);
  if (mail.length === 0) return undefined;
  const enabled = config.jails.map((j) => j.spec.name);
  const which = enabled.length === 1 ? `the enabled jail ${enabled[0]!}` : `the enabled jails (${enabled.join(', ')})`;
  return (
    `${which} found no failure in these logs; mail jails defined but not enabled: ${mail.join(', ')} ` +
    '(replay them with --jail NAME, repeatable)'
  );
}

function hasFailure(hits: HitStore): boolean {
  const { kind, length } = hits;
  for (let i = 0; i < length; i++) if (kind[i] === FAILURE) return true;
  return false;
}
