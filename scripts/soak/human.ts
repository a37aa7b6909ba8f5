import { io, type Socket } from 'socket.io-client';
import type { Action, Pending } from '../../shared/engine/actions.ts';
import type { Ack, ClientToServerEvents, ServerToClientEvents, StatePayload } from '../../shared/protocol/index.ts';
import { between, GAME_RULE_CODES, type Counters } from './counters.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What people type: plain talk, claims, emoji, and words that once broke plain-object lookups. */
const LINES = [
  'Hi all, good luck!',
  'I have been watching closely and I trust my instincts.',
  'I have rock, honestly.',
  "I'm the lower hand this round, let's split fairly.",
  'Take 5, I take 5?',
  'constructor',
  'toString hasOwnProperty __proto__',
  'Nobody suspicious so far 🤔',
  'Trust me 🙂👍',
  '=1+1 is not a formula here',
  'Who voted for me last round?',
  'ok',
];

export interface HumanDeps {
  url: string;
  counters: Counters;
  rand: () => number;
  /** think time before answering a request, seconds */
  thinkSec: [number, number];
  /** chance per answer of also saying something out of turn (a rule rejection the server must answer) */
  chatChance: number;
  /** the soak is ending: no reconnects, no new acts */
  stopping: () => boolean;
}

/** Every finished game a human has seen, once per session. */
export type FinishedListener = (human: Human, sessionId: string) => void;

const ACK_TIMEOUT_MS = 30_000;
const CONNECT_TRIES = 8;

/**
 * A person at human pace over one Socket.io connection: answers what the server asks after a few
 * seconds' thought, sometimes talks out of turn, reconnects when dropped. Cheap enough to run a
 * thousand in one process: one socket, one timer, no per-state allocations beyond the payload.
 */
export class Human {
  private socket: ClientSocket | null = null;
  private latest: StatePayload | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** act only on a state at least this new (one that includes our last accepted action) */
  private actFrom = 0;
  private actions = 0;
  private finishedSession: string | null = null;
  /** ends the connection attempt in flight (open), if any */
  private settleOpen: ((result: string) => void) | null = null;
  token: string | null = null;
  onFinished: FinishedListener | null = null;

  constructor(readonly id: number, private readonly deps: HumanDeps) {}

  get connected(): boolean {
    return Boolean(this.socket?.connected);
  }

  /** Take a seat (leaving any previous one); resolves once the seat's first state arrived. */
  join(token: string): Promise<boolean> {
    this.leave();
    this.token = token;
    this.actFrom = 0;
    this.finishedSession = null;
    return this.connect();
  }

  /** Drop the connection on purpose (a reconnect storm); the seat stays ours. */
  drop(): void {
    this.closeSocket();
  }

  /** Come back to the same seat after a drop. */
  rejoin(): Promise<boolean> {
    return this.token ? this.connect() : Promise.resolve(false);
  }

  /** Leave the seat for good. */
  leave(): void {
    this.closeSocket();
    this.token = null;
  }

  private closeSocket(): void {
    // a connection attempt still waiting for its first state ends now (a join or leave superseded it)
    this.settleOpen?.('superseded');
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    this.latest = null;
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
  }

  private async connect(): Promise<boolean> {
    for (let attempt = 1; attempt <= CONNECT_TRIES; attempt++) {
      const token = this.token;
      if (!token || this.deps.stopping()) return false;
      const result = await this.open(token);
      if (result === 'ok') return true;
      // the table moved this player to a new seat (join) while it reconnected: it is seated; or it left
      if (result === 'superseded') return this.token !== null;
      if (result !== 'rate_limited' && result !== 'timeout') {
        this.deps.counters.error(`connect:${result}`);
        return false;
      }
      await sleep(between(this.deps.rand, 300, 1500) * attempt);
    }
    this.deps.counters.error('connect:gave_up');
    return false;
  }

