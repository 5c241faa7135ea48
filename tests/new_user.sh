#!/usr/bin/env bash
# A new user's path: clone the repository, run the README's two commands, nothing else.
#
#   bash tests/new_user.sh            # both commands
#   SKIP_TESTS=1 bash tests/new_user.sh   # only the first (the main job)
#
# The clone is of the committed HEAD of this checkout (uncommitted changes are not part of what a user gets). The main
# job runs with --epochs 1 on the shipped subset so that the check takes a minute, not half an hour; everything else
# is as the README says. It then checks what the job promises: the accuracy line, a TensorBoard event file under runs/,
# the checkpoint and the PNG of the curves; and, where PyTorch is installed, that the checkpoint loads in PyTorch.
set -euo pipefail

repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/flint"
cd "$work/flint"

first="$(grep -m1 -o 'dotnet run -c Release --project examples -- fashion-mnist' README.md)"
second="$(grep -m1 -o 'dotnet test Flint.sln -c Release' README.md)"
[ -n "$first" ] && [ -n "$second" ] || { echo "README.md lost its two commands"; exit 1; }

echo "== $first --epochs 1 --subset"
$first --epochs 1 --subset | tee "$work/job.log"

fail() { echo "new_user: $1"; exit 1; }
grep -Eq '^Test accuracy: [0-9.]+% \([0-9]+/[0-9]+\)' "$work/job.log" || fail "no test accuracy line"
grep -q 'Test accuracy per class' "$work/job.log" || fail "no per-class table"
run="$(ls -d runs/fashion-mnist-* | head -1)"
[ -d "$run" ] || fail "no run folder under runs/"
ls "$run"/events.out.tfevents.* >/dev/null 2>&1 || fail "no TensorBoard event file in $run"
[ -s "$run/checkpoint.pt" ] || fail "no checkpoint in $run"
head -c 8 "$run/curves.png" | od -An -c | grep -q 'P   N   G' || fail "no PNG of the curves in $run"
echo "== outputs: $(ls "$run" | tr '\n' ' ')"

if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  accuracy="$(grep -m1 -oE '^Test accuracy: [0-9.]+' "$work/job.log" | grep -oE '[0-9.]+$')"
  /usr/bin/python3 tests/parity/verify_mainjob_checkpoint.py "$run/checkpoint.pt" --data-dir data/fashion-mnist-subset \
    --expect "$(python3 -c "print($accuracy / 100)")"
fi

if [ -z "${SKIP_TESTS:-}" ]; then
  echo "== $second"
  $second
fi
echo "new_user: OK"
