// A digest of a compiled scan plan (targets, detectors, probe): every string, number,
// boolean and RegExp reachable from it. A worker rebuilds its plan from a recipe and
// must reach the same digest as the main thread's, or its file is scanned inline:
// a safety net that keeps worker and inline results identical. Never runs per line.
import { createHash, type Hash } from 'node:crypto';

/** Hex digest of the data reachable from `value` (functions and symbols are skipped). */
export function planFingerprint(value: unknown): string {
  const hash = createHash('sha256');
  walk(value, hash, new Map<object, number>());
  return hash.digest('hex');
}

function walk(value: unknown, hash: Hash, seen: Map<object, number>): void {
  switch (typeof value) {
    case 'string':
      hash.update(`s${value.length}:`).update(value);
      return;
    case 'number':
    case 'boolean':
    case 'bigint':
      hash.update(`${typeof value}:${String(value)};`);
      return;
    case 'undefined':
      hash.update('u;');
      return;
    case 'function':
    case 'symbol':
      hash.update('f;');
      return;
    default:
  }
  if (value === null) {
    hash.update('n;');
    return;
  }
  const obj = value as object;
  // Shared sub-objects and cycles: refer to the first visit by its number.
  const ref = seen.get(obj);
  if (ref !== undefined) {
    hash.update(`r${ref};`);
    return;
  }
  seen.set(obj, seen.size);
  if (obj instanceof RegExp) {
    hash.update(`re/${obj.source}/${obj.flags};`);
    return;
  }
  if (obj instanceof Map) {
    hash.update(`m${obj.size}{`);
    for (const [k, v] of obj) {
      walk(k, hash, seen);
      walk(v, hash, seen);
    }
    hash.update('}');
    return;
  }
  if (obj instanceof Set) {
    hash.update(`S${obj.size}{`);
    for (const v of obj) walk(v, hash, seen);
    hash.update('}');
    return;
  }
  if (ArrayBuffer.isView(obj)) {
    hash.update(`v${obj.constructor.name}:`).update(new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength));
    return;
  }
  if (Array.isArray(obj)) {
    hash.update(`a${obj.length}[`);
    for (const v of obj) walk(v, hash, seen);
    hash.update(']');
    return;
  }
  hash.update(`o{`);
  for (const k of Object.keys(obj)) {
    hash.update(`${k}=`);
    walk((obj as Record<string, unknown>)[k], hash, seen);
  }
  hash.update('}');
}

// Stamps without a zone, in winter and summer: a detector's zone lives in private fields
// the walk cannot see, so its answers on these lines stand in for it.
const ZONE_PROBES = ['Jan 15 12:00:00 probe', 'Jul 15 12:00:00 probe', '2026-01-15 12:00:00 probe', '2026-07-15T12:00:00 probe'];
const PROBE_REF = Date.UTC(2026, 11, 1);

interface Matcher {
  match(line: string, refMs: number): unknown;
}

/** Fingerprint of a ScanContext's compiled half: its data plus its detectors' answers on zone probes. */
export function scanPlanFingerprint(plan: { targets: unknown; detectors: readonly Matcher[]; probe: Matcher }): string {
  const answers = [...plan.detectors, plan.probe].map((d) => ZONE_PROBES.map((line) => d.match(line, PROBE_REF)));
  return planFingerprint({ targets: plan.targets, detectors: plan.detectors, probe: plan.probe, answers });
}
