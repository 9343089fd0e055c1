// Simulates one fail2ban jail in log time (semantics §7.2–7.7, §10 items 1–3 and 7):
// FailManager counting with cleanup before every failure, bans, failures during bans, and
// bantime.increment (the observer's boost for known-bad ids and longer repeat bans).
// Invariant: per-id counting state lives in typed-array slots that are recycled once log
// time passes the id's findtime and ban windows; only compact per-id tallies grow.

import type { BanEvent, CountingMode, EpochMs, WhileBannedMode } from '../types.js';
import { FormulaError } from './ban-formula.js';
import type { BanMemory, BanTimeIncrement } from './ban-time-increment.js';
import { rescaleRetry } from './fail-ticket.js';
import { roundHalfEven } from './round-half-even.js';
import { grown } from '../grow-typed.js';

/** The numbers one jail simulation needs (times in seconds, as fail2ban writes them). */
export interface JailParams {
  name: string;
  maxretry: number;
  /** Seconds. */
  findtime: number;
  /** Seconds; -1 = permanent, any other negative value discards every ban (§7.6). */
  bantime: number;
  counting: CountingMode;
  whileBanned: WhileBannedMode;
  /** ignoreip check (§7.9); called at most once per distinct id. */
  ignore?: (id: string) => boolean;
  /** This jail's `bantime.increment`; needs `memory`. */
  increment?: BanTimeIncrement;
  /**
   * The ban memory (fail2ban's `bips` table), shared by every jail of a run when any of them
   * uses bantime.increment: each new ban is recorded there, whatever this jail's own settings.
   */
  memory?: BanMemory;
  /**
   * Called at each new ban (not at a prolongation), e.g. to feed a recidive jail; `code` is
   * the banned id's code when it came through addCoded, else -1.
   */
  onBan?: (ban: Readonly<BanEvent>, code: number) => void;
  /** The ids addCoded numbers, by code (a HitStore's `ids.values`). */
  codes?: readonly string[];
}

/**
 * What one failure did. `counted`: added to the id's counter (also returned when a
 * trigger produced no new ban: bantime < -1, or 'count' mode re-trigger that does not
 * lengthen the current ban). `prolonged`: 'count' mode re-trigger that moved the end.
 */
export type Outcome = 'ignored' | 'counted' | 'banned' | 'blocked' | 'prolonged';

/** Incremental jail simulation; feed failures in log-time order, then finish. */
export interface JailSimulator {
  /** Feed one failure; calls must be in non-decreasing time order (out-of-order times behave like fail2ban's adjustTime: earlier times do not move lastTime). */
  add(time: EpochMs, id: string): Outcome;
  /**
   * add() for the id `JailParams.codes[code]`: a caller that numbers its ids densely (a
   * HitStore's id codes) spares a string-keyed look-up per failure and a string per id (#4).
   */
  addCoded(time: EpochMs, code: number): Outcome;
  /** Finish: returns bans (BanEvent from src/types.ts, in start order) and per-id tallies. */
  finish(): JailResult;
  /** Ban events so far and the failures they blocked (finish's bans, counted). */
  banTotals(): { events: number; blocked: number };
  /** Calls `f` with the id of every ban so far, in creation order. */
  forEachBannedId(f: (id: string) => void): void;
  /** Number of ids currently holding counting or ban state (the bounded part of memory). */
  liveStates(): number;
  /**
   * When `id` is banned here at `time`, tallies the attempt as blocked by that ban and returns
   * true; used for bans on every port (recidive) that keep other jails' failures out.
   */
  absorb(time: EpochMs, id: string): boolean;
  /** absorb() for the id `JailParams.codes[code]`. */
  absorbCoded(time: EpochMs, code: number): boolean;
}

/**
 * Per-id counts. Every failure lands in exactly one of counted, blocked and ignored.
 * `duringBan` counts failures that arrived while one of this id's bans was active: equal
 * to `blocked` in 'block' mode, a subset of `counted` in 'count' mode.
 */
export interface IdTally {
  counted: number;
  blocked: number;
  ignored: number;
  bans: number;
  duringBan: number;
}

