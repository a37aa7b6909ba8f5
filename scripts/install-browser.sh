#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (playwright-core drives /usr/bin/chromium;
# playwright's own browser downloads are not used). Safe to run repeatedly, as root, with no prompts.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

bash "$(dirname "$0")/apt-install.sh" install-browser chromium fonts-dejavu-core
/usr/bin/chromium --version
