#!/usr/bin/env python3
"""Median of each figure per target in a bench/compare.sh results file, and Polyport's ratios: of the medians,
and round by round against grpc-java (the two are measured in turns, so a round's pair shares the machine's
moment)."""
import re
import statistics
import sys
from collections import defaultdict


def field(line, name):
    m = re.search(r'(?:^| )' + re.escape(name) + r'=("[^"]*"|\S+)', line)
    return m.group(1).strip('"') if m else None


figures = defaultdict(list)
p50s = defaultdict(list)  # (rpc and load, label) -> p50 latency in ms, one per run
for line in open(sys.argv[1]):
    if line.startswith('#'):
        continue
    label = field(line, 'label')
    if line.startswith('grpc-unary'):
        key = f"gRPC {field(line, 'rpc')} {field(line, 'conns')}x{field(line, 'streams')}, req/s"
        figures[(key, label)].append(float(field(line, 'req/s')))
        if field(line, 'p50_ms'):
            p50s[(f"gRPC {field(line, 'rpc')} {field(line, 'conns')}x{field(line, 'streams')}", label)].append(
                float(field(line, 'p50_ms')))
    elif line.startswith('stream'):
        key = f"gRPC ListUsers, {field(line, 'streams')} stream(s), msgs/s"
        figures[(key, label)].append(float(field(line, 'msgs/s')))
    elif line.startswith('rest'):
        key = f"REST GET /users/{{id}}, {field(line, 'conns')} connection(s), req/s"
        figures[(key, label)].append(float(field(line, 'req/s')))

keys = list(dict.fromkeys(k for k, _ in figures))
print("| figure (median of runs) | Polyport | grpc-java | FastAPI gateway | Polyport / grpc-java | Polyport / gateway | Polyport / grpc-java by round |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
for key in keys:
    med = {}
    runs = {}
    for label in ('polyport', 'grpc-java', 'fastapi-gateway'):
        values = figures.get((key, label))
        if values:
            med[label] = statistics.median(values)
            runs[label] = len(values)
    def cell(label):
        return f"{med[label]:,.0f} ({runs[label]} runs)" if label in med else ""
    def ratio(other):
        return f"{med['polyport'] / med[other]:.2f}x" if 'polyport' in med and other in med else ""
    def by_round():
        ours, theirs = figures.get((key, 'polyport')), figures.get((key, 'grpc-java'))
        if not ours or not theirs:
            return ""
        if len(ours) != len(theirs) or 0 in theirs:
            # a measurement that failed leaves no line: the rounds can no longer be paired by position
            return f"unpaired ({len(ours)} against {len(theirs)} figures)"
        pairs = [a / b for a, b in zip(ours, theirs)]
        return (", ".join(f"{r:.2f}" for r in pairs)
                + f" (median {statistics.median(pairs):.2f}x, {sum(r >= 1 for r in pairs)} of {len(pairs)} at or above 1)")
    print(f"| {key} | {cell('polyport')} | {cell('grpc-java')} | {cell('fastapi-gateway')} | {ratio('grpc-java')} | {ratio('fastapi-gateway')} | {by_round()} |")

# A 1x1 rate is swung by a few stalls per run (p99 ten times p50 in some runs, not in others); the median
# latency of each run is steadier, so the summary also gives it, and the ratio that reads like the rates'.
print()
print("| gRPC latency p50, ms (median of runs) | Polyport | grpc-java | grpc-java p50 / Polyport p50 |")
print("| --- | ---: | ---: | ---: |")
for key in dict.fromkeys(k for k, _ in p50s):
    ours, theirs = p50s.get((key, 'polyport')), p50s.get((key, 'grpc-java'))
    if ours and theirs:
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"| {key} | {a:.3f} | {b:.3f} | {b / a:.2f}x |")