  /** One connection attempt: 'ok' on the first state, else the refusal's code. */
  private open(token: string): Promise<string> {
    this.closeSocket();
    const socket: ClientSocket = io(this.deps.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket = socket;
    return new Promise((resolve) => {
      const finish = (result: string) => {
        clearTimeout(timer);
        if (this.settleOpen === finish) this.settleOpen = null;
        resolve(result);
      };
      this.settleOpen = finish;
      const timer = setTimeout(() => {
        finish('timeout');
        if (this.socket === socket) this.closeSocket();
      }, 30_000);
      socket.once('connect_error', (err) => {
        finish(err.message.split(':')[0] || 'connect_error');
        if (this.socket === socket) this.closeSocket();
      });
      socket.on('state', (state) => {
        if (this.socket !== socket) return;
        finish('ok');
        this.onState(state);
      });
      socket.on('replaced', () => this.deps.counters.error('replaced'));
      socket.on('disconnect', (reason) => {
        if (this.socket !== socket || this.deps.stopping()) return;
        // the server closed us (we never are replaced or kicked in a soak): count it and come back
        this.deps.counters.error(`disconnect:${reason}`);
        this.closeSocket();
        if (!this.deps.stopping()) void sleep(between(this.deps.rand, 1000, 3000)).then(() => this.socket === null && this.token === token && this.connect());
      });
    });
  }

  private onState(state: StatePayload): void {
    this.latest = state;
    if (state.outcome !== null || state.status !== 'active') {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (this.finishedSession !== state.sessionId) {
        this.finishedSession = state.sessionId;
        this.onFinished?.(this, state.sessionId);
      }
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    const state = this.latest;
    if (this.busy || this.timer || !state?.pending || state.version < this.actFrom || this.deps.stopping()) return;
    const [min, max] = this.deps.thinkSec;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.answer();
    }, between(this.deps.rand, min, max) * 1000);
  }

  private async answer(): Promise<void> {
    const state = this.latest;
    const socket = this.socket;
    if (!state?.pending || state.version < this.actFrom || !socket?.connected || state.seat === null || this.deps.stopping()) return;
    this.busy = true;
    try {
      if (state.pending.kind !== 'speak' && this.deps.rand() < this.deps.chatChance) {
        await this.send(socket, { kind: 'speak', text: this.line(280) });
      }
      const ack = await this.send(socket, this.decide(state.pending, state.seat));
      if (ack?.ok) this.actFrom = ack.version;
      else this.actFrom = state.version + 1;
    } finally {
      this.busy = false;
    }
    this.schedule();
  }

  /** Send one act and classify its answer; null when none came. */
  private async send(socket: ClientSocket, action: Action): Promise<Ack | null> {
    const { counters } = this.deps;
    counters.acts++;
    const sentAt = performance.now();
    let ack: Ack;
    try {
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('act', { action, clientActionId: `h${this.id}-${++this.actions}` })) as Ack;
    } catch {
      // a storm or the end of the soak closed the socket under us: not the server's fault
      if (socket.connected) counters.error('ack:timeout');
      return null;
    }
    counters.latency(performance.now() - sentAt);
    if (ack.ok) counters.actsOk++;
    else if (GAME_RULE_CODES.has(ack.code)) counters.ruleRejections++;
    else counters.error(`ack:${ack.code}`);
    return ack;
  }

  private line(maxChars: number): string {
    const text = LINES[Math.floor(this.deps.rand() * LINES.length)];
    return Array.from(text).slice(0, maxChars).join('');
  }

  private decide(pending: Pending, seat: number): Action {
    const rand = this.deps.rand;
    switch (pending.kind) {
      case 'speak':
        return { kind: 'speak', text: this.line(pending.maxChars) };
      case 'vote':
        return { kind: 'vote', target: pending.options[Math.floor(rand() * pending.options.length)] ?? seat };
      case 'beliefs':
        return { kind: 'beliefs', suspicion: Object.fromEntries(pending.targets.map((t) => [String(t), Math.round(rand() * 100)])) };
      case 'propose':
        return { kind: 'propose', coins: pending.min + Math.floor(rand() * (pending.max - pending.min + 1)) };
      case 'choose':
        return { kind: 'choose', option: pending.options[Math.floor(rand() * pending.options.length)] };
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
