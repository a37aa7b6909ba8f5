// Pilot bots (issue 10, item 7): `npm run study -- pilot FILE --participants N --url URL --out DIR`.
// Creates a pilot copy of a study on a running server (POST /api/studies?pilot=1) and sends N
// simulated participants through the whole flow over the participant REST API and Socket.io, the
// way people arrive on a recruiter's link: at random times, some failing the quiz once, some
// closing the tab in the waiting room or mid-game. Prints the funnel as it goes and at the end
// (per arm: stages and outcomes), then downloads the study export and unzips it into DIR.
//
// Everything random (arrival times, who fails or leaves, answers, moves) comes from one seeded
// stream, so a pilot with the same seed makes the same participants do the same things; what the
// server does with them (matching, agents, timeouts) depends on timing as it would for people.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { io, type Socket } from 'socket.io-client';
import type { Action, Pending } from '../../shared/engine/actions.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import type { Ack, ClientToServerEvents, ServerToClientEvents, StatePayload } from '../../shared/protocol/index.ts';
import { STAGES } from '../../shared/protocol/study.ts';
import type {
  CreateStudyResponse,
  ParticipantState,
  ParticipantSummary,
  QuizResponse,
  Stage,
} from '../../shared/protocol/study.ts';
import { parseStudyFile, StudyFileError, type StudyDefinition } from '../../shared/study/definition.ts';
import { unzipTo } from './unzip.ts';

export interface PilotOptions {
  /** the study file's text and its name (the extension says YAML or JSON) */
  fileText: string;
  fileName: string;
  /** the server's base URL, e.g. http://localhost:3000 */
  url: string;
  adminToken: string;
  participants: number;
  /** where the export goes (the zip and its files); null = do not export */
  out: string | null;
  /** seed of every random choice the bots make (default 1) */
  seed?: number;
  /** participants arrive uniformly at random over this many seconds (default 30) */
  arrivalSec?: number;
  /** share of participants who answer the quiz wrongly once (only when the study allows a retry); default 0.15 */
  quizFailShare?: number;
  /** share who close the tab in the waiting room (stop polling); default 0.1 */
  leaveWaitingShare?: number;
  /** share who close the tab mid-game (disconnect, never return); default 0.1 */
  leaveGameShare?: number;
  /** the waiting room's poll interval, as the browser client does (default 2000 ms) */
  pollMs?: number;
  /** give up on the whole pilot after this long (default 30 minutes) */
  timeoutSec?: number;
  /** one line of progress or report (default: console.log) */
  log?: (line: string) => void;
  /** progress lines every this many ms (default 5000; 0 = none) */
  progressMs?: number;
  /**
   * Sees everything a participant receives, as received: each REST answer's body and each
   * Socket.io payload (for leak checks). `what` is e.g. "GET /api/participants/…" or "socket state".
   */
  onPayload?: (bot: BotRecord, what: string, body: string) => void;
}

/** What one simulated participant was, did and saw. */
export interface BotRecord {
  index: number;
  /** the recruiter's id it arrived with (query PROLIFIC_PID or the study's idParam) */
  participantId: string;
  token: string | null;
  plan: { arriveAtMs: number; failQuizOnce: boolean; leaveWaitingAfterMs: number | null; leaveGameAfterActions: number | null };
  /** every stage it saw, in order, with the time (ms since the pilot started) */
  stages: { stage: Stage; atMs: number }[];
  /** every seat token it was ever given (must be at most one) */
  seatTokens: string[];
  /** every game session its socket saw (must be at most one) */
  sessionIds: string[];
  quizAttempts: number;
  actions: number;
  /** the game's result for its seat, as its socket saw it at the end (null if it left before) */
  result: { seat: number; points: number | null; won: boolean } | null;
  /** it closed the tab in the waiting room or in the game */
  left: 'waiting' | 'game' | null;
  /** its last state as the participant saw it */
  last: ParticipantState | null;
  error: string | null;
}

export interface PilotResult {
  study: CreateStudyResponse;
  bots: BotRecord[];
  /** the server's view of every participant at the end (admin API) */
  participants: ParticipantSummary[];
  /** arm → stage or outcome → count */
  funnel: Map<string, Map<string, number>>;
  /** the export's files, relative to `out` (empty without `out`) */
  files: string[];
  zipPath: string | null;
}

