#!/usr/bin/env bash
# The demo on a fresh clone: installs what is missing, builds, starts the playground cluster and
# shows it with the real kubectl. Ctrl-C (or the end of the demo when not in a terminal) stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Not `npm ci`: the registry reachable here answers 404 for other platforms' optional
  # packages (@swc/core-darwin-*, ...), so no lockfile made here lists them and `npm ci` refuses
  # it as out of sync. `npm install` keeps the locked versions and skips those optional packages.
  npm install --no-audit --no-fund
fi
npm run --silent build
work=$(mktemp -d -t intercept-demo-XXXXXX)
kubeconfig="$work/kubeconfig.yaml"
log="$work/playground.log"
./dist/kubectl-intercept playground --kubeconfig-out "$kubeconfig" >"$log" 2>&1 &
pg=$!
cleanup() {
  kill -TERM "$pg" 2>/dev/null && wait "$pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "starting the playground (log: $log)..."
for _ in $(seq 1 300); do
  grep -q 'ready' "$log" 2>/dev/null && break
  kill -0 "$pg" 2>/dev/null || { cat "$log"; echo "the playground did not start" >&2; exit 1; }
  sleep 0.1
done
grep -q 'ready' "$log" || { cat "$log"; echo "the playground did not become ready in 30 s" >&2; exit 1; }
export KUBECONFIG="$kubeconfig"
kc() { echo "\$ kubectl $*"; kubectl --cache-dir "$work/kube-cache" "$@"; echo; }
kc get po,svc
kc get deploy -o wide
if [ -t 0 ]; then
  echo "The playground keeps running: in another terminal, KUBECONFIG=$kubeconfig kubectl get po -w"
  echo "Press Ctrl-C to stop it."
  wait "$pg"
fi
