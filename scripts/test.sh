#!/usr/bin/env bash
# The one test command: installs exactly the locked dependencies, then lint, type-check, build and
# every test (unit, integration and end to end on the playground).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm test
