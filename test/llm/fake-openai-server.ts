import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible (and minimal Anthropic Messages) HTTP server for tests and benchmarks,
 * on 127.0.0.1 and an ephemeral port. By default it plays legal moves: it reads the task the
 * prompt ends with (the "## Your task" block: its Choices / Players to rate / Allowed / Limit line)
 * and answers in the asked form — JSON when the request carries a response format, tagged text
 * otherwise. Requests in a reference prompt set (prompts: "reference") are read and answered in
 * that set's own forms: The Traitors' "Respond with ONLY the player number" and dialogue between
 * `---` lines, Trust-and-Split's <<message_start>>/<<proposal_start>> tags. A per-test script can replace any answer with a fault: malformed JSON, out-of-range
 * values, wrong seats, over-long text, 429/5xx statuses, slow replies or no reply at all.
 * Usage is counted as characters ÷ 4 (prompt: all message text; completion: the answer).
 */

export interface FakeMessage {
  role: string;
  content: string;
}

export type FakeTask =
  | { kind: 'speak'; maxChars: number; hand: string | null }
  | { kind: 'vote'; options: { seat: number; name: string }[] }
  | { kind: 'beliefs'; targets: { seat: number; name: string }[] }
  | { kind: 'propose'; min: number; max: number; hand: string | null }
  /** one of named options ("accept", "refuse") */
  | { kind: 'choose'; options: string[] }
  | { kind: 'unknown' };

/**
 * How the request wants its answer: Parley's prompts (JSON or tagged, see `json`), or a reference
 * prompt set's own form — The Traitors' (a bare player number; dialogue between --- lines) or
 * Trust-and-Split's (<<message_start>>…<<message_end>>, <<proposal_start>> n <<proposal_end>>).
 */
export type FakeForm = 'parley' | 'reference-traitors' | 'reference-trust-split';

export interface FakeRequest {
  /** 0-based, in arrival order */
  index: number;
  api: 'chat' | 'anthropic';
  model: string;
  messages: FakeMessage[];
  /** the answer is wanted as JSON (response_format, an Anthropic json tool or output format) */
  json: boolean;
  /** the Authorization / x-api-key header value as received (for key-handling tests) */
  credential: string | null;
  form: FakeForm;
  task: FakeTask;
  body: Record<string, unknown>;
}

export type FakeReply =
  /** answer with this text (default: a legal answer in the asked form) */
  | { kind: 'answer'; content?: string; delayMs?: number }
  /** an HTTP error */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /** accept the request and never answer (the client times out) */
  | { kind: 'hang' };

export interface FakeServerOptions {
  /** default 0: an ephemeral port */
  port?: number;
  /** added to every reply (the benchmark's fixed latency) */
  latencyMs?: number;
  /** per request: a reply, a text to answer with, or undefined for the default legal answer */
  script?: (request: FakeRequest) => FakeReply | string | undefined;
  /** reject requests that ask for structured output, like an endpoint without it */
  rejectStructuredOutput?: boolean;
  /** answer like a wordier model: statements of about this many characters (capped by the limit) … */
  messageChars?: number;
  /** … and private thoughts of about this many characters */
  thoughtsChars?: number;
}

export interface FakeServer {
  /** base URL for OpenAI-compatible clients, ending in /v1 */
  url: string;
  port: number;
  requests: FakeRequest[];
  /** the most requests that were open at once (for concurrency-limit tests) */
  readonly maxInFlight: number;
  resetMaxInFlight(): void;
  /** forget the requests (indexes start at 0 again) and the script, between tests */
  reset(): void;
  /** replace the script between tests */
  setScript(script: FakeServerOptions['script']): void;
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------------------------
// reading the prompt

const TASK_HEADING = '## Your task';

function seatsIn(list: string): { seat: number; name: string }[] {
  return [...list.matchAll(/seat (\d+)(?: \(([^)]*)\))?/g)].map((m) => ({ seat: Number(m[1]), name: m[2] ?? '' }));
}

