#!/usr/bin/env bash
# Every benchmark of issue 16 in one run, for the README's tables:
#
#   bench/all.sh OUT_DIR [S M L]
#
# Needs the generated tenants in liaison_bench_s / _m / _l (bench/README.md,
# "How to run"), Redis on 127.0.0.1:6379 (database 5 is the cache the ranking
# benchmark's server and client share) and nothing else running: the figures
# are only worth reading from a quiet machine (each file starts with the load
# average). One file per benchmark and scale in OUT_DIR.
set -euo pipefail

[ $# -ge 1 ] || {
    echo "usage: $0 OUT_DIR [S M L]" >&2
    exit 2
}
OUT=$1
shift
SCALES=("${@:-S M L}")
# shellcheck disable=SC2206 # the scales are words
SCALES=(${SCALES[*]})
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p "$OUT"
PY=.venv/bin/python
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/5}"

. .ci/lib.sh # free_port

run() { # name scale command...
    local name=$1 scale=$2
    shift 2
    local file="$OUT/$name-$scale.txt"
    {
        printf '# %s at %s, %s, commit %s\n' "$name" "$scale" "$(date -u +%FT%TZ)" \
            "$(git rev-parse --short HEAD)"
        printf '# load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    } >"$file"
    echo "== $name $scale"
    "$@" >>"$file" 2>&1 || echo "# exit status $?" >>"$file"
    printf '# load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$file"
    tail -n 4 "$file"
}

for scale in "${SCALES[@]}"; do
    lower=$(echo "$scale" | tr '[:upper:]' '[:lower:]')
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/liaison_bench_$lower"
    repeat=3
    [ "$scale" = L ] && repeat=1
    once=()
    [ "$scale" = L ] && once=(--recompute-once)
    run ranking "$scale" "$PY" bench/run.py --scale "$scale" --repeat "$repeat" --finalise "${once[@]}"
    run quota "$scale" "$PY" bench/quota.py --scale "$scale" --repeat "$repeat"
    run exports "$scale" "$PY" bench/exports.py --scale "$scale" --repeat "$repeat"
    run ledger-rss "$scale" "$PY" bench/ledger_rss.py --scale "$scale"
    if [ "$scale" != L ]; then
        redis-cli -n 5 flushdb >/dev/null
        if [ "$scale" = S ]; then
            run http-lists S "$PY" bench/http_lists.py --scale S
            port=$(free_port)
            env DJANGO_SETTINGS_MODULE=liaison.settings.local DEBUG=0 \
                .venv/bin/gunicorn liaison.wsgi:application --workers=2 \
                --bind="127.0.0.1:$port" --log-level=warning --timeout=120 &
            server=$!
            sleep 5
            run ranking-cache S "$PY" bench/ranking_cache.py --scale S \
                --http "http://127.0.0.1:$port"
            kill "$server" && wait "$server" 2>/dev/null || true
        else
            run ranking-cache "$scale" "$PY" bench/ranking_cache.py --scale "$scale"
        fi
    fi
done
echo "all done: $OUT"
