// What counts as an attempted username and how spellings are compared: the rules every
// report analysis shares. The base64 SASL LOGIN prompts some logs print in place of a name
// are not usernames; names compare in lower case and group by their local part.

// base64 of "Username:" and "Password:": what `SASL LOGIN authentication failed` prints.
const SASL_PROMPTS = new Set(['VXNlcm5hbWU6', 'UGFzc3dvcmQ6', 'dXNlcm5hbWU6', 'cGFzc3dvcmQ6']);

/** True when a captured value is worth reporting as an attempted username. */
export function isUsername(value: string): boolean {
  return value !== '' && !SASL_PROMPTS.has(value);
}

/** A username as compared across spellings: lower case (`Alice@Example.org` → `alice@example.org`). */
export function normalizeUsername(name: string): string {
  return name.toLowerCase();
}

/** The group of a normalised username: its local part, the text before the last `@`. */
export function accountKey(normalized: string): string {
  const at = normalized.lastIndexOf('@');
  return at > 0 ? normalized.slice(0, at) : normalized;
}
