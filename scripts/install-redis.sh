#!/usr/bin/env bash
# Installs Debian's Redis server for the Redis adapter tests (test/support/redis.ts starts a
# throwaway server of its own per test file; no service is started or enabled here). Safe to run
# repeatedly, as root or with sudo, with no prompts.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "Redis already installed: $(redis-server --version)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-redis: need root (or sudo) to apt-get install redis-server" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# policy-rc.d answering 101 keeps the package from starting its service: the tests start their own
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y --no-install-recommends redis-server
redis-server --version
