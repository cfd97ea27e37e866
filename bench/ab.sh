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
# (100,000) and CreateUser 1x1 (20,000, the anchors' UnaryBench: a new email per call), A then B.
# Defaults: A and B both target/polyport.jar. OUT/results.txt has one line per measurement, OUT/summary.txt the
# median req/s of each figure and server CPU per call (server CPU over req/s).
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
    *) sed -n '2,13p' "$0" >&2; exit 2 ;;
  esac
done
for j in "$A_JAR" "$B_JAR"; do [ "$j" = grpc-java ] || [ -f "$j" ] || { echo "missing $j" >&2; exit 1; }; done
{
source "$HERE/bench/common.sh"
SCPU=1; LCPU=0
start_side() { # LABEL JAR FLAGS DBPORT PORT -> SPID, DBPID
  local label="$1" jar="$2" flags="$3" dbport="$4" port="$5"
  port_free "$dbport"; port_free "$port"
  start_bg "$OUT/$label-db.log" taskset -c "$SCPU" java -XX:+UseParallelGC -Xms256m -Xmx2g -cp "$JAR" anchors.db.MongoStandalone --port "$dbport" --memory
  DBPID="$BG_PID"; wait_port 127.0.0.1 "$dbport" 60 "$DBPID" || { cat "$OUT/$label-db.log" >&2; exit 1; }
  if [ "$jar" = grpc-java ]; then
    # shellcheck disable=SC2086
    start_bg "$OUT/$label.log" taskset -c "$SCPU" java -XX:+UseParallelGC -Xms1g -Xmx1g $flags -jar "$JAR" --port "$port" \
      --executor direct --mongo-uri "mongodb://127.0.0.1:$dbport"
  else
    # shellcheck disable=SC2086
    start_bg "$OUT/$label.log" env MONGO_URI="mongodb://127.0.0.1:$dbport" PORT="$port" taskset -c "$SCPU" \
      java -XX:+UseParallelGC -Xms1g -Xmx1g $flags -jar "$jar"
  fi
  SPID="$BG_PID"; wait_port 127.0.0.1 "$port" 90 "$SPID" || { cat "$OUT/$label.log" >&2; exit 1; }
  say "# $label: $jar $flags pid=$SPID port=$port"
}
say "# ab $(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) polyport=$(revision) rounds=$ROUNDS"
start_side a "$A_JAR" "$A_FLAGS" 17131 19131; PA="$SPID"; DA="$DBPID"
start_side b "$B_JAR" "$B_FLAGS" 17132 19132; PB="$SPID"; DB="$DBPID"
declare -A ID
for t in "a 19131" "b 19132"; do
  read -r label port <<<"$t"
  taskset -c "$LCPU" "$PY" "$BENCH_DIR/grpc_tool.py" preload --target "127.0.0.1:$port" -n 10000 --deadline 120 >/dev/null
  ID[$label]="$(taskset -c "$LCPU" "$PY" "$BENCH_DIR/grpc_tool.py" first-id --target "127.0.0.1:$port" --deadline 20)"
  "$BENCH_DIR/grpc_unary.sh" "127.0.0.1:$port" get -c 4 -m 16 -n 600000 --id "${ID[$label]}" --cpu "$LCPU" >/dev/null || true
  "$BENCH_DIR/grpc_unary.sh" "127.0.0.1:$port" get -c 1 -m 1 -n 20000 --id "${ID[$label]}" --cpu "$LCPU" >/dev/null || true
  "$BENCH_DIR/grpc_unary.sh" "127.0.0.1:$port" create -c 4 -m 16 -n 20000 --tool java --cpu "$LCPU" >/dev/null || true
  "$BENCH_DIR/grpc_unary.sh" "127.0.0.1:$port" create -c 1 -m 1 -n 5000 --tool java --cpu "$LCPU" >/dev/null || true
done
for round in $(seq "$ROUNDS"); do
  for t in "a 19131 $PA $DA" "b 19132 $PB $DB"; do
    read -r label port sp dp <<<"$t"
    for figure in "get -c 1 -m 1 -n 20000 -w 2000" "get -c 4 -m 16 -n 100000 -w 5000" "create -c 1 -m 1 -n 20000 --tool java"; do
      # shellcheck disable=SC2086
      say "$("$BENCH_DIR/grpc_unary.sh" "127.0.0.1:$port" $figure --id "${ID[$label]}" --cpu "$LCPU" --server-pids "$sp" --db-pids "$dp" --label "$label" || true)"
    done
  done
done
"$PY" - "$RES" <<'PY' | tee "$OUT/summary.txt"
import re, sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    if not line.startswith("grpc-unary "):
        continue
    f = dict(re.findall(r"(\w+)=(\S+)", line))
    rate = float(line.split("req/s=")[1].split()[0])
    cpu = f.get("server_cpu", "na").rstrip("%")
    us = float(cpu) / 100 * 1e6 / rate if cpu not in ("na", "") and rate > 0 else float("nan")
    runs[(f["rpc"], f["conns"] + "x" + f["streams"], f["label"])].append((rate, us))
for (rpc, shape, label), v in sorted(runs.items()):
    print(f"{rpc} {shape} {label}: req/s {', '.join(f'{r:,.0f}' for r, _ in v)}; median {statistics.median(r for r, _ in v):,.0f} req/s,"
          f" {statistics.median(u for _, u in v):.0f} µs server CPU per call")
PY
say "# done: $RES"
exit 0
}
