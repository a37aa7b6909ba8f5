import type Database from 'better-sqlite3';
import type { StudyLookup } from './summary.ts';

/**
 * Which study (and arm) a session's table belongs to, from the studies' tables in the same SQLite
 * file (server/studies/store.ts). A table's study never changes, so found answers are kept; a miss
 * is asked again, since the waiting room records its table just after creating the session.
 */
export function studyLookup(db: Database.Database): StudyLookup {
  const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'study_tables'").get() !== undefined;
  if (!hasTables) return () => null;
  const query = db.prepare(
    'SELECT t.study_id AS id, s.slug AS slug, t.arm AS arm FROM study_tables t JOIN studies s ON s.id = t.study_id WHERE t.session_id = ?',
  );
  const found = new Map<string, { id: string; slug: string; arm: string }>();
  return (sessionId) => {
    const known = found.get(sessionId);
    if (known) return known;
    const row = query.get(sessionId) as { id: string; slug: string; arm: string } | undefined;
    if (!row) return null;
    const study = { id: row.id, slug: row.slug, arm: row.arm };
    found.set(sessionId, study);
    return study;
  };
}