/** The task of a conversation: the last "## Your task" block of any user message. */
export function parseTask(messages: readonly FakeMessage[]): FakeTask {
  const userText = messages.filter((m) => m.role === 'user').map((m) => m.content);
  const last = userText.reverse().find((t) => t.includes(TASK_HEADING));
  if (!last) return { kind: 'unknown' };
  const block = last.slice(last.lastIndexOf(TASK_HEADING));
  const hand = /Your hand is (rock|paper|scissors)/.exec(userText.join('\n'))?.[1] ?? null;
  const choices = /^Choices: (.*)$/m.exec(block);
  if (choices) {
    const seats = seatsIn(choices[1]);
    // a list without seats names options (a recruitment offer's "accept, refuse")
    if (seats.length) return { kind: 'vote', options: seats };
    return { kind: 'choose', options: choices[1].replace(/\.$/, '').split(', ') };
  }
  const rate = /^Players to rate: (.*)$/m.exec(block);
  if (rate) return { kind: 'beliefs', targets: seatsIn(rate[1]) };
  const allowed = /^Allowed: a whole number from (-?\d+) to (-?\d+)/m.exec(block);
  if (allowed) return { kind: 'propose', min: Number(allowed[1]), max: Number(allowed[2]), hand };
  const limit = /^Limit: at most (\d+) characters/m.exec(block);
  if (limit) return { kind: 'speak', maxChars: Number(limit[1]), hand };
  return { kind: 'unknown' };
}

/**
 * A request in a reference prompt set, recognised by that set's own markers, with its task;
 * null for anything else (Parley's prompts, or a conversation it cannot read).
 */
export function parseReferenceTask(messages: readonly FakeMessage[]): { form: FakeForm; task: FakeTask } | null {
  const users = messages.filter((m) => m.role === 'user').map((m) => m.content);
  const last = users[users.length - 1] ?? '';
  if (last.includes(TASK_HEADING)) return null;
  const all = messages.map((m) => m.content).join('\n');
  // Trust-and-Split (AdAlignLLM): the regex constraint comes first, the request last
  if (/^Output must match this regex exactly: <<(message|proposal)_start>>/.test(users[0] ?? '')) {
    const hands = [...all.matchAll(/Your hand is (rock|paper|scissors)/g)];
    const hand = hands.length ? hands[hands.length - 1][1] : null;
    const split = /where x is an integer in \[(-?\d+), (-?\d+)\]\.\s*$/.exec(last);
    if (split) return { form: 'reference-trust-split', task: { kind: 'propose', min: Number(split[1]), max: Number(split[2]), hand } };
    const send = /<<message_start>>\.\.\.<<message_end>> \(<=(\d+) chars\)\.\s*$/.exec(last);
    if (send) return { form: 'reference-trust-split', task: { kind: 'speak', maxChars: Number(send[1]), hand } };
    return { form: 'reference-trust-split', task: { kind: 'unknown' } };
  }
  // The Traitors (TheTraitors): a system prompt asking for dialogue between triple dashes
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  if (!system.includes('place it between triple dashes')) return null;
  if (last.includes('Respond with ONLY the player number')) {
    // the list the vote is from: "The active players are: 1, 2, 3." (or "The active Faithfuls are: …")
    const lists = [...last.matchAll(/are: (\d+(?:, \d+)*)\./g)];
    const options = lists.length ? lists[lists.length - 1][1].split(', ').map((n) => ({ seat: Number(n), name: '' })) : [];
    return { form: 'reference-traitors', task: options.length ? { kind: 'vote', options } : { kind: 'unknown' } };
  }
  // the reference asks for 50–100 words; Parley's statement limit is not in the prompt, so stay well inside any
  return { form: 'reference-traitors', task: { kind: 'speak', maxChars: REFERENCE_SPEECH_CHARS, hand: null } };
}

/** The longest statement the fake writes for a reference Traitors prompt (about 80 words). */
const REFERENCE_SPEECH_CHARS = 480;

/** A stable pseudo-random number from a text (FNV-1a), so answers vary by prompt but replay alike. */
export function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const FILLER = ' I keep coming back to how people voted last time, who defended whom, and who went quiet when it mattered.';

/** Pad a text with filler sentences to about `chars` characters. */
function padTo(text: string, chars: number): string {
  let out = text;
  while (out.length + FILLER.length <= chars) out += FILLER;
  return out;
}

