import type { StudyStore } from '../studies/store.ts';
import type { StudyLookup } from './summary.ts';

/**
 * Which study (and arm) a session's table belongs to. A table's study never changes, so found
 * answers are kept; a miss is asked again, since the waiting room records its table just after
 * creating the session.
 */
export function studyLookup(studies: StudyStore): StudyLookup {
  const found = new Map<string, { id: string; slug: string; arm: string }>();
  return (sessionId) => {
    const known = found.get(sessionId);
    if (known) return known;
    const study = studies.studyOfSession(sessionId);
    if (study) found.set(sessionId, study);
    return study;
  };
}
