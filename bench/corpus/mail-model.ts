// The synthetic mail server behind samples/ and the benchmark corpus: users,
// mail flows and attacks of one Postfix + Dovecot host, as dated log events.
// Output depends only on (seed, scale, window). Legitimate parties use
// documentation/private addresses; attackers use public-looking prefixes.

import { Prng } from './prng.js';

/** One log event before formatting: time (UTC ms), program column, message. */
export interface LogEvent {
  t: number;
  src: string;
  msg: string;
}

/** Host name written in the syslog host column. */
export const SERVER_HOST = 'mx.example.org';
const SERVER_IP = '192.0.2.25';
const DOMAIN = 'example.org';

/**
 * On this date the mailbox host was moved to a new machine (at the weekly log
 * rotation): Dovecot 2.4 wording ("Login aborted ... (auth_failed)") and
 * Postfix 3.9+ failure lines with ", sasl_username=" from then on.
 */
export const MIGRATION_MS = Date.UTC(2026, 0, 4, 6, 25, 0);

/** Whole span of the sample story. */
export const STORY_START_MS = Date.UTC(2025, 11, 21, 6, 25, 0);
export const STORY_END_MS = Date.UTC(2026, 0, 15, 14, 30, 0);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Attackers: first two octets of networks that the bundled
// geo-whois-asn-country database placed in these countries (checked when this
// list was written; all are /16 or larger allocations of access ISPs, no
// well-known service addresses). Host parts are drawn from the seed.
const ATTACK_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  CN: ['222.91', '27.24', '116.183', '42.91'],
  RU: ['94.233', '188.17', '95.190', '213.24'],
  BR: ['179.203', '177.132', '200.182'],
  VN: ['113.179', '27.66', '14.181'],
  IN: ['49.43', '106.206', '117.244'],
  US: ['76.86', '184.167'],
  NL: ['85.146', '217.62'],
  DE: ['93.209', '91.54'],
  KR: ['123.142', '183.118'],
  ID: ['36.90', '180.246'],
  TR: ['78.175', '85.97'],
};
const ATTACK_COUNTRIES = Object.keys(ATTACK_PREFIXES);
// A Chinese mobile operator's IPv6 allocation (2409:8000::/20).
const ATTACK_V6_PREFIX = '2409:8a00';

// Names password-guessers try first.
const DICTIONARY = [
  'admin', 'test', 'info', 'support', 'sales', 'webmaster', 'office', 'contact',
  'postmaster', 'user', 'mail', 'root', 'marketing', 'billing', 'hr', 'noreply',
  'administrator', 'service', 'account', 'demo',
];

const NAMED_USERS = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy',
  'ken', 'laura', 'mike', 'nina', 'olivia', 'peggy', 'quentin', 'rupert', 'sybil', 'trent',
];

// Legitimate mail servers that send to us (documentation addresses).
const PEERS: readonly { host: string; ip: string }[] = [
  { host: 'mail.example.net', ip: '198.51.100.7' },
  { host: 'out1.example.net', ip: '198.51.100.20' },
  { host: 'out2.example.net', ip: '198.51.100.21' },
  { host: 'lists.example.net', ip: '203.0.113.31' },
  { host: 'mx2.example.net', ip: '203.0.113.30' },
  { host: 'mail6.example.net', ip: '2001:db8:100::7' },
];
const RELAY = { host: 'mx.example.net', ip: '203.0.113.10' };

const SPAM_WORDS = ['promo', 'offer', 'deal', 'news', 'win', 'invoice', 'alert', 'bonus', 'crypto', 'pharma'];
const TLS_CIPHER = 'TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A mailbox owner and the addresses their clients connect from. */
export interface MailUser {
  name: string;
  address: string;
  /** Addresses of the user's devices (documentation or private ranges). */
  clients: string[];
}

/** Who exists on the server and who attacks it; built once per seed and scale. */
export interface MailModel {
  scale: number;
  users: MailUser[];
  /** Pool of spam sources that hit the DNSBL check. */
  spammers: string[];
  /** Pool of scanners (connect and drop, TLS probes). */
  scanners: string[];
  /** Low-and-slow password-spraying botnet: each address tries once or twice. */
  botnet: string[];
  /** Named attackers of the story, for the printed summary. */
  cast: Record<string, string>;
}

