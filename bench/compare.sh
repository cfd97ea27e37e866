#!/usr/bin/env bash
# Polyport beside the reference stacks of ../shared/anchors, in one run, with the anchors' own load
# scripts (h2load, anchors.client.UnaryBench, StreamBench), each target on a fresh database of the
# same kind: one anchors.db.MongoStandalone (memory backend) per target.
#
#   bench/compare.sh [--anchors DIR] [--jar target/polyport.jar] [--out DIR] [--quick] [--rounds N]
#                    [--warm-1x1 N]
#
# Layout as in the anchors' run_all.sh: each server and its database pinned to core 1, every load
# tool to core 0; servers JVMs with the same flags (-XX:+UseParallelGC -Xms1g -Xmx1g).
# Targets: Polyport (gRPC and REST on one port), grpc-java (plain grpc-java on Netty, direct
# executor), the seed stack's FastAPI gateway -> grpc.aio (REST only).
# Figures: GetUser 1x1 and 4x16 (h2load), CreateUser 1x1 and 4x16 (UnaryBench: a new email per
# request), ListUsers 1 and 4 streams (StreamBench), REST GET /users/{id} at 1 and 64 connections.
# Polyport and grpc-java run at the same time and are measured in turns, ROUNDS times (4, or --rounds; 1
# with --quick); OUT/summary.txt has the median of each figure and the ratios, also round by round, and marks
# a unary figure whose load tool used 90 % of its core or more (CreateUser 4x16: UnaryBench at 89-101 % in runs
# T-W; bench/unary.sh measures CreateUser under load with a client that is not the limit).
# GetUser 1x1 is measured after --warm-1x1 (2,000) unmeasured calls at 1x1.
# Needs: the anchors built (mvn -q -f DIR/grpc-java/pom.xml package; DIR/seed-python/gen.sh) and
# their Debian packages (see DIR/README.md); `mvn -B package` here for target/polyport.jar.
# Every process started here is stopped by PID on exit. Results: OUT/results.txt, one line each.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ANCHORS="${ANCHORS:-$HERE/../shared/anchors}"; JARP="$HERE/target/polyport.jar"
OUT="/tmp/polyport-compare-$(date +%Y%m%d-%H%M%S)"; QUICK=0; ROUNDS_ARG=; W1=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) ANCHORS="$2"; shift 2 ;;
    --jar) JARP="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --warm-1x1) W1="$2"; [[ "$2" =~ ^[0-9]+$ ]] || { echo "--warm-1x1 takes a count" >&2; exit 2; }; shift 2 ;;
    --rounds) ROUNDS_ARG="$2"; [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a positive count" >&2; exit 2; }; shift 2 ;;
    *) sed -n '2,22p' "$0" >&2; exit 2 ;;
  esac
