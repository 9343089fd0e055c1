// fail2ban's FailTicket arithmetic (server/ticket.py adjustTime), as pure functions
// over numbers so the simulator can keep ticket state in typed arrays.
// Invariant: results equal fail2ban 1.0.2's for the same float inputs (seconds).

import { roundHalfEven } from './round-half-even.js';

/**
 * The retry estimate adjustTime computes once a ticket spans more than findtime:
 * `int(round(retry / span * findtime))`, evaluated in the same order and units (seconds)
 * as Python so exact halves round the same way (semantics §7.3).
 */
export function rescaleRetry(retry: number, spanSeconds: number, findtimeSeconds: number): number {
  return roundHalfEven((retry / spanSeconds) * findtimeSeconds);
}
