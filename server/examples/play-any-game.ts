// A complete Parley client: joins a seat with its token and plays any game through the
// Socket.io protocol, knowing nothing about the game but what `pending` says.
// Usage: npx tsx play-any-game.ts <server-url> <seat-token>
import { io } from 'socket.io-client';

type Pending =
  | { kind: 'speak'; maxChars: number; purpose: string; timeLimitSec: number }
  | { kind: 'vote'; options: number[]; purpose: string; timeLimitSec: number }
  | { kind: 'beliefs'; targets: number[]; timeLimitSec: number }
  | { kind: 'propose'; min: number; max: number; timeLimitSec: number }
  | { kind: 'choose'; options: string[]; purpose: string; timeLimitSec: number };
type Action =
  | { kind: 'speak'; text: string }
  | { kind: 'vote'; target: number }
  | { kind: 'beliefs'; suspicion: Record<string, number> }
  | { kind: 'propose'; coins: number }
  | { kind: 'choose'; option: string };
interface State {
  sessionId: string;
  version: number;
  seat: number | null;
  names: string[];
  pending: Pending | null;
  deadline: number | null;
  outcome: { summary: string } | null;
}
type Ack = { ok: true; version: number } | { ok: false; code: string; message: string; retryAfterMs?: number };

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: play-any-game.ts <server-url> <seat-token>');
  process.exit(2);
}

function choose(pending: Pending, state: State): Action {
  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];
  switch (pending.kind) {
    case 'speak':
      return { kind: 'speak', text: `${state.names[state.seat ?? 0]} here, thinking it over.`.slice(0, pending.maxChars) };
    case 'vote':
      return { kind: 'vote', target: pick(pending.options) };
    case 'beliefs':
      return { kind: 'beliefs', suspicion: Object.fromEntries(pending.targets.map((seat) => [seat, Math.round(Math.random() * 100)])) };
    case 'propose':
      return { kind: 'propose', coins: Math.round((pending.min + pending.max) / 2) };
    case 'choose':
      return { kind: 'choose', option: pick(pending.options) };
  }
}

const socket = io(url, { auth: { token }, transports: ['websocket'] });
let latest: State | null = null;
let acting = false;
// act only on a state that already includes our previous action
let actFrom = 0;

async function maybeAct(): Promise<void> {
  const state = latest;
  if (!state || acting || !state.pending || state.version < actFrom) return;
  acting = true;
  const action = choose(state.pending, state);
  // one id per decision: resending it after a lost ack can never apply the action twice
  const clientActionId = `v${state.version}-${state.pending.kind}`;
  try {
    let ack: Ack = await socket.timeout(10_000).emitWithAck('act', { action, clientActionId });
    // over the server's per-seat rate limit nothing was recorded: wait as told, send the same act again
    while (!ack.ok && ack.code === 'rate_limited') {
      await new Promise((resolve) => setTimeout(resolve, ack.ok ? 0 : (ack.retryAfterMs ?? 1000)));
      ack = await socket.timeout(10_000).emitWithAck('act', { action, clientActionId });
    }
    if (ack.ok) {
      console.log(`${state.pending.kind}: ${JSON.stringify(action)} (version ${ack.version})`);
      actFrom = ack.version;
    } else {
      console.log(`refused (${ack.code}): ${ack.message}`);
      actFrom = state.version + 1;
    }
  } catch {
    // no ack in time (connection lost?): try again from the next state
    actFrom = state.version + 1;
  } finally {
    acting = false;
  }
  await maybeAct();
}

socket.on('connect_error', (err) => {
  console.error(`cannot connect: ${err.message}`);
  process.exit(1);
});
socket.on('replaced', ({ message }) => {
  console.error(message);
  process.exit(1);
});
socket.on('state', (state: State) => {
  latest = state;
  if (state.outcome) {
    console.log(`Game over: ${state.outcome.summary}`);
    socket.close();
    return;
  }
  void maybeAct();
});
