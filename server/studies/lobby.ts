import { randomInt } from 'node:crypto';
import type { ParticipantState } from '../../shared/protocol/study.ts';
import type { SeatSpec } from '../../shared/protocol/index.ts';
import { BadRequest, type Sessions } from '../sessions.ts';
import type { StudyFlow, WaitingRoom } from './flow.ts';
import type { Leases, ParticipantRecord, StudyRecord, StudyStore } from '../store/index.ts';

/** A waiting participant counts as present if it polled within this long (it polls every 2 s). */
export const PRESENT_MS = 6000;

/** The lease (in the sessions' lease table) of the one process that runs the waiting room's tick. */
export const TICK_LEASE = 'parley:study-lobby';

/** Several processes on one database: only the holder of TICK_LEASE ticks. */
export interface TickLease {
  leases: Leases;
  /** this process's id in the leases table */
  owner: string;
  ttlMs: number;
}

export interface LobbyOptions {
  studies: StudyStore;
  sessions: Sessions;
  flow: () => StudyFlow;
  now: () => number;
  log: (message: string) => void;
  /** agents' fixed pacing in disclosed arms (ms, like quick play) */
  agentDelayMs: number;
  /** blind arms' human pacing and minimum wait: 1 = real time, 0 = none (tests) */
  humanPacingScale: number;
  /** how often the waiting room is checked (timeouts, finished games) */
  tickMs?: number;
  /** a waiting participant is present if it polled within this long (default PRESENT_MS) */
  presentMs?: number;
  /** with several processes on one database: tick only while holding this lease */
  tickLease?: TickLease;
}

/**
 * The waiting room: who is present (polled in the last 6 s), and forming tables first come, first
 * served within an arm as soon as enough present humans wait — through Sessions.create with the
 * arm's config and seats, human seats labelled with the participant id. After the longest wait the
 * arm's rule applies: `agents` starts a table with agents in the missing human seats, `no_group`
 * sends the participant to completion with the show-up fee. Every second it also moves
 * participants whose game has ended on to the survey.
 *
 * Several processes may share the database: presence is in the store, every match runs under the
 * study's cross-process lock (StudyStore.exclusive), and one process at a time (the holder of
 * TICK_LEASE) runs the tick; any process still forms tables at once when one of its participants
 * arrives or polls.
 */
export class Lobby implements WaitingRoom {
  private timer: NodeJS.Timeout | null = null;
  private kicked = false;
  private stopped = false;
  /** lobby work under way (a tick, a kicked match), for stop() to wait for */
  private readonly running = new Set<Promise<void>>();
  private ticks = 0;

  constructor(private readonly options: LobbyOptions) {}

