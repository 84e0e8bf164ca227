#!/usr/bin/env bash
# Puts Node 22 (Lambda's nodejs22.x) first on PATH, so npm itself and every npm script,
# test and benchmark run on it. Node 22 already on PATH is used as is; otherwise the
# version in .node-version comes from the npm registry's per-platform build package
# (node-<platform>-<arch>, a plain tarball with bin/node and no install script) into the
# project-local .tools/ folder, once. Nothing is downloaded from outside the registry.
#
#   . scripts/node22.sh             # this shell (then npm ci, npm start, npm test as usual)
#   scripts/node22.sh npm test      # one command
_n22_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != 22 ]; then
  _n22_version="$(tr -d '[:space:]v' <"$_n22_root/.node-version")"
  _n22_package="node-$(node -p '(process.platform === "win32" ? "win" : process.platform) + "-" + process.arch')"
  _n22_tools="$_n22_root/.tools/node-$_n22_version"
  if [ ! -x "$_n22_tools/node_modules/$_n22_package/bin/node" ]; then
    npm install --prefix "$_n22_tools" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "$_n22_package@$_n22_version" >&2 || { echo "Could not install $_n22_package@$_n22_version from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_n22_tools/node_modules/$_n22_package/bin:$PATH"
fi
unset _n22_root _n22_version _n22_package _n22_tools
# Run as a command: run the arguments on Node 22.
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$#" -gt 0 ]; then exec "$@"; fi
