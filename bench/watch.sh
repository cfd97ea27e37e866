#!/usr/bin/env bash
# The live-feed figures of issue 4 with the project's bench tool, on the server's default embedded database
# (its change streams come from the embedded oplog): CreateUser at a steady rate alone, then beside 1,000
# WatchUsers subscribers (fan-out: events/s delivered, delivery delay), then beside 1,000 subscribers of
# which 100 never read (the server's heap, and that the readers still get everything).
#
#   bench/watch.sh [--rate 100] [--subscribers 1000] [--non-readers 100] [--seconds 20] [--jar J] [--out DIR]
#                  [--data-dir memory]   (the embedded database in memory instead of its H2 file)
#
# Nothing is pinned; the load tool and the server share the machine's cores. The server runs with -Xmx512m
# (its heap holds the embedded database's cache too) and its heap is watched (--server-pid).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
JARP="$HERE/target/polyport.jar"; RATE=100; SUBS=1000; IDLE=100; SECS=20; DATA=""
OUT="/tmp/polyport-watch-$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift 2 ;;
    --subscribers) SUBS="$2"; shift 2 ;;
    --non-readers) IDLE="$2"; shift 2 ;;
    --seconds) SECS="$2"; shift 2 ;;
    --jar) JARP="$2"; shift 2 ;;
    --data-dir) DATA="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) sed -n '2,10p' "$0" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"; RES="$OUT/results.txt"; PORT=19092
say() { echo "$*" | tee -a "$RES"; }
SPID=""
trap '[ -z "$SPID" ] || kill "$SPID" 2>/dev/null || true' EXIT
DATA_DIR="${DATA:-$OUT/data}" PORT="$PORT" java -Xmx512m -jar "$JARP" >"$OUT/server.log" 2>&1 &
SPID=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
bench() { java -Xmx1g -cp "$JARP" io.polyport.bench.Bench --port "$PORT" --server-pid "$SPID" --max-seconds 600 "$@" | tee -a "$RES"; }
say "# watch $(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) data_dir=${DATA:-file} rate=$RATE subscribers=$SUBS non_readers=$IDLE seconds=$SECS polyport=$(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo na)"
# JIT warm-up at full speed (a fresh JVM at 100 writes/s is still compiling a minute later), then a short
# fan-out, both unmeasured
java -Xmx1g -cp "$JARP" io.polyport.bench.Bench --port "$PORT" -s grpc-create,grpc-get -c 4 -m 16 -d 40 -w 1 \
  --preload 2000 >"$OUT/warmup.txt"
java -Xmx1g -cp "$JARP" io.polyport.bench.Bench --port "$PORT" -s grpc-watch,grpc-create --rate "$RATE" -c 10 -m 8 \
  --subscribers "$SUBS" -d 15 -w 2 2>&1 | grep '^bench' >>"$OUT/warmup.txt"
say "## CreateUser at $RATE/s, no subscriber"
bench -s grpc-create --rate "$RATE" -c 4 -m 8 -d "$SECS" -w 5
say "## the same beside $SUBS WatchUsers subscribers (10 connections)"
bench -s grpc-watch,grpc-create --rate "$RATE" -c 10 -m 8 --subscribers "$SUBS" -d "$SECS" -w 5
say "## the same with $IDLE of the $SUBS subscribers never reading"
# 64 KiB HTTP/2 windows, so that a non-reader's stream fills within the run and the server must act
# 128 KiB HTTP/2 windows and 30 s, so that a non-reader's window and then its queue (feed.queueSize, 1000
# events) fill within the run and the server must end it; two event loops read for the bench tool
bench -s grpc-watch,grpc-create --rate "$RATE" -c 10 -m 8 --subscribers "$SUBS" --non-readers "$IDLE" -d 30 -w 5 \
  --h2-window 131072 --event-loops 2
say "# WatchUsers calls ended, by status (server metrics):"
curl -s "http://127.0.0.1:$PORT/metrics" | grep 'operation="WatchUsers"' | grep '_count' | tee -a "$RES" || true
say "# server rss=$(awk '/VmRSS/ { printf "%.0fMiB", $2 / 1024 }' /proc/$SPID/status)"
say "# done: $RES"
