// Open-file limits of the bench's processes: every socket is a file, and `ulimit -n` is per process.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function limits(pid: number): { soft: number; hard: number } {
  const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  const value = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
  return { soft: value(m?.[1]), hard: value(m?.[2]) };
}

/** The most files `pid` may open now (its soft limit). */
export function fdLimit(pid: number): number {
  return limits(pid).soft;
}

/**
 * Raise `pid`'s limit to `files` (prlimit; raising the hard limit needs CAP_SYS_RESOURCE, which a
 * container's root may lack), else at least its soft limit up to its hard one. Returns the limit now.
 */
export function raiseFdLimit(pid: number, files = 200_000): number {
  const prlimit = (soft: number, hard: number) => {
    try {
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:${hard}`], { stdio: 'ignore' });
    } catch {
      // no prlimit, or not permitted: keep what the process has
    }
  };
  prlimit(files, files);
  const { soft, hard } = limits(pid);
  if (soft < files && soft < hard && Number.isFinite(hard)) prlimit(Math.min(files, hard), hard);
  return fdLimit(pid);
}
