#!/usr/bin/env bash
# How import time and peak memory grow with the number of rows: for each N, a fresh
# store (as benches/run.sh makes one) and one import of N generated customers, timed by
# /usr/bin/time -v. BIN defaults to this checkout's release build.
#
#   benches/import_scale.sh [N...]      (default 10000 20000 100000; results in target/bench/scale/)
#   BIN=/path/to/other/docket benches/import_scale.sh 10000
#
# Needs: python3 with faker (pip install faker), ssh-keygen, GNU time (/usr/bin/time).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out="$repo/target/bench/scale"
mkdir -p "$out"
if [ -z "${BIN:-}" ]; then
  (cd "$repo" && cargo build --release --quiet)
  BIN="$repo/target/release/docket"
fi
export XDG_STATE_HOME="$out/state"
keys="$out/keys"
mkdir -p "$keys"
for who in root alice; do
  [ -f "$keys/$who" ] || ssh-keygen -q -t ed25519 -N '' -f "$keys/$who"
done
export DOCKET_IDENTITY="$keys/alice"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 20000 100000)
for n in "${sizes[@]}"; do
  data="$repo/target/bench/data-$n"
  if [ ! -f "$data/customer.csv" ]; then
    python3 -c 'import faker' 2>/dev/null || pip install --quiet faker
    python3 "$repo/../shared/bench/gen_data.py" --customers "$n" --out "$data" --seed 7 >/dev/null
    python3 "$repo/benches/plausible_ids.py" "$data/customer.csv"
  fi
  store="$out/store-$n"
  rm -rf "$store"
  "$BIN" --quiet init "$store" --admin root --key "$keys/root.pub" --identity "$keys/root"
  "$BIN" --quiet --store "$store" --as root --identity "$keys/root" actor add alice \
    --role business-staff --key "$keys/alice.pub" --agreement-signed 2026-01-01 --trained-on 2026-01-01
  sync
  /usr/bin/time -v -o "$out/time-$n.txt" \
    "$BIN" --quiet --store "$store" --as alice import customer "$data/customer.csv" >/dev/null
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time-$n.txt")
  user=$(sed -n 's/.*User time (seconds): //p' "$out/time-$n.txt")
  sys=$(sed -n 's/.*System time (seconds): //p' "$out/time-$n.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time-$n.txt")
  printf '%s rows\t%s wall\t%s s user\t%s s system\t%s KiB peak\n' "$n" "$wall" "$user" "$sys" "$rss"
  rm -rf "$store"
done
