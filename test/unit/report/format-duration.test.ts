// Tests for formatDuration: fail2ban-style units for jail settings.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration } from '../../../src/report/format-duration.js';

describe('formatDuration', () => {
  it('uses the largest whole unit', () => {
    assert.equal(formatDuration(600), '10m');
    assert.equal(formatDuration(3600), '1h');
    assert.equal(formatDuration(86400), '1d');
    assert.equal(formatDuration(604800), '1w');
    assert.equal(formatDuration(45), '45s');
  });

  it('combines units largest first, leaving zero parts out', () => {
    assert.equal(formatDuration(90), '1m30s');
    assert.equal(formatDuration(86400 + 3600 + 60 + 1), '1d1h1m1s');
    assert.equal(formatDuration(8 * 86400), '1w1d');
    assert.equal(formatDuration(3 * 604800 + 30), '3w30s');
  });

  it('says permanent for any negative value (fail2ban bantime = -1)', () => {
    assert.equal(formatDuration(-1), 'permanent');
    assert.equal(formatDuration(-3600), 'permanent');
    assert.equal(formatDuration(Infinity), 'permanent');
  });

  it('handles zero and fractions without float noise', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(0.1 + 0.2), '0.3s');
    assert.equal(formatDuration(60.5), '1m0.5s');
  });

  it('rejects NaN', () => {
    assert.throws(() => formatDuration(Number.NaN), RangeError);
  });
});
