#!/usr/bin/env bash
# Unary figures with the project's own bench tool (Vert.x clients, HdrHistogram): GetUser and CreateUser at 1
# and at 64 requests in flight, on gRPC and REST against Polyport, and on gRPC against the plain grpc-java
# anchor, the two servers side by side on MongoStandalone (memory backend), measured in turns.
#
#   bench/unary.sh [--anchors DIR] [--jar target/polyport.jar] [--seconds 10] [--rounds 2] [--out DIR]
#
# As in compare.sh: servers and their databases pinned to core 1, the bench tool to core 0 (one event loop);
# gRPC rows in ROUNDS rounds, Polyport first in odd rounds and grpc-java first in even ones (keep ROUNDS even):
# 1 connection x 1 in flight, 4 connections x 64. Then REST (HTTP/1.1, one request in flight per connection,
# Polyport only): 1 x 1, 64 x 64. Every row is a new bench JVM. GetUser rows: 10 s unmeasured first (the
# tool's own JIT: with 2 s it was at 97-99 % of its core at 64 in flight, run h), then SECS measured.
# CreateUser rows are counted, not timed, so that both servers' databases take the same inserts (every create
# stays in the in-memory database; under the anchors' heap flags one that grew to 0.9M users stalled for seconds):
# 20,000 unmeasured then SECS x 2,500 measured at 1 in flight, 150,000 then SECS x 5,000 at 64 (8-10 s unmeasured:
# with 40,000, 2-3 s, the tool was at 81-93 % of its core, run j); with the defaults each server's database holds
# about 540,000 users after the gRPC rounds. About 5 minutes a round, 2 rounds by default (each server first
# once): pool several runs, each on new databases, for more.
# OUT/results.txt has one line per row, OUT/summary.txt the medians and ratios (bench/summary.py).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ANCHORS="${ANCHORS:-$HERE/../shared/anchors}"; JARP="$HERE/target/polyport.jar"; SECS=10; ROUNDS=2
OUT="/tmp/polyport-unary-$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) ANCHORS="$2"; shift 2 ;;
    --jar) JARP="$2"; shift 2 ;;
    --seconds) SECS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a positive count" >&2; exit 2; }; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) sed -n '2,19p' "$0" >&2; exit 2 ;;
  esac
done
{
source "$HERE/bench/common.sh"
source "$HERE/bench/pinned.sh"
start_db polyport 17101; D1="$DBPID"
start_java_server polyport 19101 "$JARP" "$MURI"; P1="$SPID"
start_db grpc-java 17102; D2="$DBPID"
start_java_server grpc-java 19102 grpc-java "$MURI"; P2="$SPID"
POLY="polyport 19101 $P1 $D1"; GJ="grpc-java 19102 $P2 $D2"; C1="$(awk "BEGIN { printf \"%d\", $SECS * 2500 }")"; C64=$((C1 * 2))
tool() { # PORT ARGS...: the bench tool on the load core
  local port="$1"; shift
  taskset -c "$LCPU" java -Xmx1g -cp "$JARP" io.polyport.bench.Bench --port "$port" --max-seconds 300 "$@"
}
bench() { # "LABEL PORT SERVER_PID DB_PID" ARGS...: one measured row, into RES
  local label port sp dp; read -r label port sp dp <<<"$1"; shift
  wait_quiet 60 15 >/dev/null
  # the tool exits non-zero when a row had errors or no call completed (a database stalled for the whole window):
  # the row's line says so, the run goes on, and summary.py leaves the rounds unpaired
  tool "$port" --server-pid "$sp" --db-pid "$dp" "$@" | grep -v '^heap' | sed "s/^/label=$label port=$port /" | tee -a "$RES" \
    || say "# the row above ($label: $*) failed: exit $?"
}
say "# unary $(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) seconds=$SECS rounds=$ROUNDS polyport=$(revision) (port 19101 = polyport, 19102 = grpc-java)"
for t in "$POLY" "$GJ"; do
  read -r _ port _ _ <<<"$t"
  # users to read, and a warm-up at full load (JIT on the one core)
  tool "$port" -s grpc-get -c 4 -m 64 -d 60 -w 5 --preload 10000 >>"$OUT/warmup.txt"
  tool "$port" -s grpc-create -c 4 -m 64 --requests 40000 >>"$OUT/warmup.txt"
done
for round in $(seq "$ROUNDS"); do
  turns "$round" "$POLY" "$GJ"
  for t in "${TURNS[@]}"; do
    bench "$t" -s grpc-get -c 1 -m 1 -d "$SECS"
    bench "$t" -s grpc-get -c 4 -m 64 -d "$SECS"
    bench "$t" -s grpc-create -c 1 -m 1 --warmup-requests 20000 --requests "$C1"
    bench "$t" -s grpc-create -c 4 -m 64 --warmup-requests 150000 --requests "$C64"
  done
done
for op in rest-get rest-create; do
  bench "$POLY" -s "$op" -c 1 -m 1 -d "$SECS"
  bench "$POLY" -s "$op" -c 64 -m 64 -d "$SECS"
done
"$PY" "$HERE/bench/summary.py" "$RES" | tee "$OUT/summary.txt"
finish_run
exit 0
}
