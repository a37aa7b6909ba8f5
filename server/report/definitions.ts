/**
 * What each headline metric measures, in one sentence, for the reports' metric tables. The
 * functions that compute them (shared/games/<game>/metrics.ts) are the reference; these are the
 * same definitions in words. An unknown key gets no definition rather than a guess.
 */
const TRAITORS: ReadonlyMap<string, string> = new Map([
  ['winner', 'The side that won.'],
  ['rounds', 'Rounds played.'],
  ['faithfulWin', '1 when the faithful won, 0 when the traitors did.'],
  ['TAS', 'Traitor agreement: per night, the share of traitor votes cast on the most-voted victim; mean over nights.'],
  ['FAS', 'Faithful agreement: per round table, the share of faithful votes cast on the faithful’s most-voted target; mean over rounds.'],
  ['FCR', 'Faithful correctness rate: per round table, the share of faithful votes that target a traitor; mean over rounds.'],
  ['faithfulAccuracy', 'The same share as FCR, pooled over all faithful votes of the game.'],
  ['TSR', 'Traitor survival rate: the share of traitors still in the game at the end.'],
  ['FSR', 'Faithful survival rate: the share of faithful still in the game at the end.'],
  ['DES_night', 'Deception success, night: the share of nights whose murder had every living traitor’s vote.'],
  ['DES_banish', 'Deception success, day: the share of round tables where a faithful was banished with every living traitor voting for them.'],
  ['BRR', 'Betrayal recognition rate: of faithful votes on a traitor, the share not on the faithful’s most-voted target (a lone accuser); mean over rounds.'],
  ['VSF', 'Vote switching frequency: per player, the share of round-table votes that differ from their previous vote; mean over players.'],
  ['TNS', 'Target consistency: 1 − VSF.'],
  ['brier', 'Brier score of the faithful’s suspicions (0–1) against the true roles; lower is better.'],
  ['auc', 'How well the faithful’s suspicions rank traitors above faithful (0.5 = chance, 1 = perfect).'],
]);

const TRUST_SPLIT: ReadonlyMap<string, string> = new Map([
  ['rounds', 'Rounds played.'],
  ['points0', 'Total points of the first seat.'],
  ['points1', 'Total points of the second seat.'],
  ['pointsPerRound0', 'Points per round of the first seat.'],
  ['pointsPerRound1', 'Points per round of the second seat.'],
  ['welfarePerRound', 'Joint welfare: both seats’ points together, per round.'],
  ['splitEfficiency', 'Per round, joint welfare as a share of the most possible (every coin at the upper value); mean over rounds.'],
  ['welfareOptimalRate', 'The share of rounds where the upper hand received every coin (the most welfare possible).'],
  ['exploitationRate', 'The share of rounds where the lower hand received more coins than the upper hand.'],
  ['meanProposalUpper', 'Mean coins asked while holding the upper hand.'],
  ['meanProposalLower', 'Mean coins asked while holding the lower hand.'],
  ['claimRate', 'The share of seat-rounds in which the seat claimed its own hand.'],
  ['claimRate0', 'claimRate of the first seat.'],
  ['claimRate1', 'claimRate of the second seat.'],
  ['lieRate', 'Of the hand claims, the share with a false part.'],
  ['lieRate0', 'lieRate of the first seat.'],
  ['lieRate1', 'lieRate of the second seat.'],
  ['believedLieRate', 'Of the lies, the share that paid: the liar received more coins than its hand warranted (all for the upper hand, none for the lower).'],
  ['proposalCorrelation', 'Pearson r between the other’s proposal in one round and one’s own in the next (reciprocity).'],
  ['grabAfterGrab', 'P(asking for coins with the lower hand | the other did so in the round before).'],
  ['grabAfterConcession', 'P(asking for coins with the lower hand | the other conceded 0 with the lower hand in the round before).'],
  ['grabReciprocity', 'grabAfterGrab − grabAfterConcession.'],
  ['grabReciprocity0', 'grabReciprocity of the first seat’s own responses.'],
  ['grabReciprocity1', 'grabReciprocity of the second seat’s own responses.'],
  ['timeouts', 'Actions the deadline decided (the rule’s default was applied).'],
]);

/** The definition of `key` for `gameId`, or '' when there is none to give. */
export function metricDefinition(gameId: string, key: string): string {
  const table = gameId === 'traitors' ? TRAITORS : gameId === 'trust-split' ? TRUST_SPLIT : null;
  return table?.get(key) ?? '';
}