/** A 'count'-mode ban extension (fail2ban's "already banned" with a later end, §7.5). */
export interface BanProlongation {
  id: string;
  /** Start of the ban that was extended. */
  banStart: EpochMs;
  /** Time of the failure whose ticket triggered the extension. */
  time: EpochMs;
  previousEnd: EpochMs;
  end: EpochMs;
}

/** The outcome of a whole simulation. */
export interface JailResult {
  /** Ordered by start; each end already includes any prolongation. */
  bans: BanEvent[];
  tallies: Map<string, IdTally>;
  /** Empty unless whileBanned is 'count'. */
  prolongations: BanProlongation[];
}

/** Creates a simulator for one jail. */
export function createJailSimulator(params: JailParams): JailSimulator {
  return new Simulator(params);
}

/** Runs a whole time-ordered failure sequence through one jail. */
export function simulateJail(params: JailParams, failures: Iterable<{ time: EpochMs; id: string }>): JailResult {
  const sim = new Simulator(params);
  for (const f of failures) sim.add(f.time, f.id);
  return sim.finish();
}

/** Window mode keeps the last maxretry times per id; beyond this the rings would be absurd. */
export const MAX_WINDOW_RETRY = 4096;

const FLAG_KNOWN = 1; // ignore() has been asked about this id
const FLAG_IGNORED = 2;
const NONE = -1;
const INITIAL_IDS = 1024;
const INITIAL_SLOTS = 256;
// Sweeps happen at most once per findtime of log time, and never more often than this.
const MIN_SWEEP_MS = 1000;

class Simulator implements JailSimulator {
  private readonly name: string;
  private readonly maxretry: number;
  private readonly findtime: number;
  private readonly findMs: number;
  private readonly bantime: number;
  private readonly banMs: number;
  private readonly window: boolean;
  private readonly block: boolean;
  private readonly ignore: ((id: string) => boolean) | undefined;
  private readonly increment: BanTimeIncrement | undefined;
  private readonly memory: BanMemory | undefined;
  private readonly onBan: ((ban: Readonly<BanEvent>, code: number) => void) | undefined;
  /** Ring capacity per slot in window mode (0 in fail2ban mode). */
  private readonly ringSize: number;
  private readonly sweepEveryMs: number;

  /** Log-time clock: the latest failure time seen ("now" of the simulated server). */
  private now = -Infinity;
  private nextSweep = -Infinity;
  /** The last countTicket call opened a new ticket (the failure's own FailTicket is the stored one). */
  private opened = false;
  private addsSinceSweep = 0;

  // Per-id tallies, indexed by id number (first-seen order). Never evicted.
  // An id's text is `codes[codeOf[i]]` for one first fed by addCoded, else in `texts`: a
  // simulator fed by codes (tune runs a hundred-odd) keeps no string and hashes none.
  private readonly codes: readonly string[];
  private codeOf = new Int32Array(INITIAL_IDS).fill(NONE);
  private readonly texts = new Map<number, string>();
  /** Id numbers by text, for add() and absorb(); built on first use. */
  private byText: Map<string, number> | undefined;
  private idCount = 0;
  /** addCoded: the id number of each caller code (NONE: not seen yet). */
  private idOfCode = new Int32Array(0);
  private counted = new Uint32Array(INITIAL_IDS);
  private blocked = new Uint32Array(INITIAL_IDS);
  private ignored = new Uint32Array(INITIAL_IDS);
  private banCount = new Uint32Array(INITIAL_IDS);
  private duringBan = new Uint32Array(INITIAL_IDS);
  private flags = new Uint8Array(INITIAL_IDS);
  private slotOf = new Int32Array(INITIAL_IDS).fill(NONE);

