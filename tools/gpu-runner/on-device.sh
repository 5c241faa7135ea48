#!/usr/bin/env bash
# Runs on the device machine (the device tool's `run`, with carry [".gpu"]):  bash .gpu/on-device.sh [NAME_PART ...]
# Unpacks the runtime and the runner, finds CUDA 13's NVRTC and cuBLAS, compiles every generated kernel for the
# oldest architecture NVRTC supports and sm_80 (one process per kernel family, in parallel: each takes up to 2 minutes),
# and runs the CUDA tests (or the tests named) in another process. Logs land in $OUT.
set -uo pipefail
mkdir -p /opt/dn /opt/run && tar -xJf .gpu/dotnet.tar.xz -C /opt/dn && tar -xJf .gpu/run.tar.xz -C /opt/run
cuda_lib="$(dirname "$(find /usr/local -name 'libnvrtc.so.1*' 2>/dev/null | head -1)")"
export LD_LIBRARY_PATH="$cuda_lib:${LD_LIBRARY_PATH:-}"
export DOTNET_ROOT=/opt/dn DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 FLINT_CUDA_CACHE=/tmp/flint-kernels FLINT_CUDA_EXHAUSTIVE=1
cd /opt/run
nvidia-smi -L
/opt/dn/dotnet Flint.Examples.dll g1
if [ $# -eq 0 ]; then
    for f in unary binary compare ternary reduce cast fill masked_fill where; do
        /opt/dn/dotnet GpuRunner.dll "EveryGeneratedKernelCompiles($f)" > "$OUT/compile-$f.txt" 2>&1 &
    done
    set -- Flint.Tests.Gpu.KernelEmulationTests Flint.Tests.Gpu.KernelSourceTests Flint.Tests.Gpu.CudaPlanningTests \
        Flint.Tests.Gpu.CachingAllocatorTests Flint.Tests.Gpu.CudaVisibleDevicesTests Flint.Tests.Gpu.CudaAvailabilityTests \
        OneKernelCompilesToPtx Flint.Tests.Gpu.GpuParityTests Flint.Tests.Scenarios.DeviceAndBoard
fi
/opt/dn/dotnet GpuRunner.dll "$@" > "$OUT/tests.txt" 2>&1
CUDA_LAUNCH_BLOCKING=1 /opt/dn/dotnet GpuRunner.dll Flint.Tests.Gpu.GpuParityTests > "$OUT/tests-blocking.txt" 2>&1
wait
if ls "$OUT"/compile-*.txt >/dev/null 2>&1; then cat "$OUT"/compile-*.txt > "$OUT/compile.txt" && rm "$OUT"/compile-*.txt; fi
grep -h '^passed' "$OUT/compile.txt" 2>/dev/null
for f in "$OUT"/*.txt; do echo "$(basename "$f"): $(tail -1 "$f")"; done
grep -h -A12 '^FAIL' "$OUT"/*.txt | head -150
! grep -q '^FAIL' "$OUT"/*.txt