/** The answer fields a legal player gives for a task. */
export function legalFields(task: FakeTask, salt: string, messageChars = 0): Record<string, unknown> {
  const h = hashOf(salt);
  switch (task.kind) {
    case 'speak': {
      const text = task.hand ? `My hand is ${task.hand}. Let us split fairly.` : `I have been watching the votes closely; seat ${h % 8} worries me a little.`;
      return { message: padTo(text, messageChars).slice(0, task.maxChars) };
    }
    case 'vote':
      return { vote: task.options[h % task.options.length].seat };
    case 'beliefs':
      return { suspicion: Object.fromEntries(task.targets.map((t, i) => [String(t.seat), (h >>> i) % 101])) };
    case 'propose':
      return { proposal: task.min + (h % (task.max - task.min + 1)) };
    case 'choose':
      return { choice: task.options[h % task.options.length] };
    case 'unknown':
      return { message: 'I do not understand the task.' };
  }
}

/** Fields as the model would write them: JSON, or tagged text like the reference formats. */
export function render(fields: Record<string, unknown>, json: boolean, thoughts = 'Thinking it over privately.'): string {
  if (json) return JSON.stringify({ thoughts, ...fields });
  const [key, value] = Object.entries(fields)[0];
  const tag = key === 'suspicion' ? 'suspicion' : key;
  const body =
    key === 'suspicion'
      ? '\n' + Object.entries(value as Record<string, number>).map(([s, v]) => `seat ${s}: ${v}`).join('\n') + '\n'
      : String(value);
  return `<thoughts>${thoughts}</thoughts>\n<${tag}>${body}</${tag}>`;
}

/** Fields as a model following a reference prompt set would write them, in that set's form. */
export function renderReference(form: Exclude<FakeForm, 'parley'>, fields: Record<string, unknown>, thoughts = 'Thinking it over privately.'): string {
  if (form === 'reference-trust-split') {
    if ('proposal' in fields) return `<<proposal_start>> ${String(fields.proposal)} <<proposal_end>>`;
    return `<<message_start>>${String(fields.message ?? '')}<<message_end>>`;
  }
  // "Respond with ONLY the player number"
  if ('vote' in fields) return String(fields.vote);
  // the reference's agents think first and put what they say between --- lines (agent.py, extract_dialogue)
  const text = String(fields.message ?? '').replace(/\bseat (\d+)/g, 'Player $1');
  return `${thoughts}\n---\n${text}\n---`;
}

/** Ready-made faulty answers for a request, in its asked form. */
export const faulty = {
  malformedJson: (req: FakeRequest): string => (req.json ? '{"thoughts": "oops", "vote": ' : '<thoughts>oops</thoughts> I refuse to use tags'),
  outOfRange: (req: FakeRequest): string => {
    const t = req.task;
    if (t.kind === 'propose') return render({ proposal: t.max + 7 }, req.json);
    if (t.kind === 'beliefs') return render({ suspicion: Object.fromEntries(t.targets.map((x) => [String(x.seat), 140])) }, req.json);
    if (t.kind === 'speak') return render({ message: 'x'.repeat(t.maxChars + 50) }, req.json);
    return render({ vote: 999 }, req.json);
  },
  wrongSeat: (req: FakeRequest): string => {
    const t = req.task;
    if (t.kind === 'vote') return render({ vote: firstSeatNotIn(t.options.map((o) => o.seat)) }, req.json);
    if (t.kind === 'beliefs') {
      return render({ suspicion: { [String(firstSeatNotIn(t.targets.map((o) => o.seat)))]: 50 } }, req.json);
    }
    return faulty.outOfRange(req);
  },
};

function firstSeatNotIn(seats: number[]): number {
  let s = 0;
  while (seats.includes(s)) s++;
  return s;
}

// ------------------------------------------------------------------------------------------------
// the HTTP server

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : '')).join('');
  return '';
}

