#!/usr/bin/env bash
# How import time and peak memory grow with the number of rows: for each N, RUNS times
# (default 1), a fresh store (as benches/run.sh makes one) and one import of N generated
# customers, timed by /usr/bin/time -v; then the file-system floor for the same files
# (tar x of the imported records/customer + sync), as benches/run.sh measures it.
# BIN defaults to this checkout's release build. With FRESH=1 (root only) every run gets
# a new 4 GiB ext4 file system of its own (a loop-mounted image under target/bench/scale/):
# on a disk where earlier runs created and deleted millions of files, ext4's inode
# allocation alone can take longer than the whole import.
#
#   benches/import_scale.sh [N...]      (default 10000 20000 100000; results in target/bench/scale/)
#   BIN=/path/to/other/docket RUNS=3 FRESH=1 benches/import_scale.sh 100000
#
# Needs: python3 with faker (pip install faker), ssh-keygen, GNU time (/usr/bin/time), tar;
# for FRESH=1, mkfs.ext4 and mount.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out="$repo/target/bench/scale"
mkdir -p "$out"
if [ -z "${BIN:-}" ]; then
  (cd "$repo" && cargo build --release --quiet)
  BIN="$repo/target/release/docket"
fi
runs=${RUNS:-1}
export XDG_STATE_HOME="$out/state"
keys="$out/keys"
mkdir -p "$keys"
for who in root alice; do
  [ -f "$keys/$who" ] || ssh-keygen -q -t ed25519 -N '' -f "$keys/$who"
done
export DOCKET_IDENTITY="$keys/alice"
field() { sed -n "s/.*$1: //p" "$2"; }
# The folder a run writes in: with FRESH=1 on a new file system, else on this one.
place() {
  if [ "${FRESH:-}" = 1 ]; then
    mountpoint -q "$out/fs" && umount "$out/fs"
    rm -f "$out/fs.img" && truncate -s 4G "$out/fs.img"
    mkfs.ext4 -q -F -N 400000 "$out/fs.img"
    mkdir -p "$out/fs" && mount -o loop "$out/fs.img" "$out/fs"
    echo "$out/fs"
  else
    echo "$out"
  fi
}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 20000 100000)
for n in "${sizes[@]}"; do
  data="$repo/target/bench/data-$n"
  if [ ! -f "$data/customer.csv" ]; then
    python3 -c 'import faker' 2>/dev/null || pip install --quiet faker
    python3 "$repo/../shared/bench/gen_data.py" --customers "$n" --out "$data" --seed 7 >/dev/null
    python3 "$repo/benches/plausible_ids.py" "$data/customer.csv"
  fi
  for run in $(seq "$runs"); do
    store="$(place)/store-$n"
    rm -rf "$store"
    "$BIN" --quiet init "$store" --admin root --key "$keys/root.pub" --identity "$keys/root"
    "$BIN" --quiet --store "$store" --as root --identity "$keys/root" actor add alice \
      --role business-staff --key "$keys/alice.pub" --agreement-signed 2026-01-01 --trained-on 2026-01-01
    sync
    t="$out/time-$n-$run.txt"
    /usr/bin/time -v -o "$t" \
      "$BIN" --quiet --store "$store" --as alice import customer "$data/customer.csv" >/dev/null
    printf '%s rows\timport\t%s wall\t%s s user\t%s s system\t%s KiB peak\n' "$n" \
      "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$t")" "$(field 'User time (seconds)' "$t")" \
      "$(field 'System time (seconds)' "$t")" "$(field 'Maximum resident set size (kbytes)' "$t")"
  done
  tar -cf "$out/records-$n.tar" -C "$store" records/customer
  rm -rf "$store"
  for run in $(seq "$runs"); do
    floor="$(place)/floor"
    rm -rf "$floor" && mkdir "$floor" && sync
    t="$out/floor-$n-$run.txt"
    /usr/bin/time -v -o "$t" sh -c "tar -xf '$out/records-$n.tar' -C '$floor' && sync"
    printf '%s rows\tfloor (tar x + sync)\t%s wall\t%s s user\t%s s system\n' "$n" \
      "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$t")" "$(field 'User time (seconds)' "$t")" \
      "$(field 'System time (seconds)' "$t")"
  done
  rm -rf "$floor" "$out/records-$n.tar"
done
if [ "${FRESH:-}" = 1 ]; then umount "$out/fs" && rm -f "$out/fs.img"; fi
