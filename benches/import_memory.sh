#!/usr/bin/env bash
# An import's wall time, processor time and peak memory on a fresh store, for this build
# and (optionally) another revision side by side, alternating, RUNS times each.
#
#   benches/import_memory.sh N [REV]    (N generated customers; REV: e.g. bca0ee2)
#
# Needs: python3 with faker, ssh-keygen, GNU time. Wall time on a disk that has just had
# a million files deleted is mostly ext4's inode allocation: compare `user` and the peak.
set -euo pipefail
n=${1:?usage: benches/import_memory.sh N [REV]}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/benches/lib.sh"
out="$repo/target/bench/import-memory"
data="$repo/target/bench/data-$n"
mkdir -p "$out"
cd "$repo"
cargo build --release --quiet
bins=("$repo/target/release/docket")
[ -n "${2:-}" ] && bins+=("$(old_docket "$2" "$out")")
ensure_data "$n" "$data"
ensure_keys "$out/keys"
keys="$out/keys"
for run in $(seq "${RUNS:-2}"); do
  for bin in "${bins[@]}"; do
    dir="$out/run"
    rm -rf "$dir"
    export XDG_STATE_HOME="$dir/state"
    "$bin" --quiet init "$dir/store" --admin root --key "$keys/root.pub" --identity "$keys/root"
    "$bin" --quiet --store "$dir/store" --as root --identity "$keys/root" actor add alice \
      --role business-staff --key "$keys/alice.pub" --agreement-signed 2026-01-01 --trained-on 2026-01-01
    /usr/bin/time -f "$n rows, run $run, $bin: %e s wall, %U s user, %S s system, %M KiB peak" \
      "$bin" --quiet --store "$dir/store" --as alice --identity "$keys/alice" \
      import customer "$data/customer.csv"
  done
done
