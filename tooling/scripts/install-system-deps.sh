#!/usr/bin/env bash
# Installs the system programs the test suites drive as real peers: Chromium (browser
# tests), redis-server (broadcast), nginx-light (deployment tests), curl and openssl.
# Safe to run repeatedly: it installs only what is missing. Needs root and Debian's apt;
# elsewhere it lists what to install and exits non-zero.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing test programs: ${need[*]} — install them with your package manager (Debian: apt-get install -y ${need[*]})" >&2
  exit 1
fi
echo "installing test programs: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
status=$?
# nginx-light's package starts a system nginx on port 80; the tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi
[ -f /run/nginx.pid ] && kill "$(cat /run/nginx.pid)" 2>/dev/null || true
exit $status