  // Live state slots, recycled through a free stack.
  private slotCap = INITIAL_SLOTS;
  private slotHigh = 0; // slots [0, slotHigh) have been handed out at least once
  private live = 0;
  private owner = new Int32Array(INITIAL_SLOTS).fill(NONE);
  /** fail2ban: ticket firstTime; unused in window mode. */
  private first = new Float64Array(INITIAL_SLOTS);
  /** Time of the newest counted failure (ticket lastTime). */
  private last = new Float64Array(INITIAL_SLOTS);
  /** fail2ban: ticket retry, 0 = no ticket. window: number of times in the ring. */
  private retry = new Float64Array(INITIAL_SLOTS);
  private ringHead = new Int32Array(0);
  private ring = new Float64Array(0);
  /** Index into `bans` of the id's latest ban, NONE when it has expired or never existed. */
  private banOf = new Int32Array(INITIAL_SLOTS).fill(NONE);
  /** End of that ban in ms; Infinity for a permanent ban. */
  private banEnd = new Float64Array(INITIAL_SLOTS);
  /** The ticket's ban count as the observer set it (FailTicket._banCount); only with increment. */
  private ticketBans = new Float64Array(INITIAL_SLOTS);
  private freeSlots = new Int32Array(INITIAL_SLOTS);
  private freeTop = 0;

  // Bans in creation order, in columns: an object per ban only when one is handed out (onBan,
  // finish). Tune runs a hundred simulators with hundreds of thousands of bans between them (#4).
  private events = 0;
  private evId = new Int32Array(INITIAL_SLOTS);
  private evStart = new Float64Array(INITIAL_SLOTS);
  /** End in ms; NaN for a permanent ban (BanEvent.end undefined). */
  private evEnd = new Float64Array(INITIAL_SLOTS);
  private evFailures = new Float64Array(INITIAL_SLOTS);
  private evBlocked = new Float64Array(INITIAL_SLOTS);
  private readonly prolongations: BanProlongation[] = [];

  constructor(p: JailParams) {
    for (const key of ['maxretry', 'findtime', 'bantime'] as const) {
      if (!Number.isFinite(p[key])) throw new RangeError(`jail ${p.name}: ${key} must be a finite number`);
    }
    if (p.counting !== 'fail2ban' && p.counting !== 'window') throw new RangeError(`jail ${p.name}: unknown counting mode ${String(p.counting)}`);
    if (p.whileBanned !== 'block' && p.whileBanned !== 'count') throw new RangeError(`jail ${p.name}: unknown whileBanned mode ${String(p.whileBanned)}`);
    this.name = p.name;
    this.maxretry = p.maxretry;
    this.findtime = p.findtime;
    this.findMs = p.findtime * 1000;
    this.bantime = p.bantime;
    this.banMs = p.bantime * 1000;
    this.window = p.counting === 'window';
    this.block = p.whileBanned === 'block';
    this.ignore = p.ignore;
    if (p.increment !== undefined && p.memory === undefined) throw new RangeError(`jail ${p.name}: bantime.increment needs a ban memory`);
    this.increment = p.increment;
    this.memory = p.memory;
    this.onBan = p.onBan;
    this.codes = p.codes ?? [];
    this.sweepEveryMs = Math.max(this.findMs, MIN_SWEEP_MS);
    if (this.window) {
      if (p.maxretry > MAX_WINDOW_RETRY) throw new RangeError(`jail ${p.name}: window counting supports maxretry up to ${MAX_WINDOW_RETRY}`);
      this.ringSize = Math.max(1, Math.ceil(p.maxretry));
      this.ringHead = new Int32Array(INITIAL_SLOTS);
      this.ring = new Float64Array(INITIAL_SLOTS * this.ringSize);
    } else {
      this.ringSize = 0;
    }
  }

  liveStates(): number {
    return this.live;
  }

  absorb(time: EpochMs, id: string): boolean {
    const idx = this.textIndex().get(id);
    return idx !== undefined && this.absorbAt(time, idx);
  }

  absorbCoded(time: EpochMs, code: number): boolean {
    let idx = code < this.idOfCode.length ? this.idOfCode[code]! : NONE;
    // An id add() saw first is known by its text only.
    if (idx === NONE) idx = this.byText?.get(this.codes[code]!) ?? NONE;
    return idx !== NONE && this.absorbAt(time, idx);
  }

  private absorbAt(time: EpochMs, idx: number): boolean {
    const slot = this.slotOf[idx]!;
    if (slot === NONE) return false;
    const ban = this.banOf[slot]!;
    if (ban === NONE || !(Math.max(time, this.now) <= this.banEnd[slot]!)) return false;
    this.evBlocked[ban]!++;
    this.duringBan[idx]!++;
    this.blocked[idx]!++;
    return true;
  }