/** Builds the users and address pools for a seed and scale. */
export function buildModel(rng: Prng, scale: number): MailModel {
  const r = rng.fork('model');
  const users: MailUser[] = [];
  const nUsers = Math.max(NAMED_USERS.length, Math.round(NAMED_USERS.length * scale));
  for (let i = 0; i < nUsers; i++) {
    const name = NAMED_USERS[i] ?? `user${String(i).padStart(5, '0')}`;
    const clients: string[] = [];
    if (i < 40) {
      // Home line and phone from the documentation ranges, sometimes the office LAN.
      clients.push(`198.51.100.${100 + i}`, `203.0.113.${100 + i}`);
      if (r.chance(0.4)) clients.push(`192.168.10.${20 + i}`);
    } else {
      clients.push(`10.${(i >> 8) & 255}.${i & 255}.${r.int(2, 250)}`);
    }
    users.push({ name, address: `${name}@${DOMAIN}`, clients });
  }
  const pool = (n: number): string[] => {
    const out = new Set<string>();
    while (out.size < n) out.add(randomAttacker(r));
    return [...out];
  };
  const cast: Record<string, string> = {
    imapBruteCN: randomAttacker(r, 'CN'),
    imapBruteRU: randomAttacker(r, 'RU'),
    newYearVN: randomAttacker(r, 'VN'),
    saslBruteBR: randomAttacker(r, 'BR'),
    saslBruteIN: randomAttacker(r, 'IN'),
    harvesterKR: randomAttacker(r, 'KR'),
    ipv6: `${ATTACK_V6_PREFIX}:${hex4(r)}:${hex4(r)}::${hex4(r)}`,
    intruderTR: randomAttacker(r, 'TR'),
    rblRepeatNL: randomAttacker(r, 'NL'),
    brokenPhone: users[5]?.clients[1] ?? '203.0.113.105',
  };
  return {
    scale,
    users,
    spammers: pool(Math.round(80 * scale)),
    scanners: pool(Math.round(25 * scale)),
    botnet: pool(Math.round(60 * scale)),
    cast,
  };
}

