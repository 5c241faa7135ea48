"""Runs Flint's and PyTorch's benchmarks in one go and prints one row per workload: both times, the ratio
Flint/PyTorch (below 1 means Flint is faster), Flint's throughput and its fraction of the measured ceiling.

    python3 bench/compare.py [filter ...]     (from the repository root)
"""
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
filters = sys.argv[1:]


def rows(cmd):
    out = subprocess.run(cmd, cwd=root, check=True, capture_output=True, text=True).stdout
    return {r["name"]: r for r in (json.loads(l) for l in out.splitlines() if l.startswith("{"))}


subprocess.run(["dotnet", "build", "-c", "Release", "bench/Flint.Bench.csproj", "-v", "q", "-nologo"], cwd=root,
               check=True, capture_output=True)
flint = rows(["dotnet", "bench/bin/Release/net10.0/Flint.Bench.dll", *filters])
torch = rows(["/usr/bin/python3", "bench/pytorch_bench.py", *filters])

fma2 = flint.get("ceiling/fma_fp32_2threads")
copy = flint.get("ceiling/copy_256MB")
peak_flops = fma2["work"] / fma2["seconds"] if fma2 else None
peak_bytes = copy["work"] / copy["seconds"] if copy else None


def rate(r):
    v = r["work"] / r["seconds"]
    if r["unit"] == "flop":
        return f"{v / 1e9:8.1f} GFLOP/s", (v / peak_flops if peak_flops else None)
    if r["unit"] == "byte":
        return f"{v / 1e9:8.1f} GB/s   ", (v / peak_bytes if peak_bytes else None)
    if r["unit"] == "op":
        return f"{r['seconds'] / r['work'] * 1e6:8.3f} us/op ", None
    return "", None


print(f"{'workload':42} {'Flint ms':>10} {'PyTorch ms':>11} {'ratio':>7}  {'Flint rate':>16} {'of ceiling':>10}")
for name, r in flint.items():
    t = torch.get(name)
    ratio = f"{r['seconds'] / t['seconds']:7.2f}" if t else "      -"
    tms = f"{t['seconds'] * 1e3:11.3f}" if t else "          -"
    text, frac = rate(r) if r["work"] else ("", None)
    fr = f"{frac * 100:9.0f}%" if frac is not None and not name.startswith("ceiling") else ""
    print(f"{name:42} {r['seconds'] * 1e3:10.3f} {tms} {ratio}  {text:>16} {fr:>10}")