  add(time: EpochMs, id: string): Outcome {
    return this.addAt(time, this.textIndex().get(id) ?? this.newId(id), id);
  }

  addCoded(time: EpochMs, code: number): Outcome {
    const id = this.codes[code];
    if (id === undefined) throw new RangeError(`jail ${this.name}: no id has code ${code}`);
    let idx = code < this.idOfCode.length ? this.idOfCode[code]! : NONE;
    if (idx === NONE) {
      // A new code is a new id, unless add() saw that text first.
      idx = this.byText?.get(id) ?? this.newId(id, code);
      if (code >= this.idOfCode.length) this.idOfCode = grown(this.idOfCode, Math.max(code + 1, this.idOfCode.length * 2, 1024), NONE);
      this.idOfCode[code] = idx;
    }
    return this.addAt(time, idx, id);
  }

  private addAt(time: EpochMs, idx: number, id: string): Outcome {
    if (!Number.isFinite(time)) throw new RangeError(`jail ${this.name}: failure time must be finite`);
    let flags = this.flags[idx]!;
    if ((flags & FLAG_KNOWN) === 0) {
      flags = FLAG_KNOWN | (this.ignore?.(id) === true ? FLAG_IGNORED : 0);
      this.flags[idx] = flags;
    }
    // The clock advances on every matched line: log time is the simulated wall clock (§10.1).
    if (time > this.now) this.now = time;
    // Ignored ids are never counted nor blocked (filter.py checks ignoreip first, §7.2).
    if ((flags & FLAG_IGNORED) !== 0) {
      this.ignored[idx]!++;
      return 'ignored';
    }

    this.addsSinceSweep++;
    if (this.now >= this.nextSweep && this.addsSinceSweep >= this.live >> 2) this.sweep();

    let slot = this.slotOf[idx]!;
    let activeBan = NONE;
    if (slot === NONE) {
      slot = this.allocSlot(idx);
    } else {
      const ban = this.banOf[slot]!;
      if (ban !== NONE) {
        // Unban happens strictly after the end (banmanager.unBanList: time > eob).
        if (this.now <= this.banEnd[slot]!) {
          this.evBlocked[ban]!++;
          this.duringBan[idx]!++;
          if (this.block) {
            this.blocked[idx]!++;
            return 'blocked';
          }
          activeBan = ban;
        } else {
          this.banOf[slot] = NONE;
        }
      }
    }

    this.counted[idx]!++;
    let failures = this.window ? this.countWindow(slot, time) : this.countTicket(slot, time);
    if (failures === 0 && this.increment !== undefined && !this.window) failures = this.observeFailure(slot, id, time);
    if (failures === 0) return 'counted';
    return this.trigger(slot, idx, id, failures, activeBan);
  }

  finish(): JailResult {
    const bans = new Array<BanEvent>(this.events);
    for (let e = 0; e < this.events; e++) bans[e] = this.eventAt(e);
    // Array.prototype.sort is stable: equal starts keep creation order.
    bans.sort((a, b) => a.start - b.start);
    return withTallies({ bans, prolongations: this.prolongations.map((p) => ({ ...p })) }, this.tallySnapshot());
  }

  // The per-id counts as they stand, copied (a simulator fed after finish() must not change
  // an earlier result), with what names each id (see textOf; `codes` only ever grows).
  private tallySnapshot(): TallySnapshot {
    const n = this.idCount;
    return {
      codeOf: this.codeOf.slice(0, n),
      codes: this.codes,
      texts: new Map(this.texts),
      counted: this.counted.slice(0, n),
      blocked: this.blocked.slice(0, n),
      ignored: this.ignored.slice(0, n),
      bans: this.banCount.slice(0, n),
      duringBan: this.duringBan.slice(0, n),
    };
  }

  /** Ban events (creation order) and failures blocked by them, without an object per ban. */
  banTotals(): { events: number; blocked: number } {
    let blocked = 0;
    for (let e = 0; e < this.events; e++) blocked += this.evBlocked[e]!;
    return { events: this.events, blocked };
  }

  /** Calls `f` with the id of every ban, in creation order (an id once per ban). */
  forEachBannedId(f: (id: string) => void): void {
    for (let e = 0; e < this.events; e++) f(this.textOf(this.evId[e]!));
  }

