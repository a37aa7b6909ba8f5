/**
 * The papers' experiments as data: what each one plays (game, preset, seats, arms, number of
 * games) and the figures the paper published, each with where it was read. `npm run reproduce`
 * (server/reproduce/run.ts) plays them through the simulator and puts Parley's measurements
 * next to these figures. A figure we could not source is listed under `unsourced`, never guessed.
 */

/** The Traitors preset that plays the reference implementation's game loop. */
export const TRAITORS_REFERENCE_PRESET = 'reference';

/** Where a published figure or a design fact was read. */
export interface Source {
  id: string;
  /** the document and the place in it (table, figure, section, page) */
  where: string;
  url: string;
  /** primary: the paper itself; secondary: someone else's summary of it; code: the reference code */
  kind: 'primary' | 'secondary' | 'code';
}

export interface PublishedFigure {
  /** the condition the paper reports it for (a model, a pairing) */
  condition: string;
  /** the headline metric it corresponds to in Parley (shared/games/<game>/metrics.ts) */
  metric: string;
  value: number;
  source: string;
  note?: string;
}

/** What plays the seats of one arm: the model under study (an LLM spec or a scripted stand-in), and any fixed opponents. */
export interface ModelSeat {
  /** an --agents entry: a scripted name, or an LLM spec object */
  agent: string | Record<string, unknown>;
  /** how the report names it */
  label: string;
}

export interface Arm {
  id: string;
  label: string;
  /** the simulator's --agents for this arm (a JSON array of per-seat entries, or one entry for every seat) */
  agents: string;
}

export interface MetricRow {
  key: string;
  label: string;
  /** the values' possible range (rates: [0, 1]); the interval is cut to it */
  range?: readonly [number, number];
}

const RATE = [0, 1] as const;

export interface Experiment {
  id: string;
  title: string;
  paper: { arxiv: string; title: string; authors: string };
  game: 'traitors' | 'trust-split';
  preset: string;
  /** games per arm: the paper's number where it states one */
  games: number;
  /** why `games` is what it is */
  gamesNote: string;
  /** the design in a few sentences, each fact with its source id in brackets */
  design: string[];
  /** the arms for the given model seats (one per model for the Traitors; one per opponent for Trust-and-Split) */
  arms(models: readonly ModelSeat[]): Arm[];
  /** the scripted stand-in for the model when no model is given (`--agents scripted`) */
  scriptedModel: ModelSeat;
  metrics: MetricRow[];
  published: PublishedFigure[];
  /** figures the paper reports that we could not find in a source we could read */
  unsourced: string[];
  sources: Source[];
}

const traitors: Experiment = {
  id: 'traitors-2505.12923',
  title: 'The Traitors: deception and trust among LLM agents',
  paper: { arxiv: '2505.12923', title: 'The Traitors: Deception and Trust in Multi-Agent Language Model Simulations', authors: 'Pedro M. P. Curvo' },
  game: 'traitors',
  preset: TRAITORS_REFERENCE_PRESET,
  games: 10,
  gamesNote: '10 runs per model as the paper [T1]',
  design: [
    'Models: DeepSeek-V3, GPT-4o-mini and GPT-4o, 10 runs per model [T1]; every seat of a run plays the same model (one arm per `--model`).',
    '10 players, 3 traitors: the reference code\'s defaults (`agent_count=10, traitor_count=3`) [T3]; Parley\'s preset `' + TRAITORS_REFERENCE_PRESET + '` (the reference loop\'s rules: see docs/games/traitors.md).',
    'LLM seats read the reference prompt set (`"prompts": "reference"` in their agent spec).',
    'votes.csv is written in the reference form (`--votes-format reference`), so the reference metrics script can read every game folder.',
  ],
  arms: (models) => models.map((m, i) => ({ id: `model-${i + 1}`, label: m.label, agents: typeof m.agent === 'string' ? m.agent : JSON.stringify(m.agent) })),
  scriptedModel: { agent: 'scripted', label: 'scripted (sleuth / schemer)' },
  metrics: [
    { key: 'faithfulWinRate', label: 'Faithful win rate', range: RATE },
    { key: 'rounds', label: 'Rounds' },
    { key: 'TSR', label: 'Traitor survival rate (TSR)', range: RATE },
    { key: 'FSR', label: 'Faithful survival rate (FSR)', range: RATE },
    { key: 'TAS', label: 'Traitor agreement (TAS)', range: RATE },
    { key: 'FAS', label: 'Faithful agreement (FAS)', range: RATE },
    { key: 'FCR', label: 'Faithful correctness (FCR)', range: RATE },
    { key: 'DES_night', label: 'Deception success, night (DES_night)', range: RATE },
    { key: 'DES_banish', label: 'Deception success, day (DES_banish)', range: RATE },
    { key: 'BRR', label: 'Betrayal recognition (BRR)', range: RATE },
    { key: 'VSF', label: 'Vote switching (VSF)', range: RATE },
  ],
  published: [
    { condition: 'GPT-4o', metric: 'TSR', value: 0.93, source: 'T2' },
    { condition: 'GPT-4o', metric: 'FCR', value: 0.1, source: 'T2' },
    { condition: 'GPT-4o', metric: 'TAS', value: 1, source: 'T2', note: '"all models achieve perfect traitor agreement"' },
    { condition: 'GPT-4o-mini', metric: 'TAS', value: 1, source: 'T2' },
    { condition: 'DeepSeek-V3', metric: 'TAS', value: 1, source: 'T2' },
  ],
  unsourced: [
    'The paper\'s per-model results table (every metric for DeepSeek-V3, GPT-4o-mini and GPT-4o): only its abstract [T1] and a secondary summary [T2] were readable here, so its table number and page are not given and its other cells are not transcribed.',
    'Whether the paper\'s figures are the reference script\'s numbers (its FCR counts an invalid vote as a wrong one; docs/study-data.md); Parley\'s FCR leaves abstentions out.',
  ],
  sources: [
    { id: 'T1', where: 'arXiv 2505.12923v1, abstract (page 1)', url: 'https://arxiv.org/abs/2505.12923v1', kind: 'primary' },
    { id: 'T2', where: 'a secondary summary of the paper (ai-research-survey scan, "key_findings"); the paper\'s own table/page not verified', url: 'https://git.shiptheloop.com/ai-research-survey/file/papers/traitors-deception-trust-2025/scan.json.html', kind: 'secondary' },
    { id: 'T3', where: 'reference code, src/traitors_game.py, TraitorsGame.__init__ defaults', url: 'https://github.com/pedrocurvo/TheTraitors', kind: 'code' },
  ],
};

