#!/usr/bin/env bash
# Packs what the device tool needs to run Flint's GPU tests on a machine without the .NET SDK, into .gpu/ (ignored by
# git through .git/info/exclude): the .NET runtime, this runner with the test assembly, and on-device.sh.
# Run from the repository root:  bash tools/gpu-runner/pack.sh
# The device tool sends every tracked file and refuses more than 64 MiB: the fixtures and data (55 MB) must stop
# being tracked for the run. See README.md here for the whole sequence, including how to put them back.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .gpu .git/info
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >> .git/info/exclude
out="$(mktemp -d -t flint-gpu-runner-XXXXXX)"
dotnet build tools/gpu-runner/GpuRunner.csproj -c Release -o "$out" >/dev/null
root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
tar -cJf .gpu/dotnet.tar.xz -C "$root" dotnet host shared/Microsoft.NETCore.App
tar -cJf .gpu/run.tar.xz -C "$out" --exclude=fixtures --exclude='./runtimes/[!l]*' --exclude='./runtimes/linux-[!x]*' \
    --exclude=./runtimes/linux-x86 --exclude='*.pdb' --exclude='*.xml' --exclude='??' --exclude='??-*' .
cp tools/gpu-runner/on-device.sh .gpu/
rm -rf "$out"
ls -l .gpu
