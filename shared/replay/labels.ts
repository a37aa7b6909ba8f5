import type { LogRow } from '../protocol/index.ts';

/**
 * One-line descriptions of log rows for the replay timeline ("Ada voted", "Round 2"). They use
 * only the event itself and the public names, so a label says no more than the event it names;
 * the caller decides which events the viewer may see at all.
 */

type Event = LogRow['event'];

function who(names: readonly string[], seat: unknown): string {
  return typeof seat === 'number' && seat >= 0 && seat < names.length ? names[seat] : 'Someone';
}

/** A game event in a few words. */
export function describeGameEvent(event: Event, names: readonly string[]): string {
  const name = who(names, event.seat);
  switch (event.type) {
    case 'setup':
      return 'The game is set up';
    case 'statement':
      return event.channel === 'traitors' ? `${name} whispered to the traitors` : `${name} spoke`;
    case 'message':
      return `${name} spoke`;
    case 'beliefs':
      return `${name} rated suspicions`;
    case 'vote':
      return `${name} voted`;
    case 'proposal':
      return `${name} proposed a split`;
    case 'timeout':
      return `${name} ran out of time`;
    case 'votesRevealed':
      return event.ballot === 'murder' || event.ballot === 'recruit' ? 'The traitors chose' : 'Votes revealed';
    case 'tieBroken':
      return 'A tie was broken';
    case 'banished':
      return `${name} was banished`;
    case 'murdered':
      return `${name} was murdered`;
    case 'murderAnnounced':
      return `${name} was found murdered`;
    case 'recruitOffered':
      return `The traitors made ${name} an offer`;
    case 'recruitAnswered':
      return event.accepted ? `${name} joined the traitors` : `${name} refused the offer`;
    case 'roundStarted':
      return `Round ${String(event.round)}`;
    case 'deal':
      return `Round ${String(event.round)}: hands dealt`;
    case 'roundResolved':
      return `Round ${String(event.round)} split`;
    case 'gameOver':
      return 'Game over';
    default:
      return event.type;
  }
}

/** A session row (presence, takeover, ending) in a few words; null for rows nobody sees (agent notes). */
export function describeSessionEvent(event: Event, names: readonly string[]): string | null {
  switch (event.type) {
    case 'connected':
      return `${who(names, event.seat)} connected`;
    case 'disconnected':
      return `${who(names, event.seat)} disconnected`;
    case 'takeover':
      return `An agent plays for ${who(names, event.seat)}`;
    case 'handback':
      return `${who(names, event.seat)} is back`;
    case 'recovered':
      return 'The server restarted';
    case 'waiting':
      return 'Waiting for the players';
    case 'started':
      return Array.isArray(event.absent) && event.absent.length
        ? `The table started without ${event.absent.map((seat: number) => who(names, seat)).join(', ')}`
        : 'Everyone is here: the table started';
    case 'ended':
      return `Session ended (${String(event.reason)})`;
    default:
      return null;
  }
}

/**
 * What an agent did in a player's seat while they were away, told to that player when they come
 * back ("said “I trust Ben”", "voted for Ben"). Only the seat's own actions reach it.
 */
export function describeTakeoverAction(event: Event, names: readonly string[]): string {
  switch (event.type) {
    case 'statement':
    case 'message':
      return `said “${String(event.text)}”${event.channel === 'traitors' ? ' to the traitors' : ''}`;
    case 'vote':
      return `voted for ${who(names, event.target)}${event.ballot === 'murder' ? ' to be murdered' : event.ballot === 'recruit' ? ' to be offered a place among the traitors' : ''}`;
    case 'recruitAnswered':
      return event.accepted ? 'accepted the traitors’ offer' : 'refused the traitors’ offer';
    case 'beliefs':
      return 'rated suspicions';
    case 'proposal':
      return `proposed to keep ${String(event.coins)} coins`;
    case 'timeout':
      return 'ran out of time';
    default:
      return describeGameEvent(event, names);
  }
}
