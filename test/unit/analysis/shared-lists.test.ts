// SharedLists: report rows share one array per distinct list, and one frozen empty list (#4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_NAMES, SharedLists } from '../../../src/analysis/shared-lists.js';

test('equal lists get one exact-size array, other contents their own, empty ones the frozen NO_NAMES', () => {
  const lists = new SharedLists();
  const grownList = ['dovecot', 'postfix'];
  grownList.push('x');
  grownList.pop();
  const a = lists.get(grownList);
  assert.notEqual(a, grownList, 'a copy: the caller may reuse its list');
  assert.deepEqual(a, ['dovecot', 'postfix']);
  assert.equal(lists.get(['dovecot', 'postfix']), a);
  assert.notEqual(lists.get(['postfix', 'dovecot']), a, 'order is part of the content');
  assert.equal(lists.get([]), NO_NAMES);
  assert.throws(() => NO_NAMES.push('x'), TypeError);
});
