// The participant REST calls of a study (docs/studies.md): entering through the public link, then
// one call per page, all keyed by the participant token. Nothing here knows about the DOM.
import type { Judgement, ParticipantState, QuizResult } from '../../shared/protocol/study.ts';
import { errorMessage, readJsonBody } from '../http.ts';

export type { Judgement, ParticipantState, QuizResult };

/** A refusal from the server, with its HTTP status (0: the server could not be reached). */
export class StudyHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** seconds, from a 429's Retry-After */
    readonly retryAfterSec: number | null = null,
  ) {
    super(message);
    this.name = 'StudyHttpError';
  }
}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new StudyHttpError(0, 'The server cannot be reached. Check your connection; this page keeps trying.');
  }
  if (response.status === 204) return undefined as T;
  const parsed = await readJsonBody(response);
  if (!response.ok) {
    const error = errorMessage(parsed, response.status);
    const retry = Number(response.headers.get('retry-after'));
    throw new StudyHttpError(response.status, error, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return parsed as T;
}

const participant = (token: string, what = '') => `/api/participants/${encodeURIComponent(token)}${what ? `/${what}` : ''}`;

export const studyApi = {
  enter(slug: string, query: Record<string, string>, token: string | null): Promise<{ token: string; state: ParticipantState }> {
    return call('POST', `/api/s/${encodeURIComponent(slug)}/enter`, token ? { query, token } : { query });
  },
  state(token: string): Promise<ParticipantState> {
    return call('GET', participant(token));
  },
  consent(token: string): Promise<ParticipantState> {
    return call('POST', participant(token, 'consent'), { consent: true });
  },
  instructions(token: string): Promise<ParticipantState> {
    return call('POST', participant(token, 'instructions'), {});
  },
  quiz(token: string, answers: Record<string, number>): Promise<{ state: ParticipantState; result: QuizResult }> {
    return call('POST', participant(token, 'quiz'), { answers });
  },
  survey(token: string, answers: Record<string, number | string>, judgements?: Judgement[]): Promise<ParticipantState> {
    return call('POST', participant(token, 'survey'), judgements ? { answers, judgements } : { answers });
  },
  /** A page view, for the log; failures are not the participant's problem. */
  page(token: string, page: string): void {
    call('POST', participant(token, 'page'), { page }).catch(() => {});
  },
};
