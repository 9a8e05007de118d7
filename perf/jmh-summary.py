#!/usr/bin/env python3
"""Medians of a JMH JSON result (java -jar benchmarks.jar -rf json -rff FILE), as the table in docs/performance.md.

Every measurement iteration of every fork counts once: the median is over forks x iterations, not of the forks'
means. Secondary results of ByteCounters (bytes, records) are per second; MB is 10^6 bytes.
Usage: perf/jmh-summary.py result.json [more.json ...]
"""
import json
import statistics
import sys


def flat(raw):
    return [v for fork in raw for v in fork]


def median_of(metric):
    values = flat(metric.get("rawData", []))
    return statistics.median(values) if values else metric["score"], min(values or [0]), max(values or [0])


def main(paths):
    print("| benchmark | params | ops/s (median) | MB/s (median) | records/s (median) | min-max MB/s | B/op (gc) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for path in paths:
        for run in json.load(open(path)):
            name = run["benchmark"].rsplit(".", 2)[-2] + "." + run["benchmark"].rsplit(".", 1)[-1]
            params = ", ".join(f"{k}={v}" for k, v in sorted(run.get("params", {}).items()))
            ops = median_of(run["primaryMetric"])[0]
            sec = run.get("secondaryMetrics", {})
            mb = rec = rng = alloc = ""
            if "bytes" in sec:
                m, lo, hi = median_of(sec["bytes"])
                mb = f"{m / 1e6:,.0f}"
                rng = f"{lo / 1e6:,.0f}-{hi / 1e6:,.0f}"
            if "records" in sec:
                rec = f"{median_of(sec['records'])[0]:,.0f}"
            if "gc.alloc.rate.norm" in sec:
                alloc = f"{median_of(sec['gc.alloc.rate.norm'])[0]:.3f}"
            print(f"| {name} | {params} | {ops:,.0f} | {mb} | {rec} | {rng} | {alloc} |")


if __name__ == "__main__":
    main(sys.argv[1:])
