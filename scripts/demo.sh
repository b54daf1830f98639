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

# A local copy of orders: its code is in the cluster, in the ConfigMap its pods mount. On this one
# machine pods and "laptop" share the network, so the copy takes a free port of its own.
kubectl --cache-dir "$work/kube-cache" get configmap orders-app -o jsonpath='{.data.server\.js}' >"$work/orders.js"
local_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
echo "\$ kubectl intercept orders --port $local_port:http --http-header x-dev=demo -- node orders.js"
./dist/kubectl-intercept orders --port "$local_port:http" --http-header x-dev=demo \
  -- sh -c "PORT=$local_port VERSION=laptop POD_NAME=\$(hostname) exec node '$work/orders.js'" >"$work/intercept.log" 2>&1 &
icpt=$!
for _ in $(seq 1 600); do
  grep -q ': active$' "$work/intercept.log" 2>/dev/null && break
  kill -0 "$icpt" 2>/dev/null || break
  sleep 0.1
done
cat "$work/intercept.log"
grep -q ': active$' "$work/intercept.log" || { echo "the intercept did not become active" >&2; exit 1; }
# The local copy starts beside the intercept; on a busy machine it may listen a moment later.
for _ in $(seq 1 100); do
  (echo >"/dev/tcp/127.0.0.1/$local_port") 2>/dev/null && break
  sleep 0.1
done
ip=$(kubectl --cache-dir "$work/kube-cache" get svc orders -o jsonpath='{.spec.clusterIP}')
echo
echo "Requests to the orders Service ($ip:8080): with x-dev: demo they reach the local copy (version laptop),"
echo "without it they stay in the playground (version v1):"
for dev in demo "" demo; do
  printf '\n$ curl %s http://%s:8080/orders/42\n' "${dev:+-H 'x-dev: $dev'}" "$ip"
  curl -s ${dev:+-H "x-dev: $dev"} "http://$ip:8080/orders/42" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(`answered by ${r.pod} (version ${r.version}), x-dev=${r.xDev}`)})'
done
sleep 0.5
echo
echo "What the intercept showed meanwhile (one line per intercepted request):"
grep -E '^[0-9:.]+ ' "$work/intercept.log" | tail -5 || true
if [ -t 0 ]; then
  echo
  echo "The intercept keeps running: try  curl -H 'x-dev: demo' http://$ip:8080/  or watch $work/intercept.log"
  echo "Press Ctrl-C to leave the intercept and stop the playground."
  wait "$icpt" || true
fi
kill -TERM "$icpt" 2>/dev/null || true
wait "$icpt" 2>/dev/null || true
echo
echo "After leaving, the workload is as it was:"
tail -3 "$work/intercept.log"
kc get deploy orders -o wide