  private eventAt(e: number): BanEvent {
    const end = this.evEnd[e]!;
    return {
      jail: this.name,
      id: this.textOf(this.evId[e]!),
      start: this.evStart[e]!,
      end: Number.isNaN(end) ? undefined : end,
      failures: this.evFailures[e]!,
      blocked: this.evBlocked[e]!,
    };
  }

  /**
   * fail2ban counting (failmanager.addFailure + ticket.adjustTime) for one failure.
   * Returns the retry count when it reaches maxretry (ticket deleted, §7.3 step 4), else 0.
   */
  private countTicket(slot: number, time: EpochMs): number {
    let retry = this.retry[slot]!;
    // cleanup(now): drop the ticket whose LAST failure is <= now - findtime.
    if (retry !== 0 && this.last[slot]! <= this.now - this.findMs) retry = 0;
    if (retry === 0) {
      this.first[slot] = time;
      this.last[slot] = time;
      this.ticketBans[slot] = 0;
      this.opened = true;
      retry = 1;
    } else {
      this.opened = false;
      // adjustTime: earlier (out-of-order) times change neither firstTime nor lastTime.
      if (time > this.last[slot]!) {
        const firstTime = this.first[slot]!;
        // Strict <: a span of exactly findtime is not rescaled.
        if (firstTime < time - this.findMs) {
          retry = rescaleRetry(retry, (time - firstTime) / 1000, this.findtime);
          this.first[slot] = time - this.findMs;
        }
        this.last[slot] = time;
      }
      retry += 1;
    }
    if (retry >= this.maxretry) {
      this.retry[slot] = 0;
      return retry;
    }
    this.retry[slot] = retry;
    return 0;
  }

  /**
   * Exact sliding window: failures in (now - findtime, now] (§7.4). The ring holds the
   * newest times in ascending order. Returns the count on reaching maxretry (ring reset), else 0.
   */
  private countWindow(slot: number, time: EpochMs): number {
    const size = this.ringSize;
    const base = slot * size;
    const cutoff = this.now - this.findMs;
    let head = this.ringHead[slot]!;
    let len = this.retry[slot]!;
    while (len > 0 && this.ring[base + head]! <= cutoff) {
      head = head + 1 === size ? 0 : head + 1;
      len--;
    }
    // The current failure always counts itself, even with findtime 0.
    const inWindow = time > cutoff || time >= this.now;
    if (inWindow && !(len === size && time <= this.ring[base + head]!)) {
      if (len === size) {
        head = head + 1 === size ? 0 : head + 1;
        len--;
      }
      // Insert keeping ascending order; in-order input appends without moving anything.
      let pos = (head + len) % size;
      for (let k = len; k > 0; k--) {
        const prev = pos === 0 ? size - 1 : pos - 1;
        const t = this.ring[base + prev]!;
        if (t <= time) break;
        this.ring[base + pos] = t;
        pos = prev;
      }
      this.ring[base + pos] = time;
      len++;
    }
    // `last` mirrors the newest ring entry: the ban start and the eviction test read it.
    if (len > 0) this.last[slot] = this.ring[base + ((head + len - 1) % size)]!;
    if (len > 0 && len >= this.maxretry) {
      this.ringHead[slot] = 0;
      this.retry[slot] = 0;
      return len;
    }
    this.ringHead[slot] = head;
    this.retry[slot] = len;
    return 0;
  }

  /**
   * The observer's failureFound (observer.py:367-414) for a failure the filter counted without
   * a ban: an id this jail banned before (a surviving memory row older than this failure) adds
   * `2^banCount / 2` more, capped at maxretry. Returns the retry when that reaches maxretry.
   */
  private observeFailure(slot: number, id: string, time: EpochMs): number {
    const row = this.memory!.get(id, this.name, this.now, this.increment!.purgeAge, false);
    if (row === undefined || time / 1000 <= row.timeOfBan) return 0;
    const banCount = row.banCount;
    const retryCount = Math.min(2 ** Math.min(banCount, 20) / 2 + 1, this.maxretry);
    if (retryCount <= 1) return 0;
    const retry = this.retry[slot]! + retryCount - 1;
    // tick.setBanCount: only reaches the stored ticket when this failure opened it.
    if (this.opened && banCount > this.ticketBans[slot]!) {
      this.ticketBans[slot] = banCount;
    }
    if (retry >= this.maxretry) {
      this.retry[slot] = 0;
      return retry;
    }
    this.retry[slot] = retry;
    return 0;
  }

