#!/bin/bash
# Fuzz the served API with schemathesis (see README.md next to this file).
# usage: tests/fuzz/run.sh <login> [port] [extra schemathesis options]
# Needs: a schemathesis venv OUTSIDE the project (ST, default ../st-venv),
# run from the project root. Builds a fresh SQLite demo database each time.
set -eu
LOGIN=${1:?login, e.g. demo-admin}; PORT=${2:-8041}; shift $(( $# < 2 ? $# : 2 ))
ST=${ST:-../st-venv/bin/schemathesis}
DB=/tmp/fuzz-$PORT.sqlite3
CHECKS=${CHECKS:-not_a_server_error,status_code_conformance,response_schema_conformance}
HERE=$(cd "$(dirname "$0")" && pwd)
rm -f "$DB" "$DB-wal" "$DB-shm"
export DATABASE_URL=sqlite:///$DB
.venv/bin/python manage.py migrate -v0 --noinput
.venv/bin/python manage.py demo >/dev/null
.venv/bin/python manage.py runserver 127.0.0.1:$PORT --noreload >"/tmp/fuzz-server-$PORT.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 60); do  # a busy machine starts the server slowly
  curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" -m 2 2>/dev/null && break
  curl -s -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" -m 2 && break
  sleep 1
done
TOKEN=$(curl -s -X POST -H "Content-Type: application/json" \
  -d "{\"username\":\"$LOGIN\",\"password\":\"Demo-pass-2026\"}" \
  "http://127.0.0.1:$PORT/api/v1/auth/token/" | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
# /auth/ is left out: DELETE /auth/token/ would revoke the token mid-run, and
# wrong passwords would lock the login out for 15 minutes.
"$ST" --config-file "$HERE/schemathesis.toml" run \
  "http://127.0.0.1:$PORT/api/v1/schema/?format=json" \
  -H "Authorization: Token $TOKEN" \
  --exclude-path-regex '^/api/v1/auth/' \
  --checks "$CHECKS" --max-examples "${EXAMPLES:-20}" --workers 1 --seed "${SEED:-10}" \
  --phases "${PHASES:-examples,coverage,fuzzing}" --request-timeout 30 --generation-database none --no-color "$@"
