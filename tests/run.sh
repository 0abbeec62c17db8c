#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs them.
# Debian's chromium is for the browser tests (Playwright cannot download browsers offline).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)" >&2
  fi
fi
python -m pip install -q -e ".[test]"
python -m pytest "$@"
