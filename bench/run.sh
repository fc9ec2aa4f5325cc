#!/usr/bin/env bash
# `make bench`: Orderly under gunicorn (production settings, Redis cache, 4 sync workers)
# on PostgreSQL, measured with wrk (16 connections) against a bare Django ping served by
# the same gunicorn in the same run. Each endpoint: a warm-up, then RUNS runs of DURATION;
# the medians and their ratios to the ping go to bench/out/results.md (RESULTS.md quotes it).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${BENCH_PORT:-8765}
FLOOR_PORT=${BENCH_FLOOR_PORT:-8766}
WORKERS=${BENCH_WORKERS:-4}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
export THREADS=${BENCH_THREADS:-2}
DURATION=${BENCH_DURATION:-10s}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-3s}
PING_DURATION=${BENCH_PING_DURATION:-5s}
BIN=$PWD/.venv/bin
OUT=$PWD/bench/out
rm -rf "$OUT" && mkdir -p "$OUT"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null

export DJANGO_ENV=production DEBUG=false SECURE_SSL_REDIRECT=false LOG_LEVEL=WARNING
export SECRET_KEY="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL=http://127.0.0.1 EMAIL_URL=smtp://127.0.0.1:25 PAYMENT_PROVIDER=sandbox ALLOW_SANDBOX_PAYMENTS=true
export MEDIA_STORAGE=local
export STATIC_ROOT="$OUT/static"
export API_THROTTLE_ANON=100000000/min API_THROTTLE_USER=100000000/min

PIDS=()
stop_all() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=(); }
trap stop_all EXIT

serve() {  # port, wsgi app, [gunicorn args]
  local port=$1 app=$2; shift 2
  "$BIN/gunicorn" "$app" --workers "$WORKERS" --bind "127.0.0.1:$port" --log-level warning "$@" \
    >> "$OUT/gunicorn.log" 2>&1 &
  PIDS+=($!)
}

wait_up() { for _ in $(seq 1 100); do curl -fs "$1" >/dev/null && return; sleep 0.2; done; echo "$1 never answered"; exit 1; }

database() {  # name, products, past orders, customers, Redis database: seeded for the run
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$1" BENCH_DATA="$OUT/$1"
  export REDIS_URL="redis://127.0.0.1:6379/$5"
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$1"
  createdb -h 127.0.0.1 -U postgres "$1"
  redis-cli -n "$5" flushdb >/dev/null
  "$BIN/python" manage.py migrate --noinput -v0
  "$BIN/python" bench/seed.py --products "$2" --orders "$3" --customers "$4" --out "$BENCH_DATA" \
    > "$BENCH_DATA.seed.json"
  # shellcheck disable=SC1091
  source "$BENCH_DATA/env.sh"
  export SLOT BENCH_OUT=$BENCH_DATA
}

# Checkout customers are used once each: every wrk run starts past the ones used before.
export CHECKOUT_OFFSET=0
wrk_run() {  # output file, seconds, script, url
  wrk -t "$THREADS" -c "$CONNECTIONS" --latency -s "bench/lua/$3.lua" -d "$2" "$4" > "$1"
  if [ "$3" = checkout ]; then  # wrk does not count the requests still open at the end
    CHECKOUT_OFFSET=$((CHECKOUT_OFFSET + CONNECTIONS + $(grep -oP '^\s*\K\d+(?= requests in)' "$1")))
  fi
}

measure() {  # label, base url, path, lua script, [header]: a warm-up, then RUNS runs
  # The ping again just before: the machine's speed drifts within a run, so each endpoint
  # is divided by the yardstick measured next to it.
  if [ "$2" != "$FLOOR" ]; then
    BENCH_HEADER="" wrk_run "$OUT/ping-before-$1.1.txt" "$PING_DURATION" get "$FLOOR/ping"
  fi
  export BENCH_HEADER=${5:-}
  wrk_run "$OUT/warmup.txt" "$WARMUP" "$4" "$2$3"
  for run in $(seq 1 "$RUNS"); do
    wrk_run "$OUT/$1.$run.txt" "$DURATION" "$4" "$2$3"
  done
}

