#!/usr/bin/env bash
# Installs Debian's glance-api (OpenStack Glance; Zed on bookworm) when it is missing, without
# starting the packaged service. Needs root; otherwise prints the command to run.
set -euo pipefail
if command -v glance-api >/dev/null 2>&1 && command -v glance-manage >/dev/null 2>&1; then
  echo "glance-api is installed: $(dpkg-query -W -f='${Version}' glance-api 2>/dev/null || echo '?')"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "glance-api is not installed. As root, run:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y glance-api" >&2
  exit 1
fi
apt-get update -qq
# A container's policy-rc.d usually stops the package from starting its own service; nothing here
# needs that service (the tests start their own instance on loopback).
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq glance-api >/dev/null
echo "glance-api installed: $(dpkg-query -W -f='${Version}' glance-api)"
