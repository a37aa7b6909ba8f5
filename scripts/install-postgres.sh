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

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-postgres: need root (or sudo) to apt-get install postgresql" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# policy-rc.d answering 101 keeps the package from starting its cluster service: the tests start their own
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y --no-install-recommends postgresql
"$(find_initdb)" --version
