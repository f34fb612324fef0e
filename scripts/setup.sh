#!/usr/bin/env bash
# npm run setup: everything the tests need on a fresh Debian or Ubuntu machine with Node 20.
# System packages come from apt (only those missing are installed), then the npm dependencies from
# the lock file. Run as root, or it prints the exact apt command to run first.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the tests drive, and why:
#   chromium              the docs browser tests (playwright-core drives Debian's build; no download)
#   fonts-wqy-microhei    a CJK font, so the Chinese pages render as text in screenshots
#   python3-glanceclient  the real `glance` CLI against the sandbox
#   python3-openstacksdk  the real openstacksdk against the sandbox
#   glance-api            a real OpenStack Glance for the contract suite's compatibility test
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wqy" || missing+=(fonts-wqy-microhei)
command -v glance >/dev/null 2>&1 || missing+=(python3-glanceclient)
# Debian's python, not one from pyenv or a venv on PATH: that is where the apt packages land.
/usr/bin/python3 -c 'import openstack' >/dev/null 2>&1 || missing+=(python3-openstacksdk)
command -v glance-api >/dev/null 2>&1 || [ -x /usr/bin/glance-api ] || missing+=(glance-api)

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: this machine has no apt-get; install the equivalents of: ${missing[*]}" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these system packages are missing: ${missing[*]}" >&2
    echo "setup: run this first, then npm run setup again:" >&2
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
echo "setup: done"
