import { STAGES, type ArmFunnel, type ParticipantOutcome, type Stage } from '../../shared/protocol/study.ts';

/** What the funnel reads of a participant. */
export interface FunnelParticipant {
  arm: string;
  stage: Stage;
  outcome: ParticipantOutcome | null;
}

const order = (stage: Stage) => STAGES.indexOf(stage);

/**
 * The funnel per arm (in the study's arm order; participants of an arm no longer in the file are
 * left out). Every participant at `done` passed consent; only a failed quiz ends before the waiting
 * room, so reaching it means the quiz was passed (or there was none); only the survey gives the
 * outcome `completed`, so a completed participant reached the survey.
 */
export function studyFunnel(armNames: readonly string[], participants: readonly FunnelParticipant[]): ArmFunnel[] {
  const byArm = new Map<string, ArmFunnel>();
  for (const arm of armNames) {
    byArm.set(arm, { arm, arrived: 0, consented: 0, quizPassed: 0, quizFailed: 0, waiting: 0, playing: 0, surveyed: 0, completed: 0, noGroup: 0, dropped: 0 });
  }
  for (const p of participants) {
    const row = byArm.get(p.arm);
    if (!row) continue;
    row.arrived++;
    if (order(p.stage) > order('consent')) row.consented++;
    if (p.outcome === 'failed_quiz') row.quizFailed++;
    else if (order(p.stage) >= order('waiting')) row.quizPassed++;
    if (p.stage === 'waiting') row.waiting++;
    if (p.stage === 'game') row.playing++;
    if (p.stage === 'survey' || p.outcome === 'completed') row.surveyed++;
    if (p.outcome === 'completed') row.completed++;
    if (p.outcome === 'no_group') row.noGroup++;
    if (p.outcome === 'dropped') row.dropped++;
  }
  return [...byArm.values()];
}
