// Tests for the NDJSON renderer (#8): one {type, data} object per line, every event type,
// log-time order with unban < line events < ban at equal times, the window respected for
// unbans, and hostile usernames kept exact yet inert for a terminal.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderNdjson } from '../../../src/report/render-ndjson.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { Hit } from '../../../src/types.js';
import { HOSTILE_USERS, hostileReport, iso, t } from './hostile-report.js';

const hit = (time: number, kind: Hit['kind'], id: string, user: string | undefined, line: number, jail = 0): Hit => ({
  jail,
  kind,
  id,
  time,
  user,
  file: 1,
  line,
});

function sample(): { hits: HitStore } {
  const hits = [
    hit(t(10, 4), 'failure', '203.0.113.7', HOSTILE_USERS[0], 1),
    hit(t(10, 5), 'failure', '203.0.113.7', HOSTILE_USERS[1], 2),
    hit(t(10, 5, 1), 'failure', '203.0.113.7', undefined, 3),
    hit(t(10, 5, 1), 'failure', '192.0.2.1', 'x', 4),
    hit(t(10, 5, 30), 'success', '203.0.113.7', 'alice', 5),
    hit(t(10, 5, 40), 'failure', '198.51.100.1', 'y', 6, 1),
  ];
  return { hits: HitStore.from(hits, ['counted', 'banned', 'blocked', 'ignored', undefined, 'prolonged']) };
}

function parse(text: string): Array<{ type: string; data: Record<string, unknown> }> {
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
}

describe('renderNdjson', () => {
  const report = hostileReport();
  const text = renderNdjson(sample(), report, { formatTime: iso, paths: ['a.log', '/var/log/mail.log'] });
  const events = parse(text);

  it('writes one envelope per line with exactly type and data', () => {
    for (const e of events) assert.deepEqual(Object.keys(e), ['type', 'data']);
    const types = new Set(events.map((e) => e.type));
    assert.deepEqual([...types].sort(), ['ban', 'blocked', 'failure', 'success', 'unban']);
  });

  it('describes each kind of event with every key present', () => {
    const failure = events.find((e) => e.type === 'failure')!;
    assert.deepEqual(failure.data, {
      time: iso(t(10, 4)),
      jail: 'dovecot',
      ip: '203.0.113.7',
      user: HOSTILE_USERS[0],
      outcome: 'counted',
      file: '/var/log/mail.log',
      line: 1,
    });
    const blocked = events.filter((e) => e.type === 'blocked');
    assert.deepEqual(blocked.map((e) => e.data['prolonged']), [false, true]);
    assert.equal(events.find((e) => e.data['ip'] === '192.0.2.1')!.data['outcome'], 'ignored');
    const ban = events.find((e) => e.type === 'ban' && e.data['ip'] === '2001:db8::7')!;
    assert.deepEqual(ban.data, { time: iso(t(10, 6)), jail: 'dovecot', ip: '2001:db8::7', end: null, failures: 5, blocked: 0 });
    const unban = events.find((e) => e.type === 'unban')!;
    assert.deepEqual(Object.keys(unban.data), ['time', 'jail', 'ip', 'start']);
    assert.equal(events.find((e) => e.type === 'success')!.data['user'], 'alice');
  });

  it('orders by time; at equal times the triggering failure precedes its ban', () => {
    const times = events.map((e) => Date.parse(String(e.data['time'])));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    const at5 = events.filter((e) => e.data['time'] === iso(t(10, 5))).map((e) => e.type);
    assert.deepEqual(at5, ['failure', 'ban']);
  });

  it('leaves out unbans after the window', () => {
    const windowed = { ...report, window: { since: t(10, 0), until: t(10, 8) } };
    const unbans = parse(renderNdjson(sample(), windowed, { formatTime: iso, paths: [] })).filter((e) => e.type === 'unban');
    // 05:10 and 08:00 (end == until is outside) → only the first; 09:10 is past the window.
    assert.deepEqual(unbans.map((e) => e.data['time']), [iso(t(10, 5, 10))]);
  });

  it('keeps hostile usernames exact, with nothing a terminal would act on', () => {
    const users = events.map((e) => e.data['user']);
    assert.ok(users.includes(HOSTILE_USERS[0]));
    assert.ok(users.includes(HOSTILE_USERS[1]));
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('is empty without events', () => {
    assert.equal(renderNdjson({ hits: HitStore.from([]) }, { ...report, jails: [] }, { formatTime: iso, paths: [] }), '');
  });
});