  /**
   * The ban time of a new ban and the memory update (observer incrBanTime + banFound + addBan):
   * with increment, an id with `n` earlier bans gets `banTime(bantime, n)`.
   */
  private newBanTime(slot: number, id: string, start: EpochMs): number {
    let banTime = this.bantime;
    const memory = this.memory;
    if (memory === undefined) return banTime;
    // addBanTicket's incrBanCount on the ticket that carried the failures.
    let banCount = (this.window ? 0 : this.ticketBans[slot]!) + 1;
    let restored = false;
    const inc = this.increment;
    if (inc !== undefined && banTime > 0) {
      const row = memory.get(id, this.name, this.now, inc.purgeAge, inc.overalljails);
      if (row !== undefined) {
        if (row.banCount >= banCount) banCount = row.banCount + 1;
        if (row.banCount > 0) {
          try {
            banTime = inc.banTime(banTime, row.banCount);
          } catch (err) {
            // fail2ban logs the error and keeps the plain ban time.
            if (!(err instanceof FormulaError)) throw err;
          }
        }
        // A ban not later than the remembered one is treated as restored: not written again.
        restored = !(start / 1000 > row.timeOfBan);
      }
    }
    if (!restored) memory.put(id, this.name, { timeOfBan: roundHalfEvenSeconds(start), banTime, banCount });
    return banTime;
  }

  /** Actions.__checkBan + BanManager.addBanTicket for a ticket that reached maxretry (§7.5). */
  private trigger(slot: number, idx: number, id: string, failures: number, activeBan: number): Outcome {
    const start = this.last[slot]!;
    const permanent = this.bantime === -1;
    let end = permanent ? Infinity : start + this.banMs;
    // addBanTicket rejects a ban already over by "now" (bantime < -1, or late out-of-order input).
    if (end < this.now) return 'counted';
    if (activeBan !== NONE) {
      // Already banned: a later end prolongs the ban to ticketTime + bantime, no new ban.
      const previousEnd = this.banEnd[slot]!;
      if (!(end > previousEnd)) return 'counted';
      this.banEnd[slot] = end;
      this.evEnd[activeBan] = end;
      this.prolongations.push({ id, banStart: this.evStart[activeBan]!, time: start, previousEnd, end });
      return 'prolonged';
    }
    if (this.memory !== undefined && !permanent) end = start + this.newBanTime(slot, id, start) * 1000;
    else if (this.memory !== undefined) this.newBanTime(slot, id, start);
    const e = this.events++;
    if (e === this.evId.length) this.growEvents();
    this.evId[e] = idx;
    this.evStart[e] = start;
    this.evEnd[e] = permanent ? NaN : end;
    this.evFailures[e] = failures;
    this.evBlocked[e] = 0;
    this.banOf[slot] = e;
    this.banEnd[slot] = end;
    this.banCount[idx]!++;
    this.onBan?.(this.eventAt(e), this.codeOf[idx]!);
    return 'banned';
  }

  /** Frees every slot whose ticket/window and ban are both over in log time. */
  private sweep(): void {
    const cutoff = this.now - this.findMs;
    for (let s = 0; s < this.slotHigh; s++) {
      if (this.owner[s] === NONE) continue;
      if (this.retry[s] !== 0 && this.last[s]! > cutoff) continue;
      if (this.banOf[s] !== NONE && this.now <= this.banEnd[s]!) continue;
      this.freeSlot(s);
    }
    this.nextSweep = this.now + this.sweepEveryMs;
    this.addsSinceSweep = 0;
  }

  private textOf(idx: number): string {
    const code = this.codeOf[idx]!;
    return code !== NONE ? this.codes[code]! : this.texts.get(idx)!;
  }

