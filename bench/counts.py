#!/usr/bin/env python3
"""Per call and per thread, from the output of `perf stat --per-thread -o FILE` (bench/profile.sh --counts): µs of
CPU (task-clock), context switches and each counted system call. Usage: counts.py PERF_FILE CALLS (an old raw
perf.txt can be read again the same way)."""
import collections, re, sys
calls = int(sys.argv[2])
per = collections.defaultdict(collections.Counter)
line_re = re.compile(r"^\s*(.+?)-(\d+)\s+([\d,.]+)\s+(?:msec\s+)?(\S+)")  # "<comm>-<tid> <count> [msec] <event>"
for line in open(sys.argv[1]):
    m = line_re.match(line)
    if not m:
        continue
    name, _, count, event = m.groups()
    value = float(count.replace(",", "")) * (1000 if event == "task-clock" else 1)  # task-clock: µs
    per[re.sub(r"\d+", "N", name)][event.replace("syscalls:sys_enter_", "")] += value
if not per:
    sys.exit(f"{sys.argv[1]}: no counts (did perf attach?)")
print(f"# per call ({calls} calls), each thread: µs of CPU (task-clock), context switches (cs) and system calls")
shown, others = 0.0, 0.0
for thread, c in sorted(per.items(), key=lambda kv: -kv[1]["task-clock"]):
    us = c["task-clock"] / calls
    if us >= 0.5:
        shown += us
        rest = " ".join(f"{k}={v / calls:.2f}" for k, v in sorted(c.items()) if k != "task-clock" and v / calls >= 0.05)
        print(f"{us:8.1f}  {thread:26s} {rest.replace('context-switches', 'cs')}")
    else:
        others += us
print(f"{shown + others:8.1f}  all threads counted (those under 0.5 µs per call: {others:.1f}); threads started after perf attached are not counted")
