#!/usr/bin/env bash
# The stream figures of issue 3 with the project's bench tool: ImportUsers and ListUsers of N users (default
# 1,000,000) over gRPC and over REST NDJSON, the server at -Xmx128m, beside the driver alone doing the same
# (unordered bulk inserts of the server's batch size; one cursor read in _id order with its batch size).
#
#   bench/million.sh [--records N] [--cold] [--jar target/polyport.jar] [--anchors DIR] [--out DIR]
#
# The database is an anchors.db.MongoStandalone (memory backend, its own JVM at a fixed 8 GB heap with a 128 MB
# young generation: at -Xms1g it paused 8-12 s per step, full collections of 2.2-3.4 s, run M22; its GC log is
# OUT/db-STEP-gc.log), a fresh one for each
# of the three steps (driver alone, gRPC, REST), so that every step starts on an empty collection in a
# database process that holds nothing else (its cost per insert grows with what its heap holds; each measured
# import goes into a collection holding its step's N/5 warm-up users, unless --cold). Nothing is
# pinned: the load tool, the server and the database share the machine's cores, and the driver baselines
# run in the load tool's JVM, so they get the same cores minus the server. The server's heap is watched by
# the bench tool (--server-pid): peak heap in use and the heap after GCs; and between the steps jcmd prints
# the server's live heap (a class histogram after a full GC, no JMX involved).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ANCHORS="${ANCHORS:-$HERE/../shared/anchors}"; JARP="$HERE/target/polyport.jar"
N=1000000; COLD=0; OUT="/tmp/polyport-million-$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --records) N="$2"; shift 2 ;;
    --cold) COLD=1; shift ;;
    --jar) JARP="$2"; shift 2 ;;
    --anchors) ANCHORS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) sed -n '2,17p' "$0" >&2; exit 2 ;;
  esac
done
{
source "$HERE/bench/common.sh"
DBPORT=17091; PORT=19091; URI="mongodb://127.0.0.1:$DBPORT"
bench() { java -Xmx2g -cp "$JARP" io.polyport.bench.Bench --port "$PORT" --mongo-uri "$URI" --max-seconds 1200 "$@" | tee -a "$RES"; }
start_polyport() { # DB_NAME -> SPID
  port_free "$PORT"
  start_bg "$OUT/polyport-$1.log" env MONGO_URI="$URI" MONGO_DB="$1" PORT="$PORT" java -Xmx128m -jar "$JARP"
  SPID="$BG_PID"; wait_port 127.0.0.1 "$PORT" 90 "$SPID" || { cat "$OUT/polyport-$1.log" >&2; exit 1; }
}
stop_polyport() { stop_pid "$SPID"; forget_pid "$SPID"; }
# the server's live heap read without JMX: jcmd's class histogram collects first and totals what survives
live() { say "# server live heap (jcmd GC.class_histogram, $1): $(jcmd "$SPID" GC.class_histogram | awk '/^Total/ { printf "%.1f MiB", $3 / 1048576 }')"; }

start_db() { # STEP -> DB
  port_free "$DBPORT"
  start_bg "$OUT/db-$1.log" java -XX:+UseParallelGC -Xms8g -Xmx8g -Xmn128m "-Xlog:gc:file=$OUT/db-$1-gc.log" -cp "$JAR" anchors.db.MongoStandalone --port "$DBPORT" --memory
  DB="$BG_PID"; wait_port 127.0.0.1 "$DBPORT" 60 "$DB"
}
stop_db() { stop_pid "$DB"; forget_pid "$DB"; }

say "# million $(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) records=$N cold=$COLD polyport=$(revision); $(java -version 2>&1 | head -1)"

# every import (the driver's too) first streams N/5 users unmeasured, in the same JVMs: the server spent 10.4-11.1
# µs of CPU per user on a cold 1M import (runs M23, M24), 7.0-7.6 on one after such a warm-up (M25, M26); --cold
# measures the imports as the first streams of fresh JVMs, as up to M24 (a newly started server's import)
WARM_IMPORT=(--warmup-rounds 1 --warmup-records "$((N / 5))")
[ "$COLD" = 0 ] || WARM_IMPORT=()

say "## driver alone: insert then read (collection with the server's unique email index)"
start_db driver
bench -s driver-insert --records "$N" "${WARM_IMPORT[@]}" --mongo-db baseline --db-pid "$DB"
bench -s driver-read --list-limit "$N" --mongo-db baseline --warmup-rounds 2 --rounds 3 --db-pid "$DB"

stop_db

say "## gRPC ImportUsers, then ListUsers (server -Xmx128m)"
start_db grpc
start_polyport grpc
live "started"
bench -s grpc-import --records "$N" "${WARM_IMPORT[@]}" --server-pid "$SPID" --db-pid "$DB"
live "after the import"
bench -s grpc-list --list-limit "$N" --warmup-rounds 2 --rounds 3 --server-pid "$SPID" --db-pid "$DB"
live "after five gRPC lists"
bench -s rest-list --list-limit "$N" --warmup-rounds 2 --rounds 3 --server-pid "$SPID" --db-pid "$DB"
live "after five REST lists"
say "# server rss=$(awk '/VmRSS/ { printf "%.0fMiB", $2 / 1024 }' /proc/$SPID/status)"
stop_polyport
stop_db

say "## REST NDJSON import (server -Xmx128m)"
start_db rest
start_polyport rest
live "started"
bench -s rest-import --records "$N" "${WARM_IMPORT[@]}" --server-pid "$SPID" --db-pid "$DB"
live "after the import"
stop_polyport
stop_db
finish_run
exit 0
}