  // A new id number for `id`, given with its code by addCoded, else kept as text.
  private newId(id: string, code = NONE): number {
    const idx = this.idCount++;
    if (idx === this.counted.length) {
      const n = idx * 2;
      this.counted = grown(this.counted, n);
      this.blocked = grown(this.blocked, n);
      this.ignored = grown(this.ignored, n);
      this.banCount = grown(this.banCount, n);
      this.duringBan = grown(this.duringBan, n);
      const flags = new Uint8Array(n);
      flags.set(this.flags);
      this.flags = flags;
      this.slotOf = grown(this.slotOf, n, NONE);
      this.codeOf = grown(this.codeOf, n, NONE);
    }
    this.codeOf[idx] = code;
    if (code === NONE) this.texts.set(idx, id);
    this.byText?.set(id, idx);
    return idx;
  }

  private textIndex(): Map<string, number> {
    if (this.byText === undefined) {
      this.byText = new Map<string, number>();
      for (let i = 0; i < this.idCount; i++) this.byText.set(this.textOf(i), i);
    }
    return this.byText;
  }

  private growEvents(): void {
    const n = this.evId.length * 2;
    this.evId = grown(this.evId, n, NONE);
    this.evStart = grown(this.evStart, n);
    this.evEnd = grown(this.evEnd, n);
    this.evFailures = grown(this.evFailures, n);
    this.evBlocked = grown(this.evBlocked, n);
  }

  private allocSlot(idx: number): number {
    let s: number;
    if (this.freeTop > 0) {
      s = this.freeSlots[--this.freeTop]!;
    } else {
      if (this.slotHigh === this.slotCap) this.growSlots();
      s = this.slotHigh++;
    }
    this.owner[s] = idx;
    this.slotOf[idx] = s;
    this.retry[s] = 0;
    this.banOf[s] = NONE;
    if (this.window) this.ringHead[s] = 0;
    this.live++;
    return s;
  }

  private freeSlot(s: number): void {
    this.slotOf[this.owner[s]!] = NONE;
    this.owner[s] = NONE;
    this.freeSlots[this.freeTop++] = s;
    this.live--;
  }

  private growSlots(): void {
    const n = this.slotCap * 2;
    this.owner = grown(this.owner, n, NONE);
    this.first = grown(this.first, n);
    this.last = grown(this.last, n);
    this.retry = grown(this.retry, n);
    this.banOf = grown(this.banOf, n, NONE);
    this.banEnd = grown(this.banEnd, n);
    this.ticketBans = grown(this.ticketBans, n);
    this.freeSlots = grown(this.freeSlots, n, NONE);
    if (this.window) {
      this.ringHead = grown(this.ringHead, n, NONE);
      this.ring = grown(this.ring, n * this.ringSize);
    }
    this.slotCap = n;
  }
}

/** The database stores `int(round(t))` seconds; Python rounds halves to even. */
function roundHalfEvenSeconds(ms: EpochMs): number {
  return roundHalfEven(ms / 1000);
}

// Per-id counts of a finished simulation, by id number, in columns.
interface TallySnapshot {
  codeOf: Int32Array;
  codes: readonly string[];
  texts: ReadonlyMap<number, string>;
  counted: Uint32Array;
  blocked: Uint32Array;
  ignored: Uint32Array;
  bans: Uint32Array;
  duringBan: Uint32Array;
}

/**
 * The result with `tallies` built on first read. The audit's report keeps its own per-address
 * counts and never reads them: eagerly, a Map entry and an object per id cost ~60 MB and
 * ~0.6 s with a million addresses, for nothing (#4). The columns take 24 bytes an id.
 */
function withTallies(result: Omit<JailResult, 'tallies'>, snap: TallySnapshot): JailResult {
  let tallies: Map<string, IdTally> | undefined;
  return Object.defineProperty(result, 'tallies', {
    enumerable: true,
    get(): Map<string, IdTally> {
      if (tallies === undefined) {
        tallies = new Map();
        const { codeOf, codes, texts } = snap;
        for (let i = 0; i < codeOf.length; i++) {
          const code = codeOf[i]!;
          tallies.set(code !== NONE ? codes[code]! : texts.get(i)!, {
            counted: snap.counted[i]!,
            blocked: snap.blocked[i]!,
            ignored: snap.ignored[i]!,
            bans: snap.bans[i]!,
            duringBan: snap.duringBan[i]!,
          });
        }
      }
      return tallies;
    },
  }) as JailResult;
}
