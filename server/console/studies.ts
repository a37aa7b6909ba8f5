import type { StudyStore } from '../store/index.ts';
import type { StudyLookup } from './summary.ts';

type StudyOfSession = { id: string; slug: string; arm: string };

/**
 * Which study (and arm) a session's table belongs to. A table's study never changes, so found
 * answers are kept; a miss is asked again, since the waiting room records its table just after
 * creating the session. Summaries are built synchronously, so a miss answers null at once and is
 * read in the background; `onFound` then lets the console push the row again.
 */
export function studyLookup(studies: StudyStore): StudyLookup {
  const found = new Map<string, StudyOfSession>();
  const reading = new Map<string, Promise<void>>();
  const read = (sessionId: string): Promise<void> => {
    let pending = reading.get(sessionId);
    if (!pending) {
      pending = studies
        .studyOfSession(sessionId)
        .then((study) => {
          if (!study) return;
          found.set(sessionId, study);
          lookup.onFound?.(sessionId);
        })
        .finally(() => reading.delete(sessionId));
      reading.set(sessionId, pending);
    }
    return pending;
  };
  const lookup: StudyLookup = {
    onFound: null,
    get(sessionId) {
      const known = found.get(sessionId);
      if (known) return known;
      // a failed read leaves the session unknown; the next summary asks again
      read(sessionId).catch(() => undefined);
      return null;
    },
    async load(sessionIds) {
      await Promise.all(sessionIds.filter((id) => !found.has(id)).map(read));
    },
  };
  return lookup;
}
