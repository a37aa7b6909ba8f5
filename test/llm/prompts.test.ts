import { describe, expect, it } from 'vitest';
import { answerForm } from '../../server/llm/answer.ts';
import { prompterFor, TRAITORS_FULL_ROUNDS } from '../../server/llm/prompts/index.ts';
import type { DecisionContext } from '../../shared/engine/agent.ts';
import type { TraitorsView } from '../../shared/games/traitors/view.ts';
import type { TrustSplitSeatView } from '../../shared/games/trust-split/index.ts';
import { contextAt, contextWhere } from './helpers.ts';
import type { Pending } from '../../shared/engine/actions.ts';
import { Match } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { agentRng } from '../../shared/engine/play.ts';
import { RngKey } from '../../shared/engine/rng.ts';
import { traitors, TraitorsConfigSchema, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';

/** The first moment, over a few seeds of the longer "paper" preset, that matches. */
function traitorsContext(match: (view: TraitorsView, ctx: DecisionContext) => boolean, kind: 'vote' | 'speak' | 'beliefs' = 'vote'): DecisionContext {
  for (let seed = 1; seed < 60; seed++) {
    const ctx = contextWhere('traitors', (c) => c.pending.kind === kind && match(c.view as TraitorsView, c), seed, 'paper');
    if (ctx) return ctx;
  }
  throw new Error('no such traitors moment in the seeds tried');
}

function promptOf(ctx: DecisionContext, persona?: string) {
  return prompterFor(ctx.gameId)({ view: ctx.view, seat: ctx.seat, pending: ctx.pending, persona });
}

describe('The Traitors prompts', () => {
  it('tell a faithful player its role and win condition, and nothing of the night', () => {
    const ctx = traitorsContext((v) => v.role === 'faithful' && v.round >= 2);
    const view = ctx.view as TraitorsView;
    const { system, memory, task } = promptOf(ctx);
    expect(system).toContain('## Your role: FAITHFUL');
    expect(system).toContain(`You are seat ${ctx.seat} (${view.names[ctx.seat]})`);
    expect(system).toContain(`${view.traitorCount} players are traitors`);
    expect(system).not.toMatch(/fellow traitors:/i);
    expect(memory).not.toContain('Night, traitors only');
    expect(memory).not.toContain('Night vote');
    expect(task).toMatch(/vote to banish|Revote/);
  });

  it('tell a traitor its fellow traitors and show it the night chat and night votes', () => {
    const ctx = traitorsContext((v) => v.role === 'traitor' && (v.traitorChat?.length ?? 0) > 0 && (v.nightBallots?.length ?? 0) > 0);
    const view = ctx.view as TraitorsView;
    const { system, memory } = promptOf(ctx);
    expect(system).toContain('## Your role: TRAITOR');
    for (const fellow of view.fellowTraitors!) expect(system).toContain(`seat ${fellow} (${view.names[fellow]})`);
    const lastNight = view.traitorChat!.filter((s) => s.round >= view.round - TRAITORS_FULL_ROUNDS + 1 && !s.skipped).at(-1);
    if (lastNight) expect(memory).toContain(JSON.stringify(lastNight.text));
    expect(memory).toContain('Night vote (traitors only)');
  });

  it('name the living faithful to traitors in the night chat', () => {
    const ctx = traitorsContext((_, c) => c.pending.kind === 'speak' && c.pending.channel === 'traitors', 'speak');
    const view = ctx.view as TraitorsView;
    const { task } = promptOf(ctx);
    const listed = [...task.matchAll(/seat (\d+)/g)].map((m) => Number(m[1]));
    const expected = view.alive.flatMap((alive, s) => (alive && s !== ctx.seat && !view.fellowTraitors!.includes(s) ? [s] : []));
    expect(listed).toEqual(expected);
    expect(listed.length).toBeGreaterThan(0);
  });

  it('keep the last rounds in full and summarise older ones to votes and eliminations', () => {
    const ctx = traitorsContext((v) => v.round >= TRAITORS_FULL_ROUNDS + 2);
    const view = ctx.view as TraitorsView;
    const { memory } = promptOf(ctx);
    const oldest = 1;
    const recent = view.round;
    expect(memory).toContain(`Round ${oldest} (summary, statements omitted)`);
    expect(memory).toContain(`### Round ${recent}`);
    const oldStatement = view.statements.find((s) => s.round === oldest && !s.skipped && s.text.length > 20)!;
    const recentStatement = view.statements.find((s) => s.round === recent && !s.skipped)!;
    // (scripted agents reuse template sentences, so check with the speaker attached)
    expect(memory).not.toContain(`(${view.names[oldStatement.seat]}): ${JSON.stringify(oldStatement.text)}`);
    expect(memory).toContain(JSON.stringify(recentStatement.text));
    // the older round's votes are still there
    const oldBallot = view.ballots.find((b) => b.round === oldest)!;
    const v = oldBallot.votes.find((x) => x.target !== null)!;
    expect(memory).toContain(`${view.names[v.seat]} → ${view.names[v.target!]}`);
  });

  it('carry the persona and end with the exact choices', () => {
    const ctx = traitorsContext((v) => v.round >= 1, 'beliefs');
    const { system, task } = promptOf(ctx, 'A nervous accountant who distrusts loud people.');
    expect(system).toContain('## Your persona');
    expect(system).toContain('A nervous accountant');
    expect(task).toContain('0 = surely faithful, 100 = surely a traitor');
    const view = ctx.view as TraitorsView;
    expect(answerForm(ctx.pending, view.names).constraints).toMatch(/^Players to rate: seat \d+ \(/);
  });
});

describe('Trust-and-Split prompts', () => {
  it('explain the reference setup and goal, and give the hand and the running conversation with feedback', () => {
    const ctx = contextAt('trust-split', 'propose', 5, 3);
    const view = ctx.view as TrustSplitSeatView;
    const other = view.names[1 - view.seat];
    const { system, memory, task } = promptOf(ctx);
    expect(system).toContain('values each coin at 10 points');
    expect(system).toContain('maximise your total points');
    expect(system).toContain(`against one other player, ${other}`);
    expect(memory).toContain(`Your hand is ${view.hand}.`);
    expect(task).toContain(`Your hand is ${view.hand}`);
    expect(view.history.length).toBeGreaterThan(0);
    for (const record of view.history) {
      expect(memory).toContain(`Feedback: ${other} had the ${record.otherPosition} hand and proposed ${record.otherProposal} coin`);
    }
    for (const m of view.messages.filter((x) => !x.timedOut && x.text)) expect(memory).toContain(JSON.stringify(m.text));
    // reference feedback shows no points
    expect(memory).not.toContain('Points so far');
  });

  it('ask for a message with its number in the round', () => {
    const ctx = contextAt('trust-split', 'speak', 5, 0);
    const { task } = promptOf(ctx);
    expect(task).toMatch(/your message 1 of 1 this round/);
  });
});

describe('The Traitors prompts with recruitment', () => {
  /** The offer to the first seat offered in a scripted `paper` game with recruitment (refusal murdered). */
  type Moment = { view: TraitorsView; pending: Pending; seat: number };
  function offerMoment(): Moment & { recruitVote: Moment } {
    for (let seed = 1; seed < 60; seed++) {
      const cfg = TraitorsConfigSchema.parse({ ...traitors.presets.paper, recruitment: { refusal: 'murdered' } });
      const match = Match.start<TraitorsState, TraitorsEvent>(traitors, cfg, seed, pickNames(cfg.players, seed));
      const key = RngKey.fromSeed(seed);
      let recruitVote: Moment | null = null;
      for (let step = 0; !match.isOver && step < 5000; step++) {
        for (const [seat, pending] of match.pendingRequests()) {
          const view = traitors.view(match.state, seat);
          if (pending.kind === 'vote' && pending.purpose === 'recruit') recruitVote ??= { view, pending, seat };
          if (pending.kind === 'choose' && recruitVote) return { view, pending, seat, recruitVote };
        }
        const decided = match.pendingRequests().map(([seat, pending]) => [seat, traitors.agents[traitors.scriptedAgentFor(match.state, seat)]({ seat, view: traitors.view(match.state, seat), pending, rng: agentRng(key, seat, step) })] as const);
        for (const [seat, action] of decided) match.submit(seat, action);
      }
    }
    throw new Error('no offer in the seeds tried');
  }

  it('put the offer to the offered seat as accept/refuse with the cost of refusing, naming no traitor; the traitors choose whom to offer', () => {
    const { view, pending, seat, recruitVote } = offerMoment();
    const { system, task } = prompterFor('traitors')({ view, seat, pending });
    expect(system).toContain('## Your role: FAITHFUL');
    expect(task).toMatch(/offer you a place among them/);
    expect(task).toContain('the traitors murder you tonight');
    expect(task).toContain('"accept" or "refuse"');
    expect(answerForm(pending, view.names).constraints).toBe('Choices: accept, refuse.');
    const recruiter = prompterFor('traitors')({ view: recruitVote.view, seat: recruitVote.seat, pending: recruitVote.pending });
    expect(recruiter.task).toMatch(/offer to join them \(instead of a murder tonight\)/);
    // the rule itself is public: every seat's rules say it, with what refusing costs at this table
    for (const rules of [system, recruiter.system]) {
      expect(rules).toContain('they may instead offer one faithful player a place among them');
      expect(rules).toContain('refuses and is murdered that night');
    }
  });

  it('say nothing of recruitment where the table does not play it', () => {
    const ctx = traitorsContext((v) => v.role === 'faithful');
    expect((ctx.view as TraitorsView).recruitmentRule).toBeNull();
    expect(promptOf(ctx).system).not.toMatch(/place among them|recruit/i);
  });
});
