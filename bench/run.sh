#!/usr/bin/env bash
# The load run: gunicorn + PostgreSQL (+ Redis cache) on this machine, wrk on
# loopback, a fixed duration per endpoint. Prints a Markdown table; `make bench`
# runs it and bench/RESULTS.md keeps the figures with the machine they came from.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${BENCH_PORT:-8765}
DURATION=${BENCH_DURATION:-15s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
WORKERS=${BENCH_WORKERS:-3}
DB=orderly_bench
BIN=.venv/bin
OUT=bench/out
mkdir -p "$OUT"

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }

psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres "$DB"

export DJANGO_ENV=production DEBUG=false SECURE_SSL_REDIRECT=false LOG_LEVEL=WARNING
export SECRET_KEY="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL=redis://127.0.0.1:6379/9 EMAIL_URL=smtp://127.0.0.1:25
export STATIC_ROOT="$PWD/$OUT/static" API_THROTTLE_ANON=1000000/min API_THROTTLE_USER=1000000/min

$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py seed_demo > "$OUT/seed.txt"
$BIN/python bench/grow.py

$BIN/gunicorn config.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" \
  --log-level warning > "$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

BASE="http://127.0.0.1:$PORT"
TOKEN=$($BIN/python bench/session_token.py "$BASE")
SLUG=$(curl -fs "$BASE/api/v1/products/" | $BIN/python -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["slug"])')

run() {  # name, path, [header]
  local name=$1 path=$2 header=${3:-}
  local args=(-t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency)
  [ -n "$header" ] && args+=(-H "$header")
  wrk "${args[@]}" "$BASE$path" > "$OUT/$name.txt"
  $BIN/python bench/summarise.py "$name" "$path" "$OUT/$name.txt"
}

echo "| endpoint | path | req/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
run health /healthz
run catalogue-page "/"
run catalogue-search "/?q=bread"
run product-page "/products/$SLUG/"
run products-api "/api/v1/products/"
run product-api "/api/v1/products/$SLUG/"
run slots-api "/api/v1/slots/"
run cart-api /api/v1/cart/ "X-Session-Token: $TOKEN"
run orders-api /api/v1/orders/ "X-Session-Token: $TOKEN"
