#!/usr/bin/env bash
# Installs Debian's Redis server for the Redis adapter tests (test/support/redis.ts starts a
# throwaway server of its own per test file; no service is started or enabled here). Safe to run
# repeatedly, as root or with sudo, with no prompts.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "Redis already installed: $(redis-server --version)"
  exit 0
fi

bash "$(dirname "$0")/apt-install.sh" install-redis redis-server
redis-server --version
