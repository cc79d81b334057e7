#!/usr/bin/env python3
"""Plots compile time against model size from compile_time_bench's JSON output.

usage: plot_compile_time.py BENCH.json OUT.svg

BENCH.json is what `compile_time_bench --benchmark_out=BENCH.json` writes. The
plot is log-log: one point per CompileToKernel size (nodes after simplification
against the time from model text to a callable kernel), a dashed line of slope 1
(time proportional to nodes) through the smallest size, and each point labelled
with its peak memory per node. It also prints the table that docs/performance.md
shows. Plain SVG, written by hand: no plotting library needed.
"""
import json
import math
import sys

WIDTH, HEIGHT = 640, 420
LEFT, RIGHT, TOP, BOTTOM = 80, 30, 40, 60


def load(path):
    with open(path) as f:
        data = json.load(f)
    rows = []
    for b in data["benchmarks"]:
        if not b["name"].startswith("CompileToKernel/") or b.get("run_type") == "aggregate":
            continue
        seconds = b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        rows.append({"nodes": b["nodes"], "seconds": seconds, "mb": b.get("peak_rss_MB"),
                     "per_node": b.get("peak_bytes_per_node")})
    rows.sort(key=lambda r: r["nodes"])
    return rows


def table(rows):
    lines = ["| nodes | time | x time for x nodes | peak memory | bytes per node |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    for i, r in enumerate(rows):
        growth = "" if i == 0 else (f"{r['seconds'] / rows[i - 1]['seconds']:.1f}x for "
                                    f"{r['nodes'] / rows[i - 1]['nodes']:.1f}x")
        lines.append(f"| {r['nodes']:,.0f} | {r['seconds'] * 1e3:,.0f} ms | {growth} | "
                     f"{r['mb']:,.0f} MB | {r['per_node']:,.0f} |")
    return "\n".join(lines)


def svg(rows):
    xs = [math.log10(r["nodes"]) for r in rows]
    ys = [math.log10(r["seconds"]) for r in rows]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    if y1 - y0 < 2:
        y1 = y0 + 2

    def px(x):
        return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT)

    def py(y):
        return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="14">'
           'gradc compile time: model text to callable kernel</text>']
    for d in range(x0, x1 + 1):
        out.append(f'<line x1="{px(d):.1f}" y1="{TOP}" x2="{px(d):.1f}" y2="{HEIGHT - BOTTOM}" stroke="#ddd"/>')
        out.append(f'<text x="{px(d):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{10 ** d:,}</text>')
    for d in range(y0, y1 + 1):
        label = f"{10 ** d * 1e3:g} ms" if d < 0 else f"{10 ** d:g} s"
        out.append(f'<line x1="{LEFT}" y1="{py(d):.1f}" x2="{WIDTH - RIGHT}" y2="{py(d):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{py(d) + 4:.1f}" text-anchor="end">{label}</text>')
    out.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 18}" text-anchor="middle">'
               'graph nodes after simplification (log)</text>')
    # Slope 1 through the smallest size: time proportional to the number of nodes.
    ax, ay = xs[0], ys[0]
    bx = x1
    by = ay + (bx - ax)
    if by > y1:
        bx, by = ax + (y1 - ay), y1
    out.append(f'<line x1="{px(ax):.1f}" y1="{py(ay):.1f}" x2="{px(bx):.1f}" y2="{py(by):.1f}" '
               'stroke="#999" stroke-dasharray="6,4"/>')
    out.append(f'<text x="{px(bx) - 4:.1f}" y="{py(by) + 16:.1f}" text-anchor="end" fill="#777">'
               'time proportional to nodes</text>')
    points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys))
    out.append(f'<polyline points="{points}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
    for x, y, r in zip(xs, ys, rows):
        out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="#1f77b4"/>')
        out.append(f'<text x="{px(x) + 8:.1f}" y="{py(y) - 8:.1f}">{r["seconds"] * 1e3:,.0f} ms, '
                   f'{r["per_node"]:,.0f} B/node</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    rows = load(sys.argv[1])
    if not rows:
        sys.exit(f"{sys.argv[1]}: no CompileToKernel results")
    with open(sys.argv[2], "w") as f:
        f.write(svg(rows))
    print(table(rows))


if __name__ == "__main__":
    main()