function randomAttacker(r: Prng, country?: string): string {
  const prefixes = ATTACK_PREFIXES[country ?? r.pick(ATTACK_COUNTRIES)] ?? ATTACK_PREFIXES['CN']!;
  return `${r.pick(prefixes)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

function hex4(r: Prng): string {
  return r.int(1, 0xffff).toString(16);
}

// ---------------------------------------------------------------------------
// Small value generators

function pid(r: Prng): number {
  return r.int(1200, 65000);
}

function queueId(r: Prng): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += '0123456789ABCDEF'[r.int(0, 15)];
  return s;
}

function session(r: Prng): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += B64[r.int(0, 63)];
  return s;
}

function spamSender(r: Prng): string {
  return `${r.pick(SPAM_WORDS)}${r.int(1, 999)}@${r.pick(['example.net', 'mail.example.net', 'bulk.example.net'])}`;
}

function helo(r: Prng, ip: string): string {
  return r.pick([`[${ip}]`, `${r.pick(SPAM_WORDS)}.example.net`, `WIN-${queueId(r).slice(0, 8)}`, 'localhost']);
}

function isNew(t: number): boolean {
  return t >= MIGRATION_MS;
}

function qmgrPid(t: number): number {
  return isNew(t) ? 1447 : 812;
}

// Diurnal activity of people (server and users keep UTC office hours, roughly).
const HOURLY = [0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.7, 1.3, 1.6, 1.5, 1.3, 1.2, 1.0, 1.2, 1.3, 1.3, 1.2, 1.0, 0.9, 0.8, 0.7, 0.6, 0.4, 0.25];

function holiday(t: number): number {
  const d = new Date(t);
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  return (m === 11 && (day === 24 || day === 25 || day === 26 || day === 31)) || (m === 0 && day === 1) ? 0.4 : 1;
}

function humanTime(r: Prng, start: number, end: number): number {
  for (;;) {
    const t = Math.floor(r.real(start, end));
    const w = (HOURLY[new Date(t).getUTCHours()] ?? 1) * holiday(t);
    if (r.next() * 1.6 < w) return t;
  }
}

type Emit = (t: number, src: string, msg: string) => void;

// ---------------------------------------------------------------------------
// Sessions: each writes the lines one connection produces, starting at t.

function dovecotLogin(e: Emit, r: Prng, t: number, user: MailUser, ip: string, limit = Infinity): void {
  const svc = r.chance(0.85) ? 'imap' : 'pop3';
  const mpid = pid(r);
  const sid = session(r);
  const tls = ip.startsWith('192.168.') && r.chance(0.5) ? '' : ', TLS';
  e(t, 'dovecot', `${svc}-login: Login: user=<${user.address}>, method=PLAIN, rip=${ip}, lip=${SERVER_IP}, mpid=${mpid}${tls}, session=<${sid}>`);
  // Sessions of the background stay inside their window (`limit`), so that a
  // rotated file never holds lines newer than the next file's first ones.
  const end = Math.min(t + r.int(20_000, 3 * HOUR), Math.max(t + 1000, limit - r.int(1000, 60_000)));
  const stats = svc === 'imap'
    ? `in=${r.int(80, 9000)} out=${r.int(500, 900000)} deleted=${r.int(0, 3)} expunged=${r.int(0, 3)} trashed=0 hdr_count=${r.int(0, 40)} hdr_bytes=${r.int(0, 60000)} body_count=${r.int(0, 12)} body_bytes=${r.int(0, 400000)}`
    : `top=0/0, retr=${r.int(0, 6)}/${r.int(0, 300000)}, del=0/0, size=${r.int(0, 900000)}`;
  e(end, 'dovecot', `${svc}(${user.address})<${mpid}><${sid}>: ${isNew(end) ? 'Disconnected: ' : ''}Logged out ${stats}`);
}

/** One failed login as the Dovecot login process reports it. */
function dovecotFail(e: Emit, r: Prng, t: number, user: string, ip: string, svc = 'imap'): void {
  const secs = r.int(0, 9);
  const sid = session(r);
  const method = r.chance(0.9) ? 'PLAIN' : 'LOGIN';
  if (isNew(t)) {
    e(t, 'dovecot', `${svc}-login: Login aborted: Connection closed (auth failed, 1 attempts in ${secs} secs) (auth_failed): user=<${user}>, method=${method}, rip=${ip}, lip=${SERVER_IP}, TLS, session=<${sid}>`);
  } else {
    const verb = r.pick(['Disconnected', 'Disconnected', 'Aborted login', 'Disconnected: Inactivity']);
    e(t, 'dovecot', `${svc}-login: ${verb} (auth failed, 1 attempts in ${secs} secs): user=<${user}>, method=${method}, rip=${ip}, lip=${SERVER_IP}, TLS, session=<${sid}>`);
  }
}

/** A TLS probe or port scan against IMAP/POP3: counted in aggressive mode only. */
function dovecotProbe(e: Emit, r: Prng, t: number, ip: string): void {
  const svc = r.pick(['imap', 'imap', 'pop3']);
  if (isNew(t)) {
    e(t, 'dovecot', `${svc}-login: Login aborted: Connection closed (no auth attempts in ${r.int(0, 3)} secs) (no_auth_attempts): user=<>, rip=${ip}, lip=${SERVER_IP}, session=<${session(r)}>`);
  } else {
    e(t, 'dovecot', `${svc}-login: Disconnected (no auth attempts in ${r.int(0, 3)} secs): user=<>, rip=${ip}, lip=${SERVER_IP}, TLS handshaking: SSL_accept() failed: error:0A00006C:SSL routines::bad key share, session=<${session(r)}>`);
  }
}

function inboundMail(e: Emit, r: Prng, t: number, peer: { host: string; ip: string }, rcpt: MailUser): void {
  const p = pid(r);
  const q = queueId(r);
  const smtpd = `postfix/smtpd[${p}]`;
  const client = `${peer.host}[${peer.ip}]`;
  const tls = r.chance(0.85);
  let x = t;
  e(x, smtpd, `connect from ${client}`);
  if (tls) e((x += r.int(80, 400)), smtpd, `Anonymous TLS connection established from ${client}: ${TLS_CIPHER}`);
  e((x += r.int(100, 900)), smtpd, `${q}: client=${client}`);
  e((x += r.int(50, 300)), `postfix/cleanup[${pid(r)}]`, `${q}: message-id=<${queueId(r).toLowerCase()}.${r.int(1000, 9999)}@${peer.host}>`);
  e((x += r.int(20, 200)), `postfix/qmgr[${qmgrPid(x)}]`, `${q}: from=<${r.pick(['news', 'noreply', 'billing', 'team', 'jo', 'sam'])}@${peer.host.replace(/^[^.]+\./, '')}>, size=${r.int(1800, 250000)}, nrcpt=1 (queue active)`);
  e((x += r.int(10, 100)), smtpd, `disconnect from ${client} ${tls ? 'ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7' : 'ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5'}`);
  const lsid = session(r);
  e((x += r.int(100, 600)), 'dovecot', `lmtp(${rcpt.address})<${pid(r)}><${lsid}>: msgid=<${q.toLowerCase()}@${peer.host}>: saved mail to INBOX`);
  e((x += r.int(5, 40)), `postfix/lmtp[${pid(r)}]`, `${q}: to=<${rcpt.address}>, relay=${SERVER_HOST}[private/dovecot-lmtp], delay=0.${r.int(10, 99)}, delays=0.${r.int(1, 9)}/0/0.0${r.int(1, 9)}/0.${r.int(1, 9)}, dsn=2.0.0, status=sent (250 2.0.0 <${rcpt.address}> ${lsid} Saved)`);
  e((x += r.int(1, 20)), `postfix/qmgr[${qmgrPid(x)}]`, `${q}: removed`);
}

/** An authenticated submission (legitimate or by an intruder with a stolen password). */
function submission(e: Emit, r: Prng, t: number, user: string, ip: string, nrcpt: number): void {
  const p = pid(r);
  const q = queueId(r);
  const svc = r.chance(0.7) ? 'submission' : 'smtps';
  const smtpd = `postfix/${svc}/smtpd[${p}]`;
  const client = `unknown[${ip}]`;
  let x = t;
  e(x, smtpd, `connect from ${client}`);
  e((x += r.int(80, 400)), smtpd, `Anonymous TLS connection established from ${client}: ${TLS_CIPHER}`);
  e((x += r.int(300, 1500)), smtpd, `${q}: client=${client}, sasl_method=${r.chance(0.8) ? 'PLAIN' : 'LOGIN'}, sasl_username=${user}`);
  e((x += r.int(50, 300)), `postfix/cleanup[${pid(r)}]`, `${q}: message-id=<${queueId(r).toLowerCase()}@${DOMAIN}>`);
  e((x += r.int(20, 200)), `postfix/qmgr[${qmgrPid(x)}]`, `${q}: from=<${user}>, size=${r.int(900, 80000)}, nrcpt=${nrcpt} (queue active)`);
  const starttls = svc === 'submission' ? 'ehlo=2 starttls=1 ' : 'ehlo=1 ';
  const cmds = (svc === 'submission' ? 3 : 1) + 1 + 1 + nrcpt + 1 + 1;
  e((x += r.int(10, 100)), smtpd, `disconnect from ${client} ${starttls}auth=1/1 mail=1 rcpt=${nrcpt} data=1 quit=1 commands=${cmds}`);
  const domains = Math.min(nrcpt, 3);
  for (let i = 0; i < domains; i++) {
    const n = i === 0 ? nrcpt - domains + 1 : 1;
    e((x += r.int(300, 2500)), `postfix/smtp[${pid(r)}]`, `${q}: to=<${r.pick(['friend', 'team', 'orders', 'hello', 'jo'])}${n > 1 ? `+${n}` : ''}@example.net>, relay=${RELAY.host}[${RELAY.ip}]:25, delay=${r.int(1, 3)}.${r.int(0, 9)}, delays=0.1/0/0.${r.int(1, 9)}/0.${r.int(1, 9)}, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${queueId(r)})`);
  }
  e((x += r.int(1, 20)), `postfix/qmgr[${qmgrPid(x)}]`, `${q}: removed`);
}

/** One connection guessing SMTP AUTH passwords (LOGIN mechanism, 1-3 tries). */
function saslGuess(e: Emit, r: Prng, t: number, ip: string, users: readonly string[]): number {
  const p = pid(r);
  const svc = r.chance(0.6) ? 'submission' : 'smtps';
  const smtpd = `postfix/${svc}/smtpd[${p}]`;
  const client = `unknown[${ip}]`;
  let x = t;
  e(x, smtpd, `connect from ${client}`);
  if (svc === 'submission' || r.chance(0.5)) e((x += r.int(80, 400)), smtpd, `Anonymous TLS connection established from ${client}: ${TLS_CIPHER}`);
  const tries = users.length;
  for (const u of users) {
    // The LOGIN mechanism's last challenge is base64 "Password:"; newer
    // Postfix appends the username it was given.
    const login = r.chance(0.85);
    const why = login ? 'UGFzc3dvcmQ6' : 'authentication failure';
    const tail = isNew(x) ? `, sasl_username=${u}` : '';
    e((x += r.int(1500, 4000)), smtpd, `warning: ${client}: SASL ${login ? 'LOGIN' : 'PLAIN'} authentication failed: ${why}${tail}`);
  }
  if (r.chance(0.7)) e((x += r.int(5, 300)), smtpd, `lost connection after AUTH from ${client}`);
  const ehlo = svc === 'submission' ? 'ehlo=2 starttls=1 ' : 'ehlo=1 ';
  e((x += r.int(1, 30)), smtpd, `disconnect from ${client} ${ehlo}auth=0/${tries} commands=${svc === 'submission' ? 3 : 1}/${(svc === 'submission' ? 3 : 1) + tries}`);
  return x;
}

function rblReject(e: Emit, r: Prng, t: number, ip: string, rcpt: string): void {
  const smtpd = `postfix/smtpd[${pid(r)}]`;
  const client = `unknown[${ip}]`;
  let x = t;
  e(x, smtpd, `connect from ${client}`);
  e((x += r.int(400, 2500)), smtpd, `NOQUEUE: reject: RCPT from ${client}: 554 5.7.1 Service unavailable; Client host [${ip}] blocked using zen.spamhaus.org; from=<${spamSender(r)}> to=<${rcpt}> proto=ESMTP helo=<${helo(r, ip)}>`);
  e((x += r.int(50, 2000)), smtpd, `disconnect from ${client} ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4`);
}

function unknownRecipients(e: Emit, r: Prng, t: number, host: string, ip: string, names: readonly string[]): number {
  const smtpd = `postfix/smtpd[${pid(r)}]`;
  const client = `${host}[${ip}]`;
  const from = spamSender(r);
  const h = helo(r, ip);
  let x = t;
  e(x, smtpd, `connect from ${client}`);
  for (const n of names) {
    e((x += r.int(600, 9000)), smtpd, `NOQUEUE: reject: RCPT from ${client}: 550 5.1.1 <${n}@${DOMAIN}>: Recipient address rejected: User unknown in virtual mailbox table; from=<${from}> to=<${n}@${DOMAIN}> proto=ESMTP helo=<${h}>`);
  }
  e((x += r.int(50, 900)), smtpd, `disconnect from ${client} ehlo=1 mail=1 rcpt=0/${names.length} quit=1 commands=3/${3 + names.length}`);
  return x;
}

function scan(e: Emit, r: Prng, t: number, ip: string): void {
  const smtpd = `postfix/smtpd[${pid(r)}]`;
  const client = `unknown[${ip}]`;
  e(t, smtpd, `connect from ${client}`);
  const kind = r.int(0, 3);
  if (kind === 0) {
    e(t + r.int(100, 3000), smtpd, `lost connection after CONNECT from ${client}`);
    e(t + r.int(3001, 3100), smtpd, `disconnect from ${client} commands=0/0`);
  } else if (kind === 1) {
    e(t + r.int(100, 3000), smtpd, `lost connection after EHLO from ${client}`);
    e(t + r.int(3001, 3100), smtpd, `disconnect from ${client} ehlo=1 commands=1`);
  } else if (kind === 2) {
    e(t + r.int(100, 3000), smtpd, `improper command pipelining after CONNECT from ${client}: EHLO ${helo(r, ip)}\\r\\n`);
    e(t + r.int(3001, 3100), smtpd, `disconnect from ${client} unknown=0/1 commands=0/1`);
  } else {
    e(t + r.int(100, 3000), smtpd, `disconnect from ${client} ehlo=1 quit=1 commands=2`);
  }
}

// ---------------------------------------------------------------------------
// Background: steady traffic, generated window by window (scales with `scale`).

/** Writes the everyday traffic of [start, end) through `emit` (order not sorted). */
export function generateBackground(model: MailModel, r: Prng, start: number, end: number, emit: Emit): void {
  const days = (end - start) / DAY;
  const s = model.scale;
  const last = end - 15 * MINUTE; // sessions must finish inside the window
  if (last <= start) return;
  const n = (perDay: number): number => r.poisson(perDay * days);
  for (const u of model.users) {
    // Each person checks mail a couple of times a day from one of their devices.
    for (let i = n(1.3); i > 0; i--) dovecotLogin(emit, r, humanTime(r, start, last), u, r.pick(u.clients), end);
    for (let i = n(0.18); i > 0; i--) submission(emit, r, humanTime(r, start, last), u.address, r.pick(u.clients), r.int(1, 3));
    // Now and then a mistyped password: a single failure, no ban.
    if (r.chance(0.02 * days)) dovecotFail(emit, r, humanTime(r, start, last), u.address, r.pick(u.clients));
  }
  for (let i = n(7 * s); i > 0; i--) inboundMail(emit, r, humanTime(r, start, last), r.pick(PEERS), r.pick(model.users));
  for (let i = n(2.5 * s); i > 0; i--) {
    rblReject(emit, r, Math.floor(r.real(start, last)), r.pick(model.spammers), r.pick(model.users).address);
  }
  for (let i = n(1.2 * s); i > 0; i--) {
    // Misaddressed mail from a real server: one unknown recipient.
    const peer = r.pick(PEERS);
    unknownRecipients(emit, r, humanTime(r, start, last), peer.host, peer.ip, [r.pick(['jdoe', 'sales-team', 'alicia', 'robert', 'info2'])]);
  }
  for (let i = n(3 * s); i > 0; i--) scan(emit, r, Math.floor(r.real(start, last)), r.pick(model.scanners));
  for (let i = n(1.5 * s); i > 0; i--) dovecotProbe(emit, r, Math.floor(r.real(start, last)), r.pick(model.scanners));
}

// ---------------------------------------------------------------------------
// The story: dated incidents that the sample audit should surface.

/** Every incident of the sample story, as events over the whole span (not sorted). */
export function generateStory(model: MailModel, rng: Prng, emit: Emit): void {
  const r = rng.fork('story');
  const c = model.cast;
  const at = (iso: string): number => Date.parse(iso);
  const dict = (withDomain: number): string => {
    const u = r.pick(DICTIONARY);
    return r.chance(withDomain) ? `${u}@${DOMAIN}` : u;
  };
  const user = (name: string): MailUser => model.users.find((u) => u.name === name) ?? model.users[0]!;

  // 1. IMAP password guessing from China, a quick burst.
  let t = at('2025-12-22T02:10:07Z');
  for (let i = 0; i < 45; i++) dovecotFail(emit, r, (t += r.int(15_000, 45_000)), dict(0.5), c['imapBruteCN']!);

  // 2. SMTP AUTH guessing from Brazil (old Postfix: no username in the log).
  t = at('2025-12-26T14:02:31Z');
  for (let i = 0; i < 24; i++) {
    const k = r.int(1, 3);
    const names = Array.from({ length: k }, () => dict(0.7));
    t = saslGuess(emit, r, t + r.int(10_000, 60_000), c['saslBruteBR']!, names);
  }

  // 3. Slower IMAP/POP3 guessing from Russia over an evening.
  t = at('2025-12-29T18:00:00Z');
  for (let i = 0; i < 30; i++) dovecotFail(emit, r, (t += r.int(60_000, 180_000)), dict(0.3), c['imapBruteRU']!, r.pick(['imap', 'pop3']));

  // 4. New Year's Eve: guessing across midnight, inside one RFC 3339 file.
  t = at('2025-12-31T23:38:12Z');
  for (let i = 0; i < 60; i++) dovecotFail(emit, r, (t += r.int(25_000, 55_000)), dict(0.6), c['newYearVN']!, r.pick(['imap', 'pop3']));

  // 5. Recipient harvesting from Korea: a burst of unknown users.
  t = at('2026-01-06T11:20:44Z');
  unknownRecipients(emit, r, t, 'unknown', c['harvesterKR']!, Array.from({ length: 18 }, () => r.pick(DICTIONARY) + (r.chance(0.3) ? String(r.int(1, 99)) : '')));

  // 6. IMAP guessing over IPv6.
  t = at('2026-01-08T19:03:00Z');
  for (let i = 0; i < 30; i++) dovecotFail(emit, r, (t += r.int(20_000, 70_000)), dict(0.8), c['ipv6']!);

  // 7. Frank changes his password; his phone keeps the old one, fails seven
  //    times (banned at the fifth), then he fixes it and logs in: collateral.
  const frank = user('frank');
  const phone = c['brokenPhone']!;
  t = at('2026-01-09T07:02:10Z');
  dovecotLogin(emit, r, t, frank, frank.clients[0] ?? '198.51.100.105');
  t = at('2026-01-09T07:05:02Z');
  for (let i = 0; i < 7; i++) dovecotFail(emit, r, (t += r.int(55_000, 75_000)), frank.address, phone);
  dovecotLogin(emit, r, at('2026-01-09T07:31:40Z'), frank, phone);

  // 8. SMTP AUTH guessing from India (new Postfix: usernames in the log).
  t = at('2026-01-12T20:31:05Z');
  for (let i = 0; i < 20; i++) {
    const k = r.int(1, 2);
    const names = Array.from({ length: k }, () => dict(0.9));
    t = saslGuess(emit, r, t + r.int(15_000, 70_000), c['saslBruteIN']!, names);
  }

  // 9. Olivia's password is guessed from Turkey: three misses, a login, then
  //    the account sends spam until the password is changed at 04:00, after
  //    which the intruder's attempts fail again (and get banned).
  const olivia = user('olivia');
  const tr = c['intruderTR']!;
  t = at('2026-01-13T02:55:20Z');
  for (let i = 0; i < 3; i++) dovecotFail(emit, r, (t += r.int(30_000, 80_000)), olivia.address, tr);
  dovecotLogin(emit, r, at('2026-01-13T03:01:12Z'), olivia, tr);
  t = at('2026-01-13T03:06:00Z');
  while (t < at('2026-01-13T03:58:00Z')) {
    submission(emit, r, t, olivia.address, tr, r.int(15, 40));
    t += r.int(60_000, 150_000);
  }
  t = at('2026-01-13T04:05:00Z');
  for (let i = 0; i < 8; i++) t = saslGuess(emit, r, t + r.int(20_000, 90_000), tr, [olivia.address]);

  // 10. A spam source listed on the DNSBL comes back every few days.
  for (const iso of ['2025-12-23T09:12:40Z', '2025-12-30T15:47:02Z', '2026-01-07T10:05:55Z', '2026-01-14T08:33:18Z']) {
    rblReject(emit, r, at(iso), c['rblRepeatNL']!, r.pick(model.users).address);
  }

  // 11. Low-and-slow password spraying: many addresses, one or two tries each,
  //     spread over the whole span; never enough for a ban.
  for (const ip of model.botnet) {
    const k = r.chance(0.6) ? 1 : 2;
    let bt = Math.floor(r.real(STORY_START_MS + HOUR, STORY_END_MS - 3 * HOUR));
    for (let i = 0; i < k; i++) {
      const target = r.chance(0.5) ? r.pick(model.users).address : dict(1);
      if (r.chance(0.75)) saslGuess(emit, r, bt, ip, [target]);
      else dovecotFail(emit, r, bt, target, ip);
      bt += r.int(2 * HOUR, 30 * HOUR);
    }
  }
}

/** The story in words, with the addresses used, for the generator's summary. */
export function describeStory(model: MailModel): string[] {
  const c = model.cast;
  return [
    `2025-12-22 02:10  IMAP password guessing from ${c['imapBruteCN']} (CN), 45 tries`,
    `2025-12-23..01-14 DNSBL-listed spammer ${c['rblRepeatNL']} (NL) returns 4 times (postfix-rbl bans each time)`,
    `2025-12-26 14:02  SMTP AUTH guessing from ${c['saslBruteBR']} (BR), "UGFzc3dvcmQ6" prompts, no usernames logged`,
    `2025-12-29 18:00  slow IMAP/POP3 guessing from ${c['imapBruteRU']} (RU)`,
    `2025-12-31 23:38  guessing across New Year's midnight from ${c['newYearVN']} (VN)`,
    `2026-01-04 06:25  server moved: Dovecot 2.4 wording, Postfix logs sasl_username on failures, classic syslog stamps`,
    `2026-01-06 11:20  recipient harvesting from ${c['harvesterKR']} (KR), 18 unknown users in one session`,
    `2026-01-08 19:03  IMAP guessing over IPv6 from ${c['ipv6']} (CN)`,
    `2026-01-09 07:05  frank's phone ${c['brokenPhone']} keeps an old password: 7 failures, banned, then logs in (collateral)`,
    `2026-01-12 20:31  SMTP AUTH guessing from ${c['saslBruteIN']} (IN), usernames logged`,
    `2026-01-13 02:55  olivia@example.org compromised from ${c['intruderTR']} (TR): 3 failures, login, spam via submission, locked out at 04:00`,
    `all along      low-and-slow spraying from ${model.botnet.length} addresses (1-2 tries each, no bans), DNSBL rejects, scanners`,
  ];
}

