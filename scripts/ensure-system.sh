#!/bin/sh
# Installs what the tests need beyond the lockfile, when missing:
# - Debian's Chromium (the end-to-end tests drive it; never a downloaded browser), and its
#   redis-server and nginx (the many-machines tests start their own on 127.0.0.1);
# - DuckDB's Node bindings (the local BigQuery test server runs SQL in DuckDB). They stay out of
#   the lockfile because the registry mirror has only the linux-x64 build, and npm ci refuses a
#   lockfile that lacks the other platforms' optional packages.
set -e
cd "$(dirname "$0")/.."
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing="$missing nginx"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing from Debian:$missing"
    apt-get update -qq
    # The tests start their own redis-server and nginx on ports they pick; never the system services.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    (service nginx stop; service redis-server stop) >/dev/null 2>&1 || true
  else
    echo "The tests need:$missing (sudo apt-get install -y$missing)" >&2
    exit 1
  fi
fi
if ! node -e "require.resolve('@duckdb/node-api')" 2>/dev/null; then
  echo "Installing @duckdb/node-api (not saved)"
  npm install --no-save --no-audit --no-fund @duckdb/node-api@1.5.6-r.1 >/dev/null
fi