function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFakeOpenAI(options: FakeServerOptions = {}): Promise<FakeServer> {
  let script = options.script;
  const requests: FakeRequest[] = [];
  let counter = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const api = req.url?.endsWith('/chat/completions') ? 'chat' : req.url?.endsWith('/messages') ? 'anthropic' : null;
    if (req.method !== 'POST' || !api) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const rawMessages = (body.messages as { role: string; content: unknown }[]) ?? [];
    const messages: FakeMessage[] = rawMessages.map((m) => ({ role: m.role, content: textOf(m.content) }));
    if (api === 'anthropic' && body.system) messages.unshift({ role: 'system', content: textOf(body.system) });
    const tools = (body.tools as { name?: string }[] | undefined) ?? [];
    const json =
      api === 'chat'
        ? body.response_format !== undefined
        : tools.some((t) => t.name === 'json') || !!(body.output_config as { format?: unknown } | undefined)?.format || !!body.output_format;
    const usesJsonTool = api === 'anthropic' && tools.some((t) => t.name === 'json');
    const request: FakeRequest = {
      index: counter++,
      api,
      model: String(body.model),
      messages,
      json,
      credential: (req.headers.authorization as string | undefined) ?? (req.headers['x-api-key'] as string | undefined) ?? null,
      ...(parseReferenceTask(messages) ?? { form: 'parley' as const, task: parseTask(messages) }),
      body,
    };
    requests.push(request);

    if (options.rejectStructuredOutput && json) {
      await sleep(options.latencyMs ?? 0);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: "response_format of type 'json_schema' is not supported by this server", type: 'invalid_request_error' } }));
      return;
    }
    const scripted = script?.(request);
    const reply: FakeReply = scripted === undefined ? { kind: 'answer' } : typeof scripted === 'string' ? { kind: 'answer', content: scripted } : scripted;
    if (reply.kind === 'hang') return; // the client gives up; close() destroys the socket
    await sleep((options.latencyMs ?? 0) + (reply.delayMs ?? 0));
    if (res.destroyed) return;
    if (reply.kind === 'status') {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body ?? { error: { message: `fake error ${reply.status}`, type: 'server_error' } }));
      return;
    }
    const thoughts = padTo('Thinking it over privately.', options.thoughtsChars ?? 0);
    const fields = legalFields(request.task, messages.map((m) => m.content).join('\n'), options.messageChars);
    const content = reply.content ?? (request.form === 'parley' ? render(fields, json, thoughts) : renderReference(request.form, fields, thoughts));
    const promptTokens = tokens(messages.map((m) => m.content).join(''));
    res.writeHead(200, { 'content-type': 'application/json' });
    if (api === 'chat') {
      res.end(
        JSON.stringify({
          id: `chatcmpl-${request.index}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: request.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: promptTokens, completion_tokens: tokens(content), total_tokens: promptTokens + tokens(content) },
        }),
      );
      return;
    }
    let toolInput: unknown = null;
    if (usesJsonTool) {
      try {
        toolInput = JSON.parse(content);
      } catch {
        toolInput = null; // malformed JSON cannot be a tool input: answer as text instead
      }
    }
    res.end(
      JSON.stringify({
        id: `msg_${request.index}`,
        type: 'message',
        role: 'assistant',
        model: request.model,
        content: toolInput !== null ? [{ type: 'tool_use', id: `toolu_${request.index}`, name: 'json', input: toolInput }] : [{ type: 'text', text: content }],
        stop_reason: toolInput !== null ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: promptTokens, output_tokens: tokens(content) },
      }),
    );
  }

  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let open = true;
    const done = () => {
      if (open) inFlight--;
      open = false;
    };
    res.on('finish', done);
    res.on('close', done);
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    resetMaxInFlight() {
      maxInFlight = inFlight;
    },
    reset() {
      requests.length = 0;
      counter = 0;
      script = options.script;
    },
    setScript(next) {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Run the fake server on its own (for trying the simulator by hand, and for the benchmark):
 * `tsx test/llm/fake-openai-server.ts [port] [latencyMs] [messageChars] [thoughtsChars]`.
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, latencyMs, messageChars, thoughtsChars] = process.argv.slice(2).map(Number);
  const fake = await startFakeOpenAI({ port: port || 0, latencyMs: latencyMs || 0, messageChars: messageChars || 0, thoughtsChars: thoughtsChars || 0 });
  console.log(`fake OpenAI-compatible server: ${fake.url} (latency ${latencyMs || 0} ms)`);
}