BASE=http://127.0.0.1:$PORT
FLOOR=http://127.0.0.1:$FLOOR_PORT
echo "==> the main run: 10,000 products, 5,000 past orders"
database orderly_bench 10000 5000 10000 9
"$BIN/python" manage.py collectstatic --noinput -v0
serve "$FLOOR_PORT" floor:application --chdir bench/floor
serve "$PORT" config.wsgi
wait_up "$FLOOR/ping"; wait_up "$BASE/healthz"
"$BIN/python" bench/queries.py > "$OUT/queries.json"
measure floor "$FLOOR" /ping get
measure healthz "$BASE" /healthz get
measure products-api "$BASE" /api/v1/products/ get
measure product-api "$BASE" "/api/v1/products/$SLUG/" get
measure search-api "$BASE" "/api/v1/products/?search=$SEARCH" get
measure catalogue-page "$BASE" / get
measure search-page "$BASE" "/?q=$SEARCH" get
measure product-page "$BASE" "/products/$SLUG/" get
measure me-api "$BASE" /api/v1/me/ signed_in
measure cart-add "$BASE" /api/v1/cart/items/ cart_add
measure checkout "$BASE" /api/v1/orders/ checkout
measure floor-after "$FLOOR" /ping get
"$BIN/python" bench/oversold.py > "$OUT/oversold.json"
for pid in $(pgrep -f "gunicorn config.wsgi" || true); do
  awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null
done | sort -n | tail -1 > "$OUT/rss-kb.txt"
stop_all

# The growth rows. Both sizes are served at once, each by its own gunicorn, database and
# Redis database, and measured in turns (small, large, small, ...), each after its own ping:
# the machine's speed drifts over minutes, and measuring one size minutes after the other
# would report that drift as growth. Each turn is 5 s; a warm-up precedes the first.
declare -A GROWTH_PORT=([small]=$((PORT + 2)) [large]=$((PORT + 3)))
declare -A GROWTH_REDIS=([small]=10 [large]=11) GROWTH_OFFSET
echo "==> growth: 1,000 products with 5,000 past orders, and 100,000 with 500,000"
database orderly_bench_small 1000 5000 6000 "${GROWTH_REDIS[small]}"
database orderly_bench_large 100000 500000 6000 "${GROWTH_REDIS[large]}"
serve "$FLOOR_PORT" floor:application --chdir bench/floor
for size in small large; do
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/orderly_bench_$size" \
    REDIS_URL="redis://127.0.0.1:6379/${GROWTH_REDIS[$size]}" \
    serve "${GROWTH_PORT[$size]}" config.wsgi
  wait_up "http://127.0.0.1:${GROWTH_PORT[$size]}/healthz"
  GROWTH_OFFSET[$size]=0
done
wait_up "$FLOOR/ping"

growth() {  # label, path, lua script
  local run size base
  for run in $(seq 1 "$RUNS"); do
    for size in small large; do
      base=http://127.0.0.1:${GROWTH_PORT[$size]}
      export BENCH_OUT=$OUT/orderly_bench_$size CHECKOUT_OFFSET=${GROWTH_OFFSET[$size]} BENCH_HEADER=""
      wrk_run "$OUT/ping-before-$size-$1.$run.txt" 3s get "$FLOOR/ping"
      if [ "$run" = 1 ]; then wrk_run "$OUT/warmup.txt" "$WARMUP" "$3" "$base$2"; fi
      wrk_run "$OUT/$size-$1.$run.txt" 5s "$3" "$base$2"
      GROWTH_OFFSET[$size]=$CHECKOUT_OFFSET
    done
  done
}
growth products-api /api/v1/products/ get
growth search-api "/api/v1/products/?search=$SEARCH" get
growth catalogue-page / get
growth cart-add /api/v1/cart/items/ cart_add
growth checkout /api/v1/orders/ checkout
stop_all

"$BIN/python" bench/report.py "$OUT" | tee "$OUT/results.md"
