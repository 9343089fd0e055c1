// Parses a jail's `filter = name[k=v, k2="a,b"][k3=v]` reference like fail2ban's
// helpers.extractOptions (helpers.py:369-399): quotes allow commas and `]`, several bracket groups
// are allowed, parameter names keep their case. Pure string work; errors are ConfigErrors.

import { ConfigError } from '../errors.js';

/** A filter reference split into the filter name and its parameters. */
export interface FilterRef {
  name: string;
  params: Record<string, string>;
}

// OPTION_CRE (DOTALL): the name is everything before the first `[`.
const OPTION_RE = /^([^[]+)(?:\[([\s\S]*)\])?\s*$/;
// OPTION_EXTRACT_CRE (DOTALL); Python's `$` also matches before a final newline.
const EXTRACT_RE =
  /\s*([\w\-.]+)=(?:"([^"]*)"|'([^']*)'|([^,\]]*))(?:,|\]\s*\[|(?=\n?$)|(?<wrngA>[\s\S]+))|,?\s*(?=\n?$)|(?<wrngB>[\s\S]+)/;

/** Splits `name[params]` into name and parameters (values trimmed, quotes removed). */
export function parseFilterRef(ref: string): FilterRef {
  const m = OPTION_RE.exec(ref);
  if (!m) throw new ConfigError(`unexpected filter syntax ${JSON.stringify(ref)}`);
  const name = (m[1] ?? '').trim();
  const params: Record<string, string> = {};
  // defineProperty so that a parameter named `__proto__` stays an ordinary key.
  const setParam = (key: string, value: string): void => {
    Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
  };
  const optstr = m[2];
  if (optstr) {
    let pos = 0;
    while (pos <= optstr.length) {
      const om = EXTRACT_RE.exec(pos === 0 ? optstr : optstr.slice(pos));
      if (!om) break;
      const start = pos + om.index;
      const end = start + om[0].length;
      const wrongA = om.groups?.['wrngA'];
      if (wrongA) {
        throw new ConfigError(
          `unexpected syntax after parameter ${JSON.stringify(om[1])} in ${JSON.stringify(ref)}: ` +
            wrongA.slice(0, 25),
        );
      }
      const wrongB = om.groups?.['wrngB'];
      if (wrongB) {
        throw new ConfigError(`expected 'name=value' in ${JSON.stringify(ref)} at: ${wrongB.slice(0, 25)}`);
      }
      const key = om[1];
      if (key) {
        const value = om[2] ?? om[3] ?? om[4] ?? '';
        setParam(key.trim(), value.trim());
      }
      // Like re.finditer: continue at the end of the match, stepping over an empty one.
      pos = end > start ? end : end + 1;
    }
  }
  if (name === '') throw new ConfigError(`empty filter name in ${JSON.stringify(ref)}`);
  return { name, params };
}
