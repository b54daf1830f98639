#!/usr/bin/env bash
# The one test command: installs exactly the locked dependencies, then lint, type-check, build and
# every test (unit, integration and end to end on the playground).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Not `npm ci`: the registry reachable here answers 404 for other platforms' optional
  # packages (@swc/core-darwin-*, ...), so no lockfile made here lists them and `npm ci` refuses
  # it as out of sync. `npm install` keeps the locked versions and skips those optional packages.
  npm install --no-audit --no-fund
fi
npm test
