#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the PostgreSQL tests (test/support/postgres.ts starts a
# throwaway server of its own per test file; no service is started or enabled here). Safe to run
# repeatedly, as root or with sudo, with no prompts.
set -euo pipefail

find_initdb() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir 2>/dev/null || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir/initdb"; return 0; fi
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$dir/initdb" ]; then echo "$dir/initdb"; return 0; fi
  done
  return 1
}

if initdb="$(find_initdb)"; then
  echo "PostgreSQL already installed: $("$initdb" --version)"
  exit 0
fi

bash "$(dirname "$0")/apt-install.sh" install-postgres postgresql
"$(find_initdb)" --version
