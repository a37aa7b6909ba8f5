#!/usr/bin/env bash
# apt-installs Debian packages for the tests, as root or with sudo, with no prompts, starting no
# service (the tests start their own servers): scripts/apt-install.sh WHO PACKAGE...
# WHO names the calling script in errors. Used by install-browser, install-postgres and install-redis.
set -euo pipefail

who="$1"
shift

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "$who: need root (or sudo) to apt-get install $*" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# policy-rc.d answering 101 keeps a package from starting its service
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y --no-install-recommends "$@"
