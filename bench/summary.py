#!/usr/bin/env python3
"""The summary of a results file of bench/compare.sh, bench/unary.sh or bench/ab.sh: the median of each figure per
target, the ratios of the medians, and the ratio round by round (the targets are measured in turns, so a round's
pair shares the machine's moment); then each unary figure's median p50 latency, server CPU per call and load tool
CPU. A figure whose load tool ran at 90 % of its core or more (median) is marked (*): it measures the client.

The pair compared is Polyport and grpc-java when both are in the file, else the first two labels (ab.sh's a and b);
the FastAPI gateway, when present, is compared with Polyport. Figures are pooled by label: a file holding two A/Bs
with the settings swapped compares first place with second, not one setting with the other."""
import re
import statistics
import sys
from collections import defaultdict

PORTS = {'19101': 'polyport', '19102': 'grpc-java'}
NAMES = {'polyport': 'Polyport', 'grpc-java': 'grpc-java', 'fastapi-gateway': 'FastAPI gateway'}


def field(line, name):
    m = re.search(r'(?:^| )' + re.escape(name) + r'=("[^"]*"|\S+)', line)
    return m.group(1).strip('"') if m else None


def number(text):
    return float(text.rstrip('%')) if text not in (None, '', 'na') else None


rates = defaultdict(list)  # (figure, label) -> req/s or msgs/s, one per run, in the file's order
p50s = defaultdict(list)   # (unary figure, label) -> p50 ms
cpus = defaultdict(list)   # (unary figure, label) -> µs of server CPU per call
tools = defaultdict(list)  # (unary figure, label) -> the load tool's CPU, % of its one core
unary_of = {}              # rate key -> its unary figure (None for lists and REST)
labels = []
for line in open(sys.argv[1]):
    if line.startswith('#'):
        continue
    label = field(line, 'label') or PORTS.get(field(line, 'port'))  # unary.sh's files before run h had no labels
    if label is None:
        continue
    unary = None
    if line.startswith('grpc-unary'):  # compare.sh and ab.sh: h2load or the anchors' UnaryBench
        unary = f"gRPC {field(line, 'rpc')} {field(line, 'conns')}x{field(line, 'streams')}"
        rate = float(field(line, 'req/s'))
        cpu = number(field(line, 'server_cpu'))
        us = cpu * 1e4 / rate if cpu is not None and rate > 0 else None
        key = unary + ', req/s'
    elif ' bench scenario=' in line:  # unary.sh: the project's bench tool
        unary = f"{field(line, 'scenario')} {field(line, 'conns')}x{field(line, 'workers')} (bench tool)"
        rate = float(field(line, 'rate'))
        us = number(field(line, 'server_us_per_unit'))
        key = unary + ', req/s'
    elif line.startswith('stream'):
        key, rate = f"gRPC ListUsers, {field(line, 'streams')} stream(s), msgs/s", float(field(line, 'msgs/s'))
    elif line.startswith('rest'):
        key, rate = f"REST GET /users/{{id}}, {field(line, 'conns')} connection(s), req/s", float(field(line, 'req/s'))
    else:
        continue
    if label not in labels:
        labels.append(label)
    rates[(key, label)].append(rate)
    unary_of[key] = unary
    if unary:
        if field(line, 'p50_ms'):
            p50s[(unary, label)].append(float(field(line, 'p50_ms')))
        if us is not None:
            cpus[(unary, label)].append(us)
        tool = number(field(line, 'loadgen_cpu') or field(line, 'bench_cpu'))
        if tool is not None:
            tools[(unary, label)].append(tool)

if len(labels) < 2:
    sys.exit(f"{sys.argv[1]}: needs measurements of two labelled servers, found {labels or 'none'}")
if 'polyport' in labels and 'grpc-java' in labels:
    first, second = 'polyport', 'grpc-java'
else:
    first, second = labels[:2]
gateway = 'fastapi-gateway' if 'fastapi-gateway' in labels and 'polyport' in labels else None
shown = [first, second] + [x for x in labels if x not in (first, second)]
name = lambda label: NAMES.get(label, label)


def median(table, key, label):
    values = table.get((key, label))
    return statistics.median(values) if values else None


def by_round(key):
    ours, theirs = rates.get((key, first)), rates.get((key, second))
    if not ours or not theirs:
        return ""
    if len(ours) != len(theirs) or 0 in theirs:
        # a measurement that failed leaves no line: the rounds can no longer be paired by position
        return f"unpaired ({len(ours)} against {len(theirs)} figures)"
    pairs = [a / b for a, b in zip(ours, theirs)]
    return (", ".join(f"{r:.2f}" for r in pairs)
            + f" (median {statistics.median(pairs):.2f}x, {sum(r >= 1 for r in pairs)} of {len(pairs)} at or above 1)")


# A load tool at (nearly) all of its one core measures itself, not the server: such a figure is marked (*).
BUSY = 90
busy_tool = {key for key, _ in tools if max(median(tools, key, first) or 0, median(tools, key, second) or 0) >= BUSY}
mark = lambda key: ' (*)' if unary_of.get(key, key) in busy_tool else ''

head = [name(x) for x in shown] + [f"{name(first)} / {name(second)}"]
if gateway:
    head.append(f"{name(first)} / {name(gateway)}")
head.append(f"{name(first)} / {name(second)} by round")
print("| figure (median of runs) | " + " | ".join(head) + " |")
print("| --- | " + " | ".join("---:" for _ in head[:-1]) + " | --- |")
for key in dict.fromkeys(k for k, _ in rates):
    cells = []
    for x in shown:
        m, n = median(rates, key, x), len(rates.get((key, x), []))
        cells.append(f"{m:,.0f} ({n} runs)" if m is not None else "")
    a, b = median(rates, key, first), median(rates, key, second)
    cells.append(f"{a / b:.2f}x" if a and b else "")
    if gateway:
        g = median(rates, key, gateway)
        cells.append(f"{a / g:.2f}x" if a and g else "")
    cells.append(by_round(key))
    print(f"| {key}{mark(key)} | " + " | ".join(cells) + " |")

# A 1x1 rate is swung by a few stalls per run (p99 ten times p50 in some runs, not in others); the median
# latency of each run is steadier, so the summary also gives it, and the ratio that reads like the rates'.
# Server CPU per call is the server's CPU over the rate of the same measurement.
print()
print(f"| unary figure (median of runs) | p50 ms, {name(first)} | p50 ms, {name(second)} | {name(second)} p50 / {name(first)} p50"
      f" | server µs per call, {name(first)} | server µs per call, {name(second)}"
      f" | load tool CPU, {name(first)} / {name(second)} |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for key in dict.fromkeys(k for k, _ in list(p50s) + list(cpus)):
    a, b = median(p50s, key, first), median(p50s, key, second)
    ca, cb = median(cpus, key, first), median(cpus, key, second)
    ta, tb = median(tools, key, first), median(tools, key, second)
    show = lambda v, f: format(v, f) if v is not None else ""
    print(f"| {key}{mark(key)} | {show(a, '.3f')} | {show(b, '.3f')} | {f'{b / a:.2f}x' if a and b else ''}"
          f" | {show(ca, '.1f')} | {show(cb, '.1f')} | {' / '.join(f'{t:.0f} %' if t is not None else '-' for t in (ta, tb))} |")
if busy_tool:
    print(f"\n(*) the load tool's median CPU was {BUSY} % of its core or more for one of the two servers: the figure "
          "measures the client as much as the servers")
