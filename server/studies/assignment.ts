import { randomInt } from 'node:crypto';
import type { StudyDefinition } from '../../shared/study/definition.ts';

/** How many participants each arm has, and how many tables it has started. */
export interface ArmCounts {
  assigned: ReadonlyMap<string, number>;
  tablesStarted: ReadonlyMap<string, number>;
}

/** Counts per arm of the given participants and tables (each names its arm). */
export function countArms(participants: readonly { arm: string }[], tables: readonly { arm: string }[]): ArmCounts {
  const assigned = new Map<string, number>();
  for (const p of participants) assigned.set(p.arm, (assigned.get(p.arm) ?? 0) + 1);
  const tablesStarted = new Map<string, number>();
  for (const t of tables) tablesStarted.set(t.arm, (tablesStarted.get(t.arm) ?? 0) + 1);
  return { assigned, tablesStarted };
}

/** An arm is open while it has started fewer tables than its target. */
export function armOpen(arm: StudyDefinition['arms'][number], counts: ArmCounts): boolean {
  return (counts.tablesStarted.get(arm.name) ?? 0) < arm.tablesTarget;
}

/**
 * The arm of a new participant, or null when every arm is closed.
 * `balanced`: the open arm with the fewest participants assigned so far, ties by the arms' order in
 * the file. `random`: uniformly among the open arms, drawn with crypto (unpredictable to participants).
 */
export function chooseArm(def: StudyDefinition, counts: ArmCounts, draw: (n: number) => number = randomInt): string | null {
  const open = def.arms.filter((arm) => armOpen(arm, counts));
  if (!open.length) return null;
  if (def.assignment === 'random') return open[draw(open.length)].name;
  let best = open[0];
  for (const arm of open) if ((counts.assigned.get(arm.name) ?? 0) < (counts.assigned.get(best.name) ?? 0)) best = arm;
  return best.name;
}
