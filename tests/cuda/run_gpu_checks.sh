#!/usr/bin/env bash
# GPU checks of Flint's CUDA backend, for a machine with an NVIDIA GPU (driver, NVRTC and cuBLAS installed).
# Run from the repository root:  bash tests/cuda/run_gpu_checks.sh
#
# 1. prints what Flint sees (driver, devices, NVRTC, cuBLAS) through the G1 example;
# 2. runs the CUDA tests with every generated kernel compiled (FLINT_CUDA_EXHAUSTIVE=1) and fails if the GPU tests
#    were skipped, i.e. if CUDA was not usable after all;
# 3. runs them again with CUDA_LAUNCH_BLOCKING=1, so an asynchronous kernel fault is reported by the test that caused it;
# 4. with two or more GPUs, runs the DataParallel test restricted by CUDA_VISIBLE_DEVICES to two of them in reverse order.
# Compiled kernels are cached in a fresh folder (FLINT_CUDA_CACHE) so the run also exercises NVRTC.
set -euo pipefail
cd "$(dirname "$0")/../.."

export FLINT_CUDA_CACHE="${FLINT_CUDA_CACHE:-$(mktemp -d -t flint-cuda-cache-XXXXXX)}"
export FLINT_CUDA_EXHAUSTIVE=1
results="$(mktemp -d -t flint-gpu-results-XXXXXX)"

echo "== nvidia-smi"
nvidia-smi || echo "(nvidia-smi not found)"

echo "== build"
dotnet build Flint.sln -c Release

echo "== scenario G1 as Flint sees this machine"
dotnet run --project examples/Flint.Examples.csproj -c Release --no-build -- g1

run_tests() {
    local name="$1" filter="$2"
    dotnet test tests/Flint.Tests -c Release --no-build --filter "$filter" \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" | tee "$results/$name.txt"
    if grep -q 'no usable CUDA GPU on this machine\|NVRTC is not installed' "$results/$name.trx"; then
        echo "GPU tests were skipped in '$name': CUDA is not usable on this machine (see the G1 output above)" >&2
        exit 1
    fi
}

echo "== CUDA tests (every kernel variant compiled)"
run_tests cuda "FullyQualifiedName~Flint.Tests.Gpu"

echo "== CUDA tests with CUDA_LAUNCH_BLOCKING=1"
CUDA_LAUNCH_BLOCKING=1 run_tests cuda-blocking "FullyQualifiedName~Flint.Tests.Gpu.GpuParityTests"

count="$(nvidia-smi -L 2>/dev/null | wc -l || echo 0)"
if [ "$count" -ge 2 ]; then
    echo "== DataParallel over CUDA_VISIBLE_DEVICES=1,0"
    CUDA_VISIBLE_DEVICES=1,0 run_tests dataparallel "FullyQualifiedName~DataParallelSplitsTheBatchOverGpus"
fi

echo "== scenario tests on a GPU machine"
dotnet test tests/Flint.Tests -c Release --no-build --filter "FullyQualifiedName~Scenario"

echo "GPU checks passed; results in $results, kernels cached in $FLINT_CUDA_CACHE"
