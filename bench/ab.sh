#!/usr/bin/env bash
# An A/B of two servers at 1 and 64 calls in flight, measured in turns, each on its own MongoStandalone:
# two Polyport jars, one jar with and without some JVM flags, or a jar against the grpc-java anchor.
#
#   bench/ab.sh [--anchors DIR] [--a JAR|grpc-java] [--a-flags "JVM FLAGS"] [--b JAR|grpc-java]
#               [--b-flags "JVM FLAGS"] [--rounds N] [--out DIR]
#
# Layout as in compare.sh: both servers and their databases on core 1, every load tool on core 0, server JVMs
# with -XX:+UseParallelGC -Xms1g -Xmx1g. Each server: 10,000 users, then a warm-up of 600,000 GetUser at 4x16,
# 20,000 at 1x1 and 25,000 CreateUser; then ROUNDS (4) rounds of GetUser 1x1 (20,000, h2load), GetUser 4x16
# (100,000) and CreateUser 1x1 (20,000, the anchors' UnaryBench: a new email per call), A then B in odd
# rounds, B then A in even ones.
# Defaults: A and B both target/polyport.jar. OUT/results.txt has one line per measurement, OUT/summary.txt the
# medians, the ratios and the server CPU per call (bench/summary.py).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ANCHORS="${ANCHORS:-$HERE/../shared/anchors}"; JARP="$HERE/target/polyport.jar"
A_JAR="$JARP"; B_JAR="$JARP"; A_FLAGS=""; B_FLAGS=""; ROUNDS=4
OUT="/tmp/polyport-ab-$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) ANCHORS="$2"; shift 2 ;;
    --a) A_JAR="$2"; shift 2 ;;
    --b) B_JAR="$2"; shift 2 ;;
    --a-flags) A_FLAGS="$2"; shift 2 ;;
    --b-flags) B_FLAGS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a positive count" >&2; exit 2; }; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) sed -n '2,14p' "$0" >&2; exit 2 ;;
  esac
done
for j in "$A_JAR" "$B_JAR"; do [ "$j" = grpc-java ] || [ -f "$j" ] || { echo "missing $j" >&2; exit 1; }; done
{
source "$HERE/bench/common.sh"
source "$HERE/bench/pinned.sh"
say "# ab $(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) polyport=$(revision) rounds=$ROUNDS"
# shellcheck disable=SC2086 # the flags are words
{ start_db a 17131; DA="$DBPID"; start_java_server a 19131 "$A_JAR" "$MURI" $A_FLAGS; PA="$SPID"; }
# shellcheck disable=SC2086
{ start_db b 17132; DB="$DBPID"; start_java_server b 19132 "$B_JAR" "$MURI" $B_FLAGS; PB="$SPID"; }
say "# a: $A_JAR $A_FLAGS; b: $B_JAR $B_FLAGS"
declare -A ID
for t in "a 19131" "b 19132"; do
  read -r label port <<<"$t"
  users_and_id "127.0.0.1:$port"; ID[$label]="$FIRST_ID"
  warm_up "127.0.0.1:$port" "$FIRST_ID" 600000
done
for round in $(seq "$ROUNDS"); do
  turns "$round" "a 19131 $PA $DA" "b 19132 $PB $DB"
  for t in "${TURNS[@]}"; do
    read -r label port sp dp <<<"$t"
    for figure in "get -c 1 -m 1 -n 20000 -w 2000" "get -c 4 -m 16 -n 100000 -w 5000" "create -c 1 -m 1 -n 20000 --tool java"; do
      # shellcheck disable=SC2086
      say "$("$BENCH_DIR/grpc_unary.sh" "127.0.0.1:$port" $figure --id "${ID[$label]}" --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label" || true)"
    done
  done
done
"$PY" "$HERE/bench/summary.py" "$RES" | tee "$OUT/summary.txt"
finish_run
exit 0
}
