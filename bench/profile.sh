#!/usr/bin/env bash
# A CPU profile of one server at one call in flight: where each of its threads spends its time per call.
#
#   bench/profile.sh [--anchors DIR] [--server JAR|grpc-java] [--flags "JVM FLAGS"] [--rpc get|create]
#                    [-n CALLS] [--counts] [--out DIR]
#
# The server (default target/polyport.jar) and its MongoStandalone on core 1, the load on core 0, as in
# compare.sh; 10,000 users and compare.sh's warm-up (600,000 GetUser at 4x16, 20,000 at 1x1, 25,000
# CreateUser); then async-profiler 4.1 (fetched from Maven Central into ~/.m2 by
# `mvn dependency:copy`) is attached for n (20,000) calls at 1x1: event cpu, 1 ms, per thread, kernel frames
# included. CreateUser is driven by the anchors' UnaryBench, whose own warm-up of 10,000 calls at 16 in flight
# falls inside the profile. OUT/cpu.collapsed holds the stacks; OUT/threads.txt the µs of CPU per call of
# each thread, and how much of it is user code or system calls. With --counts, no profiler: `perf stat` counts,
# per thread and per call, the exact CPU time (task-clock), the context switches and the system calls of the
# kinds a call makes (reads, writes, epoll waits, futexes; others are not counted) into OUT/counts.txt (needs
# perf and the syscall tracepoints, whose own cost is in the figures); GetUser only.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ANCHORS="${ANCHORS:-$HERE/../shared/anchors}"; JARP="$HERE/target/polyport.jar"
SERVER="$JARP"; FLAGS=""; RPC=get; COUNTS=0; N=20000; OUT="/tmp/polyport-profile-$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) ANCHORS="$2"; shift 2 ;;
    --server) SERVER="$2"; shift 2 ;;
    --flags) FLAGS="$2"; shift 2 ;;
    --rpc) RPC="$2"; [ "$2" = get ] || [ "$2" = create ] || { echo "--rpc get|create" >&2; exit 2; }; shift 2 ;;
    -n) N="$2"; shift 2 ;;
    --counts) COUNTS=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
done
[ "$SERVER" = grpc-java ] || [ -f "$SERVER" ] || { echo "missing $SERVER" >&2; exit 1; }
# UnaryBench's own 10,000 warm-up calls at 16 in flight would be counted as if they were calls at 1
[ "$COUNTS" = 0 ] || [ "$RPC" = get ] || { echo "--counts measures GetUser only" >&2; exit 2; }
{
source "$HERE/bench/common.sh"
source "$HERE/bench/pinned.sh"
if [ "$COUNTS" = 0 ]; then
  AP_DIR="$OUT/async-profiler"
  (cd "$OUT" && mvn -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 -DoutputDirectory="$AP_DIR" >/dev/null)
  (cd "$AP_DIR" && unzip -o -q ./*.jar)
  AP_LIB="$AP_DIR/linux-x64/libasyncProfiler.so"; [ -f "$AP_LIB" ] || { echo "no $AP_LIB" >&2; exit 1; }
  cat >"$OUT/Attach.java" <<'JAVA'
public class Attach {
  public static void main(String[] a) throws Exception {
    var vm = com.sun.tools.attach.VirtualMachine.attach(a[0]);
    try { vm.loadAgentPath(a[1], a[2]); } finally { vm.detach(); }
  }
}
JAVA
  javac -d "$OUT" "$OUT/Attach.java"
  attach() { java -cp "$OUT" Attach "$1" "$AP_LIB" "$2" >/dev/null; }
else
  command -v perf >/dev/null || { echo "--counts needs perf (linux-perf)" >&2; exit 1; }
fi

start_db server 17141
# shellcheck disable=SC2086 # the flags are words
start_java_server server 19141 "$SERVER" "$MURI" -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints $FLAGS
say "# profile $(date -u +%FT%TZ) server=$SERVER flags=$FLAGS rpc=$RPC n=$N counts=$COUNTS polyport=$(revision)"
T=127.0.0.1:19141
users_and_id "$T"; ID="$FIRST_ID"
warm_up "$T" "$ID" 600000
calls() { # N calls at one in flight
  if [ "$RPC" = create ]; then
    say "$("$BENCH_DIR/grpc_unary.sh" "$T" create -c 1 -m 1 -n "$N" --tool java --cpu "$LCPU" --server-pids "$SPID" --db-pids "$DBPID")"
  else
    say "$("$BENCH_DIR/grpc_unary.sh" "$T" get -c 1 -m 1 -n "$N" --id "$ID" --cpu "$LCPU" --server-pids "$SPID" --db-pids "$DBPID")"
  fi
}
if [ "$COUNTS" = 1 ]; then
  EVENTS=task-clock,context-switches; for c in read write writev recvfrom sendto recvmsg sendmsg epoll_wait epoll_pwait epoll_pwait2 futex; do
    EVENTS="$EVENTS,syscalls:sys_enter_$c"; done
  perf stat --per-thread -e "$EVENTS" -t "$(ls "/proc/$SPID/task" | paste -sd,)" -o "$OUT/perf.txt" & PERF=$!
  wait_quiet 5 2 >/dev/null || true # perf attached to every thread before the first call
  calls
  kill -INT "$PERF" 2>/dev/null || true; wait "$PERF" || true
  [ -s "$OUT/perf.txt" ] || { echo "perf stat wrote nothing (see above)" >&2; exit 1; }
  "$PY" "$HERE/bench/counts.py" "$OUT/perf.txt" "$N" | tee "$OUT/counts.txt" | tee -a "$RES"
  say "# done: $OUT/counts.txt"
  exit 0
fi
attach "$SPID" "start,event=cpu,interval=1ms,threads"
calls
attach "$SPID" "stop,file=$OUT/cpu.collapsed,collapsed"
"$PY" - "$OUT/cpu.collapsed" "$N" <<'PY' | tee "$OUT/threads.txt" | tee -a "$RES"
import collections, re, sys
calls = int(sys.argv[2])
syscalls = ("epoll_wait", "EPoll.wait", "writev", "SocketChannelImpl.write", "SocketChannelImpl.read", "Unsafe.park",
            "unpark", "IOUtil.write", "IOUtil.read", "Native.", "EventFD", "futex")
total, user = collections.Counter(), collections.Counter()
for line in open(sys.argv[1]):
    stack, count = line.rstrip().rsplit(" ", 1)
    frames = stack.split(";")
    thread = re.sub(r"\d+", "N", frames[0])
    total[thread] += int(count)
    if not any(s in f for f in frames for s in syscalls) and not frames[-1].endswith("_[k]"):
        user[thread] += int(count)
print(f"# µs of CPU per call (1 ms samples / {calls} calls): thread, all, of which user code outside system calls")
for thread, count in total.most_common(8):
    print(f"{count * 1000 / calls:8.1f} {user[thread] * 1000 / calls:8.1f}  {thread}")
PY
say "# done: $OUT/cpu.collapsed"
exit 0
}
