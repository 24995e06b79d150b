#!/bin/sh
# The monitoring server on the bundled demo app, offline, start to finish:
#   start `garrison serve` on a fresh SQLite database, create tokens, upload the bundled
#   advisories, push the demo app's SBOM as a build of team "shop", report that it runs in
#   prod, ask the gate (it blocks: the demo has HIGH and CRITICAL findings), list findings
#   and issues, check the audit log. With --keep the server keeps running for the web UI.
# Run from anywhere: examples/server/demo.sh [--keep]   (needs `garrison` on PATH: make install)
set -eu
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/garrison-server-demo.XXXXXX")
port=${GARRISON_DEMO_PORT:-8088}
server="http://127.0.0.1:$port"
export GARRISON_SERVER_CONFIG=examples/server/server.yaml
export GARRISON_SERVER_DATABASE_URL="sqlite:///$work/server.db"
export GARRISON_SERVER_ADVISORY_DB="$work/advisories.sqlite3"
export GARRISON_SERVER="$server"

step() { printf '\n== %s\n' "$*"; }

step "tokens (each shown once; only their hash is stored)"
admin=$(garrison token create --role admin --name demo-admin 2>/dev/null)
ci=$(garrison token create --role uploader --team shop --name shop-ci 2>/dev/null)
viewer=$(garrison token create --role viewer --team shop --name shop-viewer 2>/dev/null)
echo "admin, shop uploader and shop viewer tokens created"

step "garrison serve on $server (log: $work/server.log)"
garrison serve --port "$port" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
tries=0
until python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
        "$server/healthz" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        cat "$work/server.log" >&2; echo "the server did not start" >&2; exit 2
    fi
    sleep 0.2
done
echo "up"

step "the bundled OSV advisories into the server's database (admin)"
GARRISON_TOKEN=$admin garrison push advisories examples/advisories

step "CI pushes the demo app's SBOM (uploader token of team shop)"
GARRISON_TOKEN=$ci garrison push sbom examples/demo-app/sbom.cdx.json \
    --key demo-app@1.0.0 --name demo-app --version 1.0.0 --created 2026-01-15T10:00:00Z

step "CD reports where it runs"
GARRISON_TOKEN=$ci garrison push deployment --environment prod --cluster local \
    --workload demo-app --artifact demo-app@1.0.0

step "the gate for the next build (exit 1: blocked)"
status=0
GARRISON_TOKEN=$ci garrison gate demo-app@1.0.0 || status=$?
echo "garrison gate exited $status"

step "what the shop team sees (viewer token): findings, issues"
GARRISON_TOKEN=$viewer python3 - "$server" <<'PY'
import json, os, sys, urllib.request

def get(path):
    request = urllib.request.Request(sys.argv[1] + path)
    request.add_header("Authorization", "Bearer " + os.environ["GARRISON_TOKEN"])
    return json.load(urllib.request.urlopen(request, timeout=10))["items"]

for f in sorted(get("/api/v1/findings"), key=lambda f: f["rule_id"]):
    print(f"finding {f['rule_id']:<20} {f['severity']:<9} {f['state']:<10} {f['package'] or ''}")
for i in sorted(get("/api/v1/issues"), key=lambda i: i["title"]):
    print(f"issue   {i['state']:<6} {i['title']}")
PY

step "the audit log's hash chain"
garrison audit verify

if [ "${1:-}" = "--keep" ]; then
    (umask 077 && printf '%s\n' "$viewer" >"$work/viewer.token")
    step "web UI: $server/ui/login"
    echo "Sign in with the viewer token in $work/viewer.token (mode 600). Ctrl-C stops the server."
    wait "$pid"
fi
