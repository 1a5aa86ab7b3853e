#!/usr/bin/env bash
# Native addons (better-sqlite3, used by apps/sync-report) are compiled by node-gyp when no
# prebuilt binary can be downloaded. node-gyp wants Node's headers in its cache and would try
# to download them; this machine's Node ships them under /usr/include/node, so put them where
# node-gyp looks. Safe to run repeatedly.
set -eu
version="$(node -p process.versions.node)"
cache="${HOME}/.cache/node-gyp/${version}"
if [ -f "${cache}/include/node/node_api.h" ]; then exit 0; fi
for prefix in /usr /usr/local "$(dirname "$(dirname "$(command -v node)")")"; do
  if [ -f "${prefix}/include/node/node_api.h" ]; then
    mkdir -p "${cache}/include"
    cp -r "${prefix}/include/node" "${cache}/include/"
    echo 11 > "${cache}/installVersion"
    echo "node-gyp: using Node headers from ${prefix}/include/node"
    exit 0
  fi
done
echo "node-gyp: no local Node headers found; native addons will try to download them" >&2
