#!/usr/bin/env bash
# Unary figures with the project's own bench tool (Vert.x clients, HdrHistogram): GetUser and CreateUser at 1
# and at 64 requests in flight, on gRPC and REST against Polyport, and on gRPC against the plain grpc-java
# anchor, the two servers side by side on MongoStandalone (memory backend), measured in turns.
#
#   bench/unary.sh [--anchors DIR] [--jar target/polyport.jar] [--seconds 10] [--out DIR]
#
# As in compare.sh: servers and their databases pinned to core 1, the bench tool to core 0 (one event loop).
# gRPC: 1 connection x 1 in flight, 4 connections x 64; REST (HTTP/1.1, one request in flight per
# connection): 1 x 1, 64 x 64. Each CreateUser has a new email. Every row is a new bench JVM: its default 10 s
# unmeasured first (its own JIT), then SECS measured.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ANCHORS="${ANCHORS:-$HERE/../shared/anchors}"; JARP="$HERE/target/polyport.jar"; SECS=10
OUT="/tmp/polyport-unary-$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) ANCHORS="$2"; shift 2 ;;
    --jar) JARP="$2"; shift 2 ;;
    --seconds) SECS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) sed -n '2,11p' "$0" >&2; exit 2 ;;
  esac
done
{
source "$HERE/bench/common.sh"
source "$HERE/bench/pinned.sh"
start_db polyport 17101; D1="$DBPID"
start_java_server polyport 19101 "$JARP" "$MURI"; P1="$SPID"
start_db grpc-java 17102; D2="$DBPID"
start_java_server grpc-java 19102 grpc-java "$MURI"; P2="$SPID"
bench() { # PORT SERVER_PID DB_PID ARGS...
  local port="$1" sp="$2" dp="$3"; shift 3
  wait_quiet 60 15 >/dev/null
  taskset -c "$LCPU" java -Xmx1g -cp "$JARP" io.polyport.bench.Bench --port "$port" --server-pid "$sp" --db-pid "$dp" \
    --max-seconds 300 "$@" | grep -v '^heap' | sed "s/^/port=$port /" | tee -a "$RES"
}
say "# unary $(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) seconds=$SECS polyport=$(revision) (port 19101 = polyport, 19102 = grpc-java)"
for t in "19101 $P1 $D1" "19102 $P2 $D2"; do
  read -r port sp dp <<<"$t"
  # users to read, and a warm-up at full load (JIT on the one core)
  taskset -c "$LCPU" java -Xmx1g -cp "$JARP" io.polyport.bench.Bench --port "$port" --max-seconds 300 \
    -s grpc-get,grpc-create -c 4 -m 64 -d 60 -w 5 --preload 10000 >>"$OUT/warmup.txt"
done
for t in "19101 $P1 $D1" "19102 $P2 $D2"; do
  read -r port sp dp <<<"$t"
  for rpc in grpc-get grpc-create; do
    bench "$port" "$sp" "$dp" -s "$rpc" -c 1 -m 1 -d "$SECS"
    bench "$port" "$sp" "$dp" -s "$rpc" -c 4 -m 64 -d "$SECS"
  done
  if [ "$port" = 19101 ]; then
    for op in rest-get rest-create; do
      bench "$port" "$sp" "$dp" -s "$op" -c 1 -m 1 -d "$SECS"
      bench "$port" "$sp" "$dp" -s "$op" -c 64 -m 64 -d "$SECS"
    done
  fi
done
say "# done: $RES"
exit 0
}