done
{
source "$HERE/bench/common.sh"
source "$HERE/bench/pinned.sh"
if [ "$QUICK" = 1 ]; then GN=(5000 20000); CN=(5000 10000); WARM=60000; RN=(2000 8000); SR=3; ROUNDS=1
# CreateUser at 1x1: UnaryBench is a fresh JVM whose warm-up runs at 16 in flight, and it used 95-100 % of
# its core at 1x1 with 5,000 calls (run O): 20,000 calls leave its 1x1 path's compilation a smaller share
else GN=(10000 50000); CN=(20000 20000); WARM=600000; RN=(3000 20000); SR=5; ROUNDS=4; fi
ROUNDS="${ROUNDS_ARG:-$ROUNDS}"

stop_server() { stop_pid "$1"; forget_pid "$1"; }
measure() { wait_quiet 60 15 >/dev/null; say "$("$@" || true)"; }

rest_figures() { # LABEL BASE ID SERVER_PIDS DB_PID: REST GET of one user at 1 and 64 connections
  local label="$1" base="$2" id="$3" sp="$4" dp="$5"
  measure "$BENCH_DIR/rest.sh" "$base" get -c 1 -n "${RN[0]}" -w 500 --id "$id" --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label"
  measure "$BENCH_DIR/rest.sh" "$base" get -c 64 -n "${RN[1]}" -w 1000 --id "$id" --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label"
}
rss() { awk '/VmRSS/ { printf "%.0fMiB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo na; }

say "# compare $(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) quick=$QUICK warm_1x1=$W1 polyport=$(revision)"
say "# $(h2load --version | head -1); $(java -version 2>&1 | head -1)"

# 1. Polyport and grpc-java side by side, each on its own MongoStandalone, all pinned to the server core;
# their figures are taken in turns (Polyport, grpc-java; then grpc-java, Polyport; ...) so that whatever else
# slows the machine down for a while (this is a VM) lands on both, and every figure is taken ROUNDS times.
start_db polyport 17081; D1="$DBPID"
start_java_server polyport 19081 "$JARP" "$MURI"
P1="$SPID"
start_db grpc-java 17082; D2="$DBPID"
start_java_server grpc-java 19082 grpc-java "$MURI"
P2="$SPID"
declare -A ID
for t in "polyport 19081" "grpc-java 19082"; do
  read -r label port <<<"$t"
  users_and_id "127.0.0.1:$port"; ID[$label]="$FIRST_ID"
  warm_up "127.0.0.1:$port" "$FIRST_ID" "$WARM"
  "$BENCH_DIR/stream.sh" "127.0.0.1:$port" --client java --repeat 5 --warmup 5 --cpu "$LCPU" >/dev/null || true
done
rest_id="$(taskset -c "$LCPU" "$PY" "$BENCH_DIR/rest_tool.py" one-id --url http://127.0.0.1:19081)"
"$BENCH_DIR/rest.sh" http://127.0.0.1:19081 get -c 64 -n "${RN[1]}" --id "$rest_id" --cpu "$LCPU" >/dev/null || true
for round in $(seq "$ROUNDS"); do
  turns "$round" "polyport 19081 $P1 $D1" "grpc-java 19082 $P2 $D2" # who goes first alternates: keep ROUNDS even
  for t in "${TURNS[@]}"; do
    read -r label port sp dp <<<"$t"
    tg="127.0.0.1:$port"
    measure "$BENCH_DIR/grpc_unary.sh" "$tg" get -c 1 -m 1 -n "${GN[0]}" -w "$W1" --id "${ID[$label]}" --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label"
    measure "$BENCH_DIR/grpc_unary.sh" "$tg" get -c 4 -m 16 -n "${GN[1]}" -w 5000 --id "${ID[$label]}" --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label"
    for par in 1 4; do
      measure "$BENCH_DIR/stream.sh" "$tg" --client java --repeat "$SR" --warmup 2 --parallel "$par" --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label"
    done
    measure "$BENCH_DIR/grpc_unary.sh" "$tg" create -c 1 -m 1 -n "${CN[0]}" --tool java --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label"
    measure "$BENCH_DIR/grpc_unary.sh" "$tg" create -c 4 -m 16 -n "${CN[1]}" --tool java --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label"
    [ "$label" != polyport ] || rest_figures polyport http://127.0.0.1:19081 "$rest_id" "$sp" "$dp"
  done
done
say "# polyport rss=$(rss "$P1") grpc-java rss=$(rss "$P2")"
stop_server "$P1"; stop_server "$D1"; stop_server "$P2"; stop_server "$D2"

# 3. the seed stack: FastAPI gateway -> grpc.aio -> MongoStandalone, all on the server core
start_db gateway 17083; D3="$DBPID"
start_server gw-grpc 19083 env MONGO_URI="$MURI" "$PY" "$ANCHORS_DIR/seed-python/grpc_server.py" --port 19083
P3="$SPID"
say "# $(taskset -c "$LCPU" "$PY" "$BENCH_DIR/grpc_tool.py" preload --target 127.0.0.1:19083 -n 10000 --deadline 300)"
start_server fastapi-gateway 8083 env ANCHOR_MODE=gateway GRPC_TARGET=127.0.0.1:19083 "$PY" -m uvicorn rest_app:app \
  --app-dir "$ANCHORS_DIR/seed-python" --host 127.0.0.1 --workers 1 --loop asyncio --http h11 --no-access-log --log-level warning --port 8083
P4="$SPID"
"$BENCH_DIR/rest.sh" http://127.0.0.1:8083 get -c 64 -n 2000 --cpu "$LCPU" >/dev/null || true
gw_id="$(taskset -c "$LCPU" "$PY" "$BENCH_DIR/rest_tool.py" one-id --url http://127.0.0.1:8083)"
for round in $(seq "$ROUNDS"); do
  rest_figures fastapi-gateway http://127.0.0.1:8083 "$gw_id" "$P4,$P3" "$D3"
done
stop_server "$P4"; stop_server "$P3"; stop_server "$D3"
"$PY" "$HERE/bench/summary.py" "$RES" | tee "$OUT/summary.txt"
finish_run
exit 0
}