// ---------------------------------------------------------------------------
// History: the weeks before the story, for the benchmark corpus (make-samples
// --history-weeks). Attackers come from the model's pools, so a longer history
// adds lines, not distinct addresses.

/** Writes the attacks of a quiet week in [start, end): brute-force bursts and spraying. */
export function generateHistoryAttacks(model: MailModel, r: Prng, start: number, end: number, emit: Emit): void {
  const days = (end - start) / DAY;
  const s = model.scale;
  const last = end - 3 * HOUR; // bursts must finish inside the window
  if (last <= start) return;
  const attackers = [...model.botnet, ...model.scanners];
  // Dictionary attacks on IMAP/POP3, 10-40 tries each.
  for (let i = r.poisson(0.25 * s * days); i > 0; i--) {
    const ip = r.pick(attackers);
    let t = Math.floor(r.real(start, last));
    for (let k = r.int(10, 40); k > 0; k--) {
      dovecotFail(emit, r, (t += r.int(10_000, 90_000)), r.chance(0.5) ? `${r.pick(DICTIONARY)}@${DOMAIN}` : r.pick(DICTIONARY), ip, r.pick(['imap', 'imap', 'pop3']));
    }
  }
  // SMTP AUTH guessing, 5-20 connections of 1-3 tries.
  for (let i = r.poisson(0.2 * s * days); i > 0; i--) {
    const ip = r.pick(attackers);
    let t = Math.floor(r.real(start, last));
    for (let k = r.int(5, 20); k > 0; k--) {
      const names = Array.from({ length: r.int(1, 3) }, () => r.pick(DICTIONARY));
      t = saslGuess(emit, r, t + r.int(5_000, 60_000), ip, names);
    }
  }
  // Low-and-slow spraying: a share of the botnet tries once this week.
  for (const ip of model.botnet) {
    if (!r.chance(0.3)) continue;
    const t = Math.floor(r.real(start, last));
    if (r.chance(0.75)) saslGuess(emit, r, t, ip, [r.pick(model.users).address]);
    else dovecotFail(emit, r, t, r.pick(model.users).address, ip);
  }
}
