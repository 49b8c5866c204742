#!/bin/sh
# Installs what the tests need beyond the lockfile, when missing:
# - Debian's Chromium (the end-to-end tests drive it; never a downloaded browser);
# - DuckDB's Node bindings (the local BigQuery test server runs SQL in DuckDB). They stay out of
#   the lockfile because the registry mirror has only the linux-x64 build, and npm ci refuses a
#   lockfile that lacks the other platforms' optional packages.
set -e
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing chromium from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The tests need Chromium: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi
if ! node -e "require.resolve('@duckdb/node-api')" 2>/dev/null; then
  echo "Installing @duckdb/node-api (not saved)"
  npm install --no-save --no-audit --no-fund @duckdb/node-api@1.5.6-r.1 >/dev/null
fi
