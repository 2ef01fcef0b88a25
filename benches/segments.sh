#!/usr/bin/env bash
# What every run's check of the log costs with the log in sealed segments: `show` and
# `create` on a store of N customers with the docket of revision BEFORE (default acbd9cd:
# one log file, hashed whole by every run) and with this checkout (the open segment and
# any changed sealed segment hashed), side by side in one hyperfine run; then each run's
# CPU time, which the parallel load of the index cache hides from the wall clock.
#
#   benches/segments.sh [N] [BEFORE]     (default 100000 acbd9cd; results in target/bench/segments-BEFORE/)
#
# Needs: hyperfine, python3 with faker (pip install faker), git, ssh-keygen.
set -euo pipefail
n=${1:-100000}
before=${2:-acbd9cd}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/benches/lib.sh"
out="$repo/target/bench/segments-$before"
data="$repo/target/bench/data-$n"
mkdir -p "$out"
cd "$repo"

cargo build --release --quiet
now="$repo/target/release/docket"
old=$(old_docket "$before" "$out")
ensure_data "$n" "$data"
export XDG_STATE_HOME="$out/state"
keys="$out/keys"
ensure_keys "$keys"
as_alice="--quiet --as alice --identity $keys/alice"
fields="--set name=王芳 --set id_kind=resident-id --set id_number=330106198503120423 --set category=residential --set phone=13757103456 --set address=杭州市上城区解放路20号 --set account_opened_on=2026-02-01 --allow-duplicate --reason bench"

# One store made by the old docket; the new one seals its log at its first act.
if [ ! -f "$out/store-before/records/audit.log" ]; then
  rm -rf "$out/store-before" "$out/store-now"
  "$old" --quiet init "$out/store-before" --admin root --key "$keys/root.pub" --identity "$keys/root"
  "$old" --quiet --store "$out/store-before" --as root --identity "$keys/root" \
    actor add alice --role business-staff --key "$keys/alice.pub" \
    --agreement-signed 2026-01-01 --trained-on 2026-01-01
  "$old" --store "$out/store-before" $as_alice import customer "$data/customer.csv"
  cp -a "$out/store-before" "$out/store-now"
  "$now" --store "$out/store-now" $as_alice create customer $fields >/dev/null
fi
ls -l "$out/store-before/records/audit.log" "$out/store-now/records/_log"/*/* | tee "$out/layout.txt"

hyperfine -N --warmup 3 --runs 20 --export-markdown "$out/show.md" \
  -n "before: show" "$old --store $out/store-before $as_alice show CUS-2026-000001" \
  -n "now: show" "$now --store $out/store-now $as_alice show CUS-2026-000001"
hyperfine -N --warmup 2 --runs 15 --export-markdown "$out/create.md" \
  -n "before: create" "$old --store $out/store-before $as_alice create customer $fields" \
  -n "now: create" "$now --store $out/store-now $as_alice create customer $fields"
: > "$out/cpu.txt"
for which in before now; do
  bin=$old; [ "$which" = now ] && bin=$now
  for i in 1 2 3; do
    /usr/bin/time -f "$which show: %e s wall, %U s user, %S s system, peak %M KiB" \
      "$bin" --store "$out/store-$which" $as_alice show CUS-2026-000001 >/dev/null 2>>"$out/cpu.txt"
  done
done
cat "$out/show.md" "$out/create.md" "$out/cpu.txt"
