import type { LogRow, SeatKind } from '../../shared/protocol/index.ts';
import type { LoggedEvent } from './tables.ts';

/**
 * Who produced an action, for the `actor` column of every exported table of actions
 * (docs/study-data.md): the seat's human, an external program, the seat's agent, the agent
 * that took over a human/external seat while its player was away, or the rule's default when the
 * deadline passed.
 */
export type Actor = 'human' | 'external' | 'agent' | 'takeover' | 'timeout';

/** Where an action event carries its actor on its way to the tables (a symbol: never a game field, never serialised). */
export const ACTOR: unique symbol = Symbol('actor');

type WithActor = LoggedEvent & { [ACTOR]?: Actor };

/** The actor of an action event; '' for events nobody acted (or a log read without actors). */
export function actorOf(event: LoggedEvent): Actor | '' {
  if (event.type === 'timeout') return 'timeout';
  return (event as WithActor)[ACTOR] ?? '';
}

/** The same event, marked as acted by `actor`. */
export function withActor(event: LoggedEvent, actor: Actor): LoggedEvent {
  return { ...event, [ACTOR]: actor } as WithActor;
}

/**
 * A session's game events with their actors, computed from the log: the first game row of a
 * batch that names a seat is that seat's action (or its timeout, without a clientActionId); a
 * human/external seat between a `takeover` and a `handback` row is played by the takeover agent
 * (the room refuses the player's own actions then, so every action of that seat is the agent's).
 */
export async function* eventsWithActors(rows: AsyncIterable<LogRow> | Iterable<LogRow>, seatKinds: readonly SeatKind[]): AsyncGenerator<LoggedEvent> {
  const takenOver = new Set<number>();
  let batch = -1;
  let acted = false;
  for await (const row of rows) {
    if (row.batch !== batch) {
      batch = row.batch;
      acted = false;
    }
    if (row.kind === 'session') {
      if (row.event.type === 'takeover') takenOver.add(row.event.seat as number);
      else if (row.event.type === 'handback') takenOver.delete(row.event.seat as number);
      continue;
    }
    if (acted || row.seat === null) {
      yield row.event;
      continue;
    }
    acted = true;
    yield withActor(row.event, actorFor(row, seatKinds[row.seat], takenOver.has(row.seat)));
  }
}

function actorFor(row: LogRow, kind: SeatKind | undefined, takenOver: boolean): Actor {
  if (row.clientActionId === null) return 'timeout';
  if (kind === 'agent') return 'agent';
  if (takenOver) return 'takeover';
  return kind === 'external' ? 'external' : 'human';
}

/**
 * The actors of a slice's actions, found again by what a table row knows of its action (round,
 * seat, kind …). Several actions under one key (a seat's banish vote and revote; its messages in a
 * round) are taken in log order, the order the tables list them in.
 */
export class ActorLookup {
  private readonly queues = new Map<string, Actor[]>();

  constructor(slice: readonly LoggedEvent[], keyOf: (event: LoggedEvent) => string | null) {
    for (const event of slice) {
      const key = keyOf(event);
      const actor = actorOf(event);
      if (key === null || actor === '') continue;
      const queue = this.queues.get(key);
      if (queue) queue.push(actor);
      else this.queues.set(key, [actor]);
    }
  }

  /** The next action's actor under `key` (each call moves on), '' when there is none. */
  take(key: string): Actor | '' {
    return this.queues.get(key)?.shift() ?? '';
  }

  /** The first action's actor under `key`, without moving on (one action, several rows). */
  peek(key: string): Actor | '' {
    return this.queues.get(key)?.[0] ?? '';
  }

  /** Every actor under `key`, distinct, in order, joined by ';' (a round's messages). */
  all(key: string): string {
    return [...new Set(this.queues.get(key) ?? [])].join(';');
  }
}
