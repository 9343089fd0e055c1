// Rewrites Python conditionals `(?(g)yes|no)` into plain alternation, since JavaScript
// has none: the stretch from group g to the conditional is split into "g took part"
// and "g did not" branches. Copies keep their Python group number, so callers read a
// group through all its copies (they sit in mutually exclusive branches).

import type { RegexNode } from './parse-python-regex.js';
import { RegexSyntaxError } from './parse-python-regex.js';

/** Returns a conditional-free tree and whether any group had to be duplicated. */
export function eliminateConditionals(root: RegexNode): { root: RegexNode; duplicated: boolean } {
  let duplicated = false;
  // Wrap so the root itself can be replaced through its parent.
  const holder: RegexNode = { t: 'seq', items: [root] };
  for (;;) {
    const path = findCond(holder);
    if (path === undefined) break;
    const cond = path[path.length - 1]! as Extract<RegexNode, { t: 'cond' }>;
    for (const node of path) {
      if (node.t === 'rep' && node.max > 1) {
        throw new RegexSyntaxError('conditional group (?(...)...) inside a repeated group not supported', 0, true);
      }
    }
    // Deepest sequence on the path with the referenced group in an earlier element.
    let site: { seq: Extract<RegexNode, { t: 'seq' }>; i: number; j: number } | undefined;
    for (let k = path.length - 2; k >= 0 && site === undefined; k--) {
      const anc = path[k]!;
      if (anc.t !== 'seq') continue;
      const j = anc.items.indexOf(path[k + 1]!);
      for (let i = j - 1; i >= 0; i--) {
        if (containsCapture(anc.items[i]!, cond.num)) {
          site = { seq: anc, i, j };
          break;
        }
      }
    }
    if (site === undefined) {
      // The group cannot have matched before this point: Python takes the "no" branch.
      replaceNode(holder, cond, cond.no ?? { t: 'seq', items: [] });
      continue;
    }
    const { seq, i, j } = site;
    const branches: RegexNode[] = [];
    for (const want of [true, false]) {
      const head = restrict(seq.items[i]!, cond.num, want);
      if (head === null) continue;
      const middle = seq.items.slice(i + 1, j).map(clone);
      const tail = cloneReplacing(seq.items[j]!, cond, want ? cond.yes : (cond.no ?? { t: 'seq', items: [] }));
      branches.push({ t: 'seq', items: [head, ...middle, tail] });
    }
    if (branches.length === 0) {
      throw new RegexSyntaxError('conditional group (?(...)...) could not be rewritten', 0, true);
    }
    if (branches.length > 1) duplicated = true;
    const replacement: RegexNode = branches.length === 1
      ? branches[0]!
      : { t: 'group', k: 'nc', body: { t: 'alt', alts: branches } };
    seq.items.splice(i, j - i + 1, replacement);
  }
  return { root: (holder as Extract<RegexNode, { t: 'seq' }>).items[0]!, duplicated };
}

function children(node: RegexNode): RegexNode[] {
  switch (node.t) {
    case 'seq':
      return node.items;
    case 'alt':
      return node.alts;
    case 'cap':
    case 'group':
    case 'rep':
      return [node.body];
    case 'cond':
      return node.no === undefined ? [node.yes] : [node.yes, node.no];
    default:
      return [];
  }
}

function findCond(node: RegexNode): RegexNode[] | undefined {
  if (node.t === 'cond') return [node];
  for (const child of children(node)) {
    const sub = findCond(child);
    if (sub !== undefined) return [node, ...sub];
  }
  return undefined;
}

function containsCapture(node: RegexNode, num: number): boolean {
  if (node.t === 'cap' && node.num === num) return true;
  return children(node).some((c) => containsCapture(c, num));
}

function clone(node: RegexNode): RegexNode {
  return cloneReplacing(node, undefined, undefined);
}

function cloneReplacing(node: RegexNode, target: RegexNode | undefined, by: RegexNode | undefined): RegexNode {
  if (node === target) return clone(by!);
  const c = (n: RegexNode): RegexNode => cloneReplacing(n, target, by);
  switch (node.t) {
    case 'seq':
      return { t: 'seq', items: node.items.map(c) };
    case 'alt':
      return { t: 'alt', alts: node.alts.map(c) };
    case 'cap':
      return { ...node, body: c(node.body) };
    case 'group':
      return { ...node, body: c(node.body) };
    case 'rep':
      return { ...node, body: c(node.body) };
    case 'cond':
      return { ...node, yes: c(node.yes), no: node.no === undefined ? undefined : c(node.no) };
    case 'set':
      return { ...node, items: node.items.map((i) => ({ ...i })) };
    default:
      return { ...node };
  }
}

function replaceNode(node: RegexNode, target: RegexNode, by: RegexNode): boolean {
  switch (node.t) {
    case 'seq':
    case 'alt': {
      const list = node.t === 'seq' ? node.items : node.alts;
      const idx = list.indexOf(target);
      if (idx >= 0) {
        list[idx] = by;
        return true;
      }
      return list.some((n) => replaceNode(n, target, by));
    }
    case 'cap':
    case 'group':
    case 'rep':
      if (node.body === target) {
        node.body = by;
        return true;
      }
      return replaceNode(node.body, target, by);
    case 'cond':
      if (node.yes === target) {
        node.yes = by;
        return true;
      }
      if (node.no === target) {
        node.no = by;
        return true;
      }
      return replaceNode(node.yes, target, by) || (node.no !== undefined && replaceNode(node.no, target, by));
    default:
      return false;
  }
}

/**
 * A copy of `node` matching the same texts, limited to the paths where group `num`
 * takes part (`want`) or does not; null when no such path exists.
 */
function restrict(node: RegexNode, num: number, want: boolean): RegexNode | null {
  if (!containsCapture(node, num)) return want ? null : clone(node);
  switch (node.t) {
    case 'cap':
      if (node.num === num) return want ? clone(node) : null;
      return wrap(node, restrict(node.body, num, want));
    case 'group':
      // A group inside a negative lookaround never keeps a value.
      if (node.k === 'nla' || node.k === 'nlb') return want ? null : clone(node);
      return wrap(node, restrict(node.body, num, want));
    case 'seq': {
      const holders = node.items.filter((n) => containsCapture(n, num));
      if (holders.length !== 1) {
        throw new RegexSyntaxError('conditional group (?(...)...) on a group defined twice not supported', 0, true);
      }
      const items: RegexNode[] = [];
      for (const item of node.items) {
        if (item !== holders[0]) {
          items.push(clone(item));
          continue;
        }
        const r = restrict(item, num, want);
        if (r === null) return null;
        items.push(r);
      }
      return { t: 'seq', items };
    }
    case 'alt': {
      const alts = node.alts.map((a) => restrict(a, num, want)).filter((a): a is RegexNode => a !== null);
      if (alts.length === 0) return null;
      return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
    }
    case 'rep': {
      if (node.max > 1) {
        throw new RegexSyntaxError('conditional group (?(...)...) on a repeated group not supported', 0, true);
      }
      const r = restrict(node.body, num, want);
      if (want) {
        // Taking part means exactly one iteration, through a participating path.
        return r === null ? null : (node.max === 0 ? null : r);
      }
      if (r === null) return node.min === 0 ? { t: 'seq', items: [] } : null;
      return { ...node, body: r };
    }
    default:
      throw new RegexSyntaxError('conditional group (?(...)...) in this position not supported', 0, true);
  }
}

function wrap(node: Extract<RegexNode, { t: 'cap' | 'group' }>, body: RegexNode | null): RegexNode | null {
  return body === null ? null : { ...node, body };
}