const trustSplit: Experiment = {
  id: 'trust-split-2511.19405',
  title: 'Trust-and-Split: robust social strategies',
  paper: { arxiv: '2511.19405', title: 'Learning Robust Social Strategies with Large Language Models', authors: 'Piche, Muqeeth, Aghajohari, Duque, Noukhovitch, Courville' },
  game: 'trust-split',
  preset: 'paper',
  games: 32,
  gamesNote: 'Parley\'s choice: the number of evaluation games per pairing was not found in a readable source',
  design: [
    'Trust-and-Split on the TAS-RPS hands, two players, 10 coins a round, upper hand values a coin at 10 and the lower at 1, 10 rounds: Parley\'s `paper` preset, from the reference code [S3].',
    'Pairings: the model against itself (welfare), and against the scripted greedy (exploitability: the paper\'s claim is robustness "against exploitation by greedy agents" [S1]), tit-for-tat (the strategy the paper\'s method learns in the iterated prisoner\'s dilemma [S2]) and cooperative.',
    'With `--agents scripted` the model\'s seat is played by the scripted tit-for-tat.',
    'LLM seats read the reference prompt set (`"prompts": "reference"` in their agent spec).',
  ],
  arms: (models) =>
    models.flatMap((m, i) =>
      [
        { id: 'self', opponent: m.agent, label: `${m.label} vs itself` },
        { id: 'greedy', opponent: 'greedy', label: `${m.label} vs greedy` },
        { id: 'tit-for-tat', opponent: 'tit-for-tat', label: `${m.label} vs tit-for-tat` },
        { id: 'cooperative', opponent: 'cooperative', label: `${m.label} vs cooperative` },
      ].map((pairing) => ({ id: `model-${i + 1}-${pairing.id}`, label: pairing.label, agents: JSON.stringify([m.agent, pairing.opponent]) })),
    ),
  scriptedModel: { agent: 'tit-for-tat', label: 'scripted tit-for-tat' },
  metrics: [
    { key: 'pointsPerRound0', label: 'Model seat: points per round' },
    { key: 'pointsPerRound1', label: 'Opponent: points per round' },
    { key: 'welfarePerRound', label: 'Joint welfare per round' },
    { key: 'splitEfficiency', label: 'Split efficiency', range: RATE },
    { key: 'welfareOptimalRate', label: 'Welfare-optimal rounds', range: RATE },
    { key: 'exploitationRate', label: 'Exploitation rate', range: RATE },
    { key: 'meanProposalUpper', label: 'Coins asked, upper hand' },
    { key: 'meanProposalLower', label: 'Coins asked, lower hand' },
    { key: 'claimRate0', label: 'Model seat: hand claim rate', range: RATE },
    { key: 'lieRate0', label: 'Model seat: lie rate', range: RATE },
  ],
  published: [],
  unsourced: [
    'Every numeric result of the paper (returns per pairing, against greedy agents and closed-source models, over training): only the abstracts [S1, S2] were readable here; no table or figure value is transcribed.',
    'The number of evaluation games per pairing and the exact evaluation opponents.',
  ],
  sources: [
    { id: 'S1', where: 'arXiv 2511.19405v2, abstract (page 1)', url: 'https://arxiv.org/html/2511.19405v2', kind: 'primary' },
    { id: 'S2', where: 'OpenReview submission (ICLR 2026), abstract', url: 'https://openreview.net/forum?id=1AtEYpiW4o', kind: 'primary' },
    { id: 'S3', where: 'reference code (TAS-RPS game), as specified in the project\'s research notes (docs/games/trust-and-split.md)', url: 'https://github.com/dereckpiche/AdAlignLLM', kind: 'code' },
  ],
};

export const EXPERIMENTS: ReadonlyMap<string, Experiment> = new Map([traitors, trustSplit].map((e) => [e.id, e]));

/** The experiment named by outside text, or a clear error. */
export function experimentById(id: string): Experiment {
  const found = EXPERIMENTS.get(id);
  if (!found) throw new Error(`unknown experiment "${id}"; choose one of: ${[...EXPERIMENTS.keys()].join(', ')}`);
  return found;
}