const SAYINGS = [
  'Hi! I think we can both do well if we split fairly.',
  'Honestly I have the better hand this round, but I will be fair.',
  'Let us keep it simple: half each?',
  'I trust you. Do not make me regret it.',
  'Hmm, that is what I would say too.',
  'I have been watching the votes closely; somebody is too quiet.',
  'I am faithful, for what it is worth.',
];

/** GET /api/studies/:id: the summary, the definition and every participant */
type Detail = { participantList: ParticipantSummary[] };

class HttpError extends Error {
  constructor(readonly status: number, readonly body: string, what: string) {
    super(`${what}: HTTP ${status} ${body}`);
  }
}

/** Sleep that a test can rely on not to run forever: every wait in the pilot is bounded by a deadline. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function contentTypeFor(fileName: string): string {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.json') return 'application/json';
  if (ext === '.yaml' || ext === '.yml') return 'application/yaml';
  throw new Error(`${fileName}: a study file ends in .yaml, .yml or .json`);
}

/** The quiz's correct answers (question id → option index): bots need them to pass; participants never see them. */
export function answerKey(definition: StudyDefinition): Map<string, number> {
  return new Map((definition.pages.quiz?.questions ?? []).map((q) => [q.id, q.answer]));
}

export async function runPilot(options: PilotOptions): Promise<PilotResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const base = options.url.replace(/\/+$/, '');
  const pollMs = options.pollMs ?? 2000;
  const started = Date.now();
  const deadline = started + (options.timeoutSec ?? 1800) * 1000;
  const rng = Rng.stream(options.seed ?? 1, Purpose.test);
  const admin = { authorization: `Bearer ${options.adminToken}` };

  /** fetch with the server's rate limits respected (429 → wait Retry-After and try again) */
  async function call(method: string, route: string, body?: unknown, headers: Record<string, string> = {}, raw = false): Promise<Response> {
    for (;;) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        if (typeof body !== 'string') (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const res = await fetch(base + route, init);
      if (res.status === 429 && Date.now() < deadline) {
        const after = Number(res.headers.get('retry-after'));
        await res.arrayBuffer();
        await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : 1000);
        continue;
      }
      if (!raw && !res.ok) throw new HttpError(res.status, await res.text(), `${method} ${route}`);
      return res;
    }
  }
  const adminJson = async <T>(route: string) => (await (await call('GET', route, undefined, admin)).json()) as T;

  // the same validation the server does: a broken file stops here, with the server's message
  const definition = parseStudyFile(options.fileText, options.fileName);

  // 1. the pilot copy of the study
  const created = await (async () => {
    const res = await call('POST', '/api/studies?pilot=1', options.fileText, { ...admin, 'content-type': contentTypeFor(options.fileName) }, true);
    const text = await res.text();
    if (res.status !== 201) throw new Error(`could not create the pilot study (HTTP ${res.status}): ${text}`);
    return JSON.parse(text) as CreateStudyResponse;
  })();
  log(`pilot study ${created.slug} (${created.id}): ${created.link}`);
  const key = answerKey(definition);
  const params = definition.participantIds;

  // 2. the participants' plans, all drawn up front from the seeded stream
  const arrivalMs = (options.arrivalSec ?? 30) * 1000;
  const bots: BotRecord[] = Array.from({ length: options.participants }, (_, index) => {
    const roll = rng.next();
    const quizShare = options.quizFailShare ?? 0.15;
    const waitShare = options.leaveWaitingShare ?? 0.1;
    const gameShare = options.leaveGameShare ?? 0.1;
    const hex = Array.from({ length: 24 }, () => '0123456789abcdef'[rng.int(16)]).join('');
    return {
      index,
      participantId: `pilot${hex}`,
      token: null,
      plan: {
        arriveAtMs: Math.round(rng.next() * arrivalMs),
        failQuizOnce: roll < quizShare,
        leaveWaitingAfterMs: roll >= quizShare && roll < quizShare + waitShare ? Math.round(rng.range(1, 8) * 1000) : null,
        leaveGameAfterActions: roll >= quizShare + waitShare && roll < quizShare + waitShare + gameShare ? rng.range(1, 3) : null,
      },
      stages: [],
      seatTokens: [],
      sessionIds: [],
      quizAttempts: 0,
      actions: 0,
      result: null,
      left: null,
      last: null,
      error: null,
    };
  });
  // per-bot randomness for answers and moves, independent of how the bots interleave
  const botRng = (bot: BotRecord) => Rng.stream(options.seed ?? 1, Purpose.test, 1, bot.index);

  const progress = () => {
    const counts = new Map<string, number>();
    let notYet = 0;
    for (const bot of bots) {
      const stage = bot.stages.at(-1)?.stage;
      if (!stage) notYet++;
      else {
        const label = bot.left ? `left (${bot.left})` : stage === 'done' ? (bot.last?.completion?.outcome ?? 'done') : stage;
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
    }
    const order = [...STAGES, 'completed', 'failed_quiz', 'no_group', 'dropped', 'done', 'left (waiting)', 'left (game)'];
    const parts = [...counts].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([k, v]) => `${k} ${v}`);
    log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] arrived ${options.participants - notYet}/${options.participants}${parts.length ? ' · ' + parts.join(' · ') : ''}`);
  };
  const ticker = (options.progressMs ?? 5000) > 0 ? setInterval(progress, options.progressMs ?? 5000) : null;

  const see = (bot: BotRecord, state: ParticipantState) => {
    bot.last = state;
    if (bot.stages.at(-1)?.stage !== state.stage) bot.stages.push({ stage: state.stage, atMs: Date.now() - started });
    if (state.game && !bot.seatTokens.includes(state.game.seatToken)) bot.seatTokens.push(state.game.seatToken);
  };

  async function runBot(bot: BotRecord): Promise<void> {
    const r = botRng(bot);
    /** a participant's own REST call: what it receives is recorded */
    const json = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
      const res = await call(method, route, body, {}, true);
      const text = await res.text();
      options.onPayload?.(bot, `${method} ${route}`, text);
      if (!res.ok) throw new HttpError(res.status, text, `${method} ${route}`);
      return (text ? JSON.parse(text) : null) as T;
    };
    await sleep(bot.plan.arriveAtMs);
    const query = { [params.idParam]: bot.participantId, [params.studyParam]: created.id, [params.sessionParam]: `s${bot.index}` };
    const entered = await json<{ token: string; state: ParticipantState }>('POST', `/api/s/${encodeURIComponent(created.slug)}/enter`, { query });
    bot.token = entered.token;
    let state = entered.state;
    see(bot, state);
    const route = (what: string) => `/api/participants/${encodeURIComponent(entered.token)}${what}`;
    let viewed: Stage | null = null;
    let waitingSince: number | null = null;
    /** a state-changing call; a 409 (the stage moved on meanwhile) just means: look again */
    const post = async <T>(what: string, body: unknown): Promise<T | null> => {
      try {
        return await json<T>('POST', route(what), body);
      } catch (err) {
        if (err instanceof HttpError && err.status === 409) return null;
        throw err;
      }
    };
    while (Date.now() < deadline) {
      if (viewed !== state.stage) {
        viewed = state.stage;
        await json('POST', route('/page'), { page: state.stage });
      }
      switch (state.stage) {
        case 'consent': {
          await sleep(r.range(200, 800));
          state = (await post<ParticipantState>('/consent', { consent: true })) ?? (await json<ParticipantState>('GET', route('')));
          break;
        }
        case 'instructions': {
          await sleep(r.range(200, 1200));
          state = (await post<ParticipantState>('/instructions', {})) ?? (await json<ParticipantState>('GET', route('')));
          break;
        }
        case 'quiz': {
          await sleep(r.range(200, 800));
          const wrongFirst = bot.plan.failQuizOnce && bot.quizAttempts === 0 && state.quiz.maxAttempts - state.quiz.attemptsUsed >= 2;
          const answers: Record<string, number> = {};
          for (const [i, q] of state.pages.quiz.entries()) {
            const right = key.get(q.id) ?? 0;
            // one wrong answer (the first question's next option) is enough to fail
            answers[q.id] = wrongFirst && i === 0 ? (right + 1) % Math.max(2, q.options.length) : right;
          }
          const answer = await post<QuizResponse>('/quiz', { answers });
          if (answer) {
            bot.quizAttempts++;
            state = answer.state;
          } else state = await json<ParticipantState>('GET', route(''));
          break;
        }
        case 'waiting': {
          waitingSince ??= Date.now();
          if (bot.plan.leaveWaitingAfterMs !== null && Date.now() - waitingSince >= bot.plan.leaveWaitingAfterMs) {
            bot.left = 'waiting';
            return;
          }
          await sleep(pollMs);
          state = await json<ParticipantState>('GET', route(''));
          break;
        }
        case 'game': {
          const outcome = await playGame(bot, state, r);
          if (outcome === 'left') {
            bot.left = 'game';
            return;
          }
          // the game is over: the study moves us on (survey, or done when dropped)
          while (Date.now() < deadline) {
            state = await json<ParticipantState>('GET', route(''));
            if (state.stage !== 'game') break;
            see(bot, state);
            await sleep(Math.min(pollMs, 500));
          }
          break;
        }
        case 'survey': {
          await sleep(r.range(300, 1500));
          const answers: Record<string, number | string> = {};
          for (const item of state.pages.survey) {
            if (item.kind === 'likert' && item.scale) answers[item.id] = r.range(item.scale.min, item.scale.max);
            else if (item.kind === 'choice' && item.options?.length) answers[item.id] = r.int(item.options.length);
            else if (item.kind === 'text' && r.chance(0.7)) answers[item.id] = r.pick(['Fun game.', 'The other player seemed fair.', 'Hard to tell who was who.']);
          }
          const judgements = state.judge?.map((j) => ({ seat: j.seat, judgement: r.chance(0.5) ? ('human' as const) : ('ai' as const), confidence: r.range(1, 5) }));
          state = (await post<ParticipantState>('/survey', judgements ? { answers, judgements } : { answers })) ?? (await json<ParticipantState>('GET', route('')));
          break;
        }
        case 'done':
          see(bot, state);
          return;
      }
      see(bot, state);
    }
    throw new Error('the pilot ran out of time');
  }

  /** Play the seat from `pending` until the outcome; 'left' when the plan says close the tab. */
  function playGame(bot: BotRecord, state: ParticipantState, r: Rng): Promise<'over' | 'left'> {
    const seatToken = state.game!.seatToken;
    return new Promise((resolve, reject) => {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, { auth: { token: seatToken }, transports: ['websocket'], forceNew: true });
      let latest: StatePayload | null = null;
      let busy = false;
      let actFrom = 0;
      let finished = false;
      const finish = (how: 'over' | 'left' | Error) => {
        if (finished) return;
        finished = true;
        clearInterval(guard);
        socket.disconnect();
        if (how instanceof Error) reject(how);
        else resolve(how);
      };
      const guard = setInterval(() => {
        if (Date.now() > deadline) finish(new Error('the game did not end before the pilot timed out'));
      }, 1000);
      const step = async (): Promise<void> => {
        const s = latest;
        if (!s || busy || finished || !s.pending || s.version < actFrom) return;
        busy = true;
        try {
          await sleep(r.range(50, 400));
          const action = decide(s.pending, r);
          const clientActionId = `pilot-${bot.index}-${s.version}-${s.pending.kind}`;
          let ack: Ack = await socket.timeout(10_000).emitWithAck('act', { action, clientActionId });
          while (!ack.ok && ack.code === 'rate_limited' && !finished) {
            await sleep(ack.retryAfterMs ?? 200);
            ack = await socket.timeout(10_000).emitWithAck('act', { action, clientActionId });
          }
          actFrom = ack.ok ? ack.version : s.version + 1;
          if (ack.ok) bot.actions++;
          if (bot.plan.leaveGameAfterActions !== null && bot.actions >= bot.plan.leaveGameAfterActions) finish('left');
        } catch {
          if (latest) actFrom = latest.version + 1;
        } finally {
          busy = false;
        }
        void step();
      };
      socket.on('state', (s) => {
        options.onPayload?.(bot, 'socket state', JSON.stringify(s));
        latest = s;
        if (!bot.sessionIds.includes(s.sessionId)) bot.sessionIds.push(s.sessionId);
        if (s.outcome && s.seat !== null) bot.result = { seat: s.seat, points: s.outcome.points?.[s.seat] ?? null, won: s.outcome.winners.includes(s.seat) };
        if (s.outcome || s.status !== 'active') finish('over');
        else void step();
      });
      socket.on('presence', (p) => options.onPayload?.(bot, 'socket presence', JSON.stringify(p)));
      socket.on('connect_error', (err) => {
        options.onPayload?.(bot, 'socket connect_error', JSON.stringify({ message: err.message }));
        // a refused connection is retried by socket.io unless the token is wrong
        if (/^invalid_(token|auth)/.test(err.message)) finish(new Error(`seat token refused: ${err.message}`));
      });
      socket.on('replaced', (p) => {
        options.onPayload?.(bot, 'socket replaced', JSON.stringify(p));
        finish(new Error('the seat was opened elsewhere'));
      });
    });
  }

  function decide(pending: Pending, r: Rng): Action {
    switch (pending.kind) {
      case 'speak':
        return { kind: 'speak', text: r.pick(SAYINGS).slice(0, Math.max(1, pending.maxChars)) };
      case 'vote':
        return { kind: 'vote', target: r.pick(pending.options) };
      case 'beliefs':
        return { kind: 'beliefs', suspicion: Object.fromEntries(pending.targets.map((t) => [String(t), r.range(0, 100)])) };
      case 'propose':
        return { kind: 'propose', coins: r.range(pending.min, pending.max) };
      case 'choose':
        return { kind: 'choose', option: r.pick(pending.options) };
    }
  }

  // 3. run every participant; a failed bot is recorded, not fatal
  try {
    await Promise.all(
      bots.map((bot) =>
        runBot(bot).catch((err: unknown) => {
          bot.error = err instanceof Error ? err.message : String(err);
          log(`participant ${bot.index} (${bot.participantId}): ${bot.error}`);
        }),
      ),
    );
    // games that lost a player go on (timeouts, takeover) until they end: wait for them, so the
    // export holds every game whole
    let detail = await adminJson<Detail>(`/api/studies/${encodeURIComponent(created.id)}`);
    while (detail.participantList.some((p) => p.stage === 'game') && Date.now() < deadline) {
      await sleep(1000);
      detail = await adminJson<Detail>(`/api/studies/${encodeURIComponent(created.id)}`);
    }
    if (ticker) clearInterval(ticker);
    progress();

    // 4. the funnel, per arm, as the server recorded it
    const funnel = funnelOf(detail.participantList);
    for (const line of formatFunnel(funnel)) log(line);

    // 5. the export
    let files: string[] = [];
    let zipPath: string | null = null;
    if (options.out) {
      const out = path.resolve(options.out);
      mkdirSync(out, { recursive: true });
      const res = await call('GET', `/api/studies/${encodeURIComponent(created.id)}/export`, undefined, admin);
      const zip = Buffer.from(await res.arrayBuffer());
      zipPath = path.join(out, `${created.slug}.zip`);
      writeFileSync(zipPath, zip);
      files = unzipTo(zip, out);
      log(`export: ${zipPath} (${files.length} files unzipped into ${out})`);
    }
    return { study: created, bots, participants: detail.participantList, funnel, files, zipPath };
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

const FUNNEL_ROWS = ['consent', 'instructions', 'quiz', 'waiting', 'game', 'survey', 'completed', 'failed_quiz', 'no_group', 'dropped'] as const;

/** arm → (stage, or the outcome for those done) → count; 'all' sums the arms. */
export function funnelOf(participants: readonly ParticipantSummary[]): Map<string, Map<string, number>> {
  const funnel = new Map<string, Map<string, number>>();
  const add = (arm: string, row: string) => {
    const counts = funnel.get(arm) ?? new Map<string, number>();
    counts.set(row, (counts.get(row) ?? 0) + 1);
    funnel.set(arm, counts);
  };
  for (const p of participants) {
    const row = p.stage === 'done' ? (p.outcome ?? 'done') : p.stage;
    add(p.arm, row);
    add('all', row);
  }
  return funnel;
}

/** The funnel as a text table: a row per stage or outcome, a column per arm. */
export function formatFunnel(funnel: Map<string, Map<string, number>>): string[] {
  const arms = [...funnel.keys()].filter((a) => a !== 'all').sort();
  const cols = [...arms, 'all'];
  const width = Math.max(8, ...cols.map((c) => c.length));
  const lines = ['', `${'stage / outcome'.padEnd(16)}${cols.map((c) => c.padStart(width + 2)).join('')}`];
  const rows = [...FUNNEL_ROWS, ...[...(funnel.get('all')?.keys() ?? [])].filter((k) => !(FUNNEL_ROWS as readonly string[]).includes(k))];
  for (const row of rows) {
    lines.push(`${row.padEnd(16)}${cols.map((c) => String(funnel.get(c)?.get(row) ?? 0).padStart(width + 2)).join('')}`);
  }
  const total = (c: string) => [...(funnel.get(c)?.values() ?? [])].reduce((a, b) => a + b, 0);
  lines.push(`${'total'.padEnd(16)}${cols.map((c) => String(total(c)).padStart(width + 2)).join('')}`);
  return lines;
}

function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}
function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 86_400) throw new InvalidArgumentError('must be a number of seconds from 0 to 86400');
  return n;
}
function uint32(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('must be an integer in 0..4294967295');
  return n;
}

/** The admin token: PARLEY_ADMIN_TOKEN, else the one `npm start` generated in the data directory. */
export function adminToken(dataDir: string): string {
  if (process.env.PARLEY_ADMIN_TOKEN) return process.env.PARLEY_ADMIN_TOKEN;
  const file = path.join(dataDir, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new Error("set PARLEY_ADMIN_TOKEN to the server's admin token (npm start prints it)");
}

/** `npm run study -- pilot FILE --participants N --url URL --out DIR`, registered on scripts/study.ts's program. */
export function registerPilot(program: Command): void {
  program
    .command('pilot')
    .description('Create a pilot copy of a study on a running server and send simulated participants through it; print the funnel and write the study export to DIR.')
    .argument('<file>', 'the study file (.yaml, .yml or .json)')
    .requiredOption('--participants <n>', 'how many simulated participants', positiveInt(10_000))
    .requiredOption('--out <dir>', 'where the study export goes (the zip and its files)')
    .option('--url <url>', 'the server (default: $PARLEY_PUBLIC_URL or http://localhost:3000)', process.env.PARLEY_PUBLIC_URL || 'http://localhost:3000')
    .option('--arrival <sec>', 'participants arrive uniformly at random over this many seconds', nonNegative, 30)
    .option('--seed <s>', 'seed of who fails the quiz, leaves, answers and plays what', uint32, 1)
    .option('--data <dir>', 'where to find the generated admin token when PARLEY_ADMIN_TOKEN is not set', process.env.PARLEY_DATA_DIR || 'data')
    .addHelpText(
      'after',
      `\nAbout 15% of the participants answer the quiz wrongly once, 10% close the tab in the waiting room and
10% mid-game; the rest play, answer the survey and (blind arms) judge the other players.
The admin token comes from PARLEY_ADMIN_TOKEN. See docs/studies.md.
Example: npm run study -- pilot docs/studies/trust-split-pairs-vs-blind.yaml --participants 40 --url http://localhost:3000 --out out/pilot`,
    )
    .action(async (file: string, opts: { participants: number; url: string; out: string; seed: number; arrival: number; data: string }) => {
      let fileText: string;
      try {
        fileText = readFileSync(file, 'utf8');
        contentTypeFor(file);
      } catch (err) {
        program.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      }
      try {
        const result = await runPilot({
          fileText,
          fileName: file,
          url: opts.url,
          adminToken: adminToken(opts.data),
          participants: opts.participants,
          out: opts.out,
          seed: opts.seed,
          arrivalSec: opts.arrival,
        });
        const failed = result.bots.filter((b) => b.error);
        if (failed.length) {
          console.error(`${failed.length} simulated participant(s) hit an error (listed above).`);
          process.exitCode = 1;
        }
      } catch (err) {
        if (err instanceof StudyFileError) console.error(`${file}: ${err.message}`);
        else console.error(`pilot: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}
