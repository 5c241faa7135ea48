"""Runs Flint's and PyTorch's benchmarks in one go and prints one row per workload: both times, the ratio
Flint/PyTorch (below 1 means Flint is faster), each side's throughput as a fraction of the measured hardware ceiling.

    python3 bench/compare.py [--rounds N] [filter ...]     (from the repository root)

With --rounds N the two sides run alternately N times (Flint, PyTorch, Flint, ...) and each row keeps each side's
fastest median over the rounds: on a shared machine whose speed drifts over minutes, one side would otherwise be
timed in a slow stretch and the other in a fast one.

Ceilings (measured by Flint's bench in the same run, best of its repeats): "flop" rows against the two-thread FMA
loop, "flop64" rows against half of it (fp64 lanes), "flop1" rows against the one-thread loop, "byte" rows against
the 256 MB copy bandwidth (read + write). PyTorch runs with torch.set_num_threads(2) and OPENBLAS_NUM_THREADS=2.
"""
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = sys.argv[1:]
rounds = 1
if args[:1] == ["--rounds"]:
    rounds, args = int(args[1]), args[2:]
filters = args


def rows(cmd, env=None):
    out = subprocess.run(cmd, cwd=root, check=True, capture_output=True, text=True, env=env).stdout
    return {r["name"]: r for r in (json.loads(l) for l in out.splitlines() if l.startswith("{"))}


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


subprocess.run(["dotnet", "build", "-c", "Release", "bench/Flint.Bench.csproj", "-v", "q", "-nologo"], cwd=root,
               check=True, capture_output=True)
def fastest(best, new):
    for name, r in new.items():
        if name not in best or r["seconds"] < best[name]["seconds"]:
            best[name] = r
    return best


print(f"load average before: {load()}", flush=True)
env = dict(os.environ, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
flint, torch = {}, {}
for n in range(rounds):
    fastest(flint, rows(["dotnet", "bench/bin/Release/net10.0/Flint.Bench.dll", *filters]))
    print(f"load average after Flint (round {n + 1} of {rounds}): {load()}", flush=True)
    fastest(torch, rows(["/usr/bin/python3", "bench/pytorch_bench.py", *filters], env))
    print(f"load average after PyTorch (round {n + 1} of {rounds}): {load()}  "
          f"(OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')})", flush=True)


def per_second(name):
    r = flint.get(name)
    return r["work"] / r["seconds"] if r else None


ceilings = {"flop": per_second("ceiling/fma_fp32_2threads"), "flop1": per_second("ceiling/fma_fp32_1thread"),
            "byte": per_second("ceiling/copy_256MB")}
if ceilings["flop"]:
    ceilings["flop64"] = ceilings["flop"] / 2


def rate(r):
    v = r["work"] / r["seconds"]
    peak = ceilings.get(r["unit"])
    if r["unit"].startswith("flop"):
        return f"{v / 1e9:8.1f} GFLOP/s", (v / peak if peak else None)
    if r["unit"] == "byte":
        return f"{v / 1e9:8.1f} GB/s   ", (v / peak if peak else None)
    if r["unit"] in ("op", "sample"):
        return f"{r['seconds'] / r['work'] * 1e6:8.3f} us/{r['unit']}", None
    return "", None


def pct(frac, name):
    return f"{frac * 100:5.0f}%" if frac is not None and not name.startswith("ceiling") else ""


print(f"{'workload':44} {'Flint ms':>10} {'PyTorch ms':>11} {'ratio':>6}  {'Flint rate':>17} {'Flint':>6} {'PyTorch':>7}")
for name, r in flint.items():
    t = torch.get(name)
    ratio = f"{r['seconds'] / t['seconds']:6.2f}" if t else "     -"
    tms = f"{t['seconds'] * 1e3:11.3f}" if t else "          -"
    text, frac = rate(r) if r["work"] else ("", None)
    tfrac = rate(t)[1] if t and t["work"] else None
    print(f"{name:44} {r['seconds'] * 1e3:10.3f} {tms} {ratio}  {text:>17} {pct(frac, name):>6} {pct(tfrac, name):>7}")