  start(): void {
    // the next tick is scheduled when this one has finished, so a slow store never piles ticks up
    const tick = () => {
      void this.track(() => this.tick()).finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.options.tickMs ?? 1000);
      });
    };
    this.stopped = false;
    this.timer = setTimeout(tick, this.options.tickMs ?? 1000);
  }

  /** Stop ticking; resolves when the lobby work under way has finished (before the store closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.running]);
    // another process ticks at once instead of after the lease runs out
    const lease = this.options.tickLease;
    if (lease) await lease.leases.release(TICK_LEASE, lease.owner).catch(() => undefined);
  }

  /** Run lobby work in the background: counted for stop(), its failure logged (it fails alone). */
  private track(work: () => Promise<void>): Promise<void> {
    const running = work().catch((err: unknown) => this.options.log(`study lobby: ${err instanceof Error ? err.stack : String(err)}`));
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
    return running;
  }

  seen(token: string): Promise<void> {
    return this.options.studies.markSeen(token, this.options.now());
  }

  /** Which of these participants polled (or acted) recently enough to be seated now. */
  async present(participants: readonly ParticipantRecord[], now = this.options.now()): Promise<Set<string>> {
    const seen = await this.options.studies.lastSeen(participants.map((p) => p.token));
    const within = this.options.presentMs ?? PRESENT_MS;
    return new Set([...seen].filter(([, at]) => now - at <= within).map(([token]) => token));
  }

  /** Form tables soon (after the current request has answered). */
  kick(): void {
    if (this.kicked || this.stopped) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      if (!this.stopped) void this.track(() => this.match());
    });
  }

  minWaitMs(study: StudyRecord, armName: string): number {
    const arm = study.definition.arms.find((a) => a.name === armName);
    if (arm?.disclosure !== 'blind') return 0;
    // a blind table should not form suspiciously fast: a human-looking wait, lognormal around 12 s,
    // never more than half the longest wait
    const u1 = randomInt(1, 1_000_000) / 1_000_000;
    const u2 = randomInt(0, 1_000_000) / 1_000_000;
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    const ms = Math.min(12_000 * Math.exp(0.5 * z), (study.definition.timings.maxWaitSec * 1000) / 2);
    return Math.round(ms * this.options.humanPacingScale);
  }

  async waitingInfo(study: StudyRecord, p: ParticipantRecord): Promise<NonNullable<ParticipantState['waiting']>> {
    const now = this.options.now();
    const arm = this.options.flow().resolvedArm(study, p.arm);
    const others = (await this.options.studies.participantsAtStage('waiting', p.studyId)).filter((o) => o.arm === p.arm && o.token !== p.token);
    const present = (await this.present(others, now)).size + 1;
    const seats = arm.humans + arm.agents.length;
    // a blind arm must not tell how many of the seats are people: it waits for "the table"
    const humansNeeded = arm.disclosure === 'blind' ? Math.max(1, seats - present) : Math.max(0, arm.humans - present);
    return {
      humansNeeded,
      humansPresent: present,
      waitedSec: Math.max(0, Math.floor((now - (p.waitingSince ?? now)) / 1000)),
      maxWaitSec: study.definition.timings.maxWaitSec,
    };
  }

  async tick(): Promise<void> {
    const lease = this.options.tickLease;
    // taken, or kept (an acquire by its holder renews it); another process ticks meanwhile
    if (lease && !(await lease.leases.acquire(TICK_LEASE, lease.owner, lease.ttlMs))) return;
    this.ticks++;
    await this.match();
    // games that ended move their participants on
    const flow = this.options.flow();
    const playing = new Set((await this.options.studies.participantsAtStage('game')).map((p) => p.studyId));
    for (const studyId of playing) {
      try {
        await flow.syncGames(studyId);
      } catch (err) {
        this.options.log(`study ${studyId}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // forget participants not seen for a minute
    if (this.ticks % 60 === 0) await this.options.studies.forgetSeen(this.options.now() - 60_000);
  }

  /** Form every table that can form now, and apply the timeout rules. */
  async match(): Promise<void> {
    const studyIds = new Set((await this.options.studies.participantsAtStage('waiting')).map((p) => p.studyId));
    for (const studyId of studyIds) {
      // one study's failure (a read that failed) leaves the others' waiting rooms going
      try {
        await this.options.flow().exclusive(studyId, () => this.matchStudy(studyId));
      } catch (err) {
        this.options.log(`study ${studyId}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** One study's waiting room, read and matched inside the study's queue, so nobody is seated twice. */
  private async matchStudy(studyId: string): Promise<void> {
    const { studies } = this.options;
    const study = await studies.study(studyId);
    if (!study) return;
    const now = this.options.now();
    // oldest wait first: the store's order
    const waiting = await studies.participantsAtStage('waiting', studyId);
    // who is present, read once for the whole study
    const here = await this.present(waiting, now);
    const byArm = new Map<string, ParticipantRecord[]>();
    for (const p of waiting) {
      const list = byArm.get(p.arm);
      if (list) list.push(p);
      else byArm.set(p.arm, [p]);
    }
    for (const [armName, armWaiting] of byArm) {
      try {
        await this.matchArm(study, armName, armWaiting, here, now);
      } catch (err) {
        this.options.log(`study ${studyId} arm ${armName}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private async matchArm(study: StudyRecord, armName: string, waiting: ParticipantRecord[], here: ReadonlySet<string>, now: number): Promise<void> {
    const arm = this.options.flow().resolvedArm(study, armName);
    const maxWaitMs = study.definition.timings.maxWaitSec * 1000;
    // first come, first served: oldest wait first (the store's order)
    const present = waiting.filter((p) => here.has(p.token));
    const ready = present.filter((p) => now - (p.waitingSince ?? now) >= p.minWaitMs);
    while (ready.length >= arm.humans) {
      const group = ready.splice(0, arm.humans);
      for (const p of group) present.splice(present.indexOf(p), 1);
      await this.formTable(study, armName, group, 0);
    }
    for (let i = 0; i < present.length; i++) {
      const p = present[i];
      if (now - (p.waitingSince ?? now) < maxWaitMs) continue;
      if (arm.onTimeout === 'no_group') {
        present.splice(i--, 1);
        await this.options.flow().finish(study, p, 'no_group', [{ type: 'wait_timeout', data: { rule: 'no_group', waitedSec: Math.round((now - (p.waitingSince ?? now)) / 1000) } }]);
        continue;
      }
      // agents: this participant and whoever else is present, FCFS, the missing human seats filled by agents
      const group = present.splice(0, Math.min(arm.humans, present.length));
      await this.formTable(study, armName, group, arm.humans - group.length);
      i = -1;
    }
  }

  private async formTable(study: StudyRecord, armName: string, group: ParticipantRecord[], agentFilled: number): Promise<void> {
    const def = study.definition;
    const arm = this.options.flow().resolvedArm(study, armName);
    const blind = arm.disclosure === 'blind';
    const seats: (SeatSpec & { participant?: ParticipantRecord })[] = [
      ...group.map((p) => ({ kind: 'human' as const, label: p.participantId, participant: p })),
      ...Array.from({ length: agentFilled }, () => ({ kind: 'agent' as const, agent: 'scripted' })),
      ...arm.agents.map((agent) => ({ kind: 'agent' as const, agent })),
    ];
    // where people sit is drawn at random, so a seat number says nothing about who holds it
    for (let i = seats.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [seats[i], seats[j]] = [seats[j], seats[i]];
    }
    let record;
    try {
      record = await this.options.sessions.create(
        {
          game: def.game,
          preset: def.preset,
          config: arm.configOverrides,
          seats: seats.map(({ participant: _p, ...spec }) => spec as SeatSpec),
          takeoverAfterSec: def.timings.dropAfterSec,
          takeoverAgent: 'scripted',
          agentDelayMs: blind ? Math.round(1000 * this.options.humanPacingScale) : this.options.agentDelayMs,
          revealAgents: !blind,
          ...(blind ? { agentPacing: 'human' as const, maskPresence: true } : {}),
        },
        { quickplay: false },
      );
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      // the arm cannot start a table here (e.g. an LLM agent this server has no provider for):
      // nobody is left waiting for a table that can never form; they go home with the show-up fee
      this.options.log(`study ${study.id} arm ${armName}: cannot start a table: ${err.message}`);
      for (const p of group) {
        await this.options.flow().finish(study, p, 'no_group', [{ type: 'table_failed', data: { message: err.message } }]);
      }
      return;
    }
    const now = this.options.now();
    const changes = seats.flatMap((spec, seat) => {
      const p = spec.participant;
      if (!p) return [];
      const waitedSec = Math.round((now - (p.waitingSince ?? now)) / 1000);
      return [
        {
          participant: { ...p, stage: 'game' as const, sessionId: record.id, seat, seatToken: record.seats[seat].token, updatedAt: now },
          events: [
            { type: 'seated', data: { sessionId: record.id, seat, waitedSec, agentFilled } },
            { type: 'stage', data: { from: 'waiting', to: 'game' } },
          ],
        },
      ];
    });
    await this.options.studies.commit(changes, now, {
      studyId: study.id,
      arm: armName,
      sessionId: record.id,
      createdAt: now,
      seats: seats.map((s) => s.participant?.participantId ?? null),
      agentFilled,
    });
  }
}
