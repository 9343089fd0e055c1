// A JailSpec with fail2ban's defaults (maxretry 5, findtime and bantime 10m) for tests
// that build reports or simulations by hand; override only what a test is about.
import type { JailSpec } from '../../src/types.js';

/** A plain jail spec named `name`, its filter of the same name unless overridden. */
export function makeJailSpec(name: string, over: Partial<JailSpec> = {}): JailSpec {
  return {
    name,
    enabled: true,
    filter: name,
    maxretry: 5,
    findtime: 600,
    bantime: 600,
    ignoreip: [],
    logpath: [],
    logtimezone: undefined,
    datepattern: undefined,
    filterOverrides: {},
    source: 'test',
    ...over,
  };
}
