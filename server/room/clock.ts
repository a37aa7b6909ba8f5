import type { Seat } from './seat.ts';

/** setTimeout's longest wait; a later time rings then, and the room simply finds nothing due yet. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One re-armable one-shot timer set for a time on the room's clock (`now`, epoch ms). */
export class Alarm {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ring: () => void) {}

  /** Ring once at `at` (a past time rings at once), replacing any earlier setting. */
  setFor(at: number, now: number): void {
    this.clear();
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, at - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ring();
    }, wait);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The start gate (a `waiting` row and no `started` row yet): nobody is asked anything until it opens. */
export interface StartGate {
  seats: number[];
  since: number;
  maxWaitSec: number | null;
  then: 'timeout' | 'takeover';
}

/** Quick play: end a table when no participant is connected, `joinMs` after the start if none ever came, `goneMs` after the last one left. */
export interface AbandonRule {
  joinMs: number;
  goneMs: number;
}

/**
 * When something happens in a room by itself: a deadline passes, the start gate's longest wait
 * runs out, an away seat is taken over, an empty table is abandoned. The clock only says when;
 * each ring calls the room back, which does the work on its queue and re-checks there (the
 * world may have changed while the ring waited its turn). Every time is measured from logged
 * times (a slot's start, `goneSince`), so the clocks of a recovered room keep their deadlines.
 */
export class RoomClock {
  private readonly deadline: Alarm;
  private readonly start: Alarm;
  private readonly abandon: Alarm;

  constructor(
    private readonly now: () => number,
    /** whether anything may still happen (the room is open and its session active) */
    private readonly running: () => boolean,
    ring: { deadline: () => void; start: () => void; abandon: () => void },
  ) {
    this.deadline = new Alarm(ring.deadline);
    this.start = new Alarm(ring.start);
    this.abandon = new Alarm(ring.abandon);
  }

  /** Ring at the earliest deadline any seat owes (after every change: slots moved). */
  armDeadline(seats: readonly Seat[]): void {
    this.deadline.clear();
    if (!this.running()) return;
    let next = Infinity;
    for (const { slot } of seats) if (slot?.deadline != null && slot.deadline < next) next = slot.deadline;
    if (next !== Infinity) this.deadline.setFor(next, this.now());
  }

  /** Ring when the gate's longest wait runs out (if it has one). */
  armStart(gate: StartGate | null): void {
    this.start.clear();
    if (!gate || gate.maxWaitSec === null || !this.running()) return;
    this.start.setFor(gate.since + gate.maxWaitSec * 1000, this.now());
  }

  cancelStart(): void {
    this.start.clear();
  }

  /**
   * Ring `afterSec` after an away seat left. Never for a seat already taken over, and never
   * before the start: nobody owes anything yet, the longest wait's rule decides about absent seats.
   */
  armTakeover(seat: Seat, afterSec: number | null, gated: boolean): void {
    seat.takeoverAlarm.clear();
    if (!afterSec || seat.goneSince === null || seat.takenOver || !this.running() || gated) return;
    seat.takeoverAlarm.setFor(seat.goneSince + afterSec * 1000, this.now());
  }

  /** Ring when a table without any participant connected has waited long enough (measured from the last one to leave). */
  armAbandon(seats: readonly Seat[], rule: AbandonRule | undefined, everSeated: boolean): void {
    this.abandon.clear();
    if (!rule || !this.running() || seats.some((seat) => seat.participantConnected)) return;
    const after = everSeated ? rule.goneMs : rule.joinMs;
    if (after <= 0) return;
    let lastLeft = 0;
    for (const { goneSince } of seats) if (goneSince !== null && goneSince > lastLeft) lastLeft = goneSince;
    this.abandon.setFor(lastLeft + after, this.now());
  }

  cancelAbandon(): void {
    this.abandon.clear();
  }

  /** Nothing more happens by itself (the session settled, or the room closed). */
  stop(seats: readonly Seat[]): void {
    this.deadline.clear();
    this.start.clear();
    this.abandon.clear();
    for (const seat of seats) seat.takeoverAlarm.clear();
  }
}
