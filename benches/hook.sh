#!/usr/bin/env bash
# What the pre-commit hook costs: `docket verify --staged` (the tree in git's index copied
# out and verified as a store, its log checked along git's history) against `docket
# verify` of the folder, on the store benches/replay.sh made (N customers), kept in git.
#
#   benches/hook.sh [N] [BEFORE]     (the store of benches/replay.sh N BEFORE; run it first)
#
# Needs: hyperfine, git.
set -euo pipefail
n=${1:-100000}
before=${2:-f83dd6c}
repo=$(cd "$(dirname "$0")/.." && pwd)
out="$repo/target/bench/replay-$before"
store="$out/store-now"
[ -f "$store/records/audit.log" ] || { echo "run benches/replay.sh $n $before first" >&2; exit 1; }
bin="$repo/target/release/docket"
export XDG_STATE_HOME="$out/state"
if ! git -C "$store" rev-parse --verify -q HEAD >/dev/null; then
  git -C "$store" init -q
  printf 'records/.cache/\nrecords/.lock\n' > "$store/.gitignore"
  /usr/bin/time -f "git add -A: %e s" git -C "$store" add -A
  /usr/bin/time -f "git commit: %e s" git -C "$store" -c user.name=bench \
    -c user.email=bench@example.com commit -qm "the store"
fi
hyperfine --warmup 1 --runs 3 --export-markdown "$out/hook.md" \
  -n "verify (the folder)" "$bin --store $store verify" \
  -n "verify --staged (what the hook runs)" "$bin --store $store verify --staged"
/usr/bin/time -f "verify --staged: %e s, peak %M KiB" "$bin" --store "$store" verify --staged >/dev/null
cat "$out/hook.md"
