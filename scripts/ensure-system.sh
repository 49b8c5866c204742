#!/bin/sh
# Installs the system packages the tests need (Debian's Chromium) when they are missing.
# Runs as part of `npm test`; never downloads a browser from anywhere but Debian's archive.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
if [ -n "$need" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing from Debian:$need"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  else
    echo "The tests need:$need. Install with: sudo apt-get install -y$need" >&2
    exit 1
  fi
fi
