#!/usr/bin/env bash
# What the per-run checks cost: `create` and `show` on a store of N customers, with the
# docket of revision BEFORE (default 9b3ecd3: unsigned acts, no witness, no policy in the
# chain, unsealed caches) and with this checkout, side by side in one hyperfine run.
#
#   benches/cost.sh [N] [BEFORE]      (default 100000 9b3ecd3; results in target/bench/)
#
# Needs: hyperfine, python3 with faker (pip install faker), git, ssh-keygen.
set -euo pipefail
n=${1:-100000}
before=${2:-9b3ecd3}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/benches/lib.sh"
out="$repo/target/bench/cost"
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

if [ ! -f "$out/store-before/records/audit.log" ]; then
  rm -rf "$out/store-before"
  DOCKET_NOW=2026-03-01T09:00:00Z "$old" --quiet init "$out/store-before" --admin root
  DOCKET_NOW=2026-03-01T09:00:00Z "$old" --quiet --store "$out/store-before" --as root \
    actor add alice --role business-staff --agreement-signed 2026-01-01 --trained-on 2026-01-01
  DOCKET_NOW=2026-03-01T09:00:00Z "$old" --quiet --store "$out/store-before" --as alice \
    import customer "$data/customer.csv"
fi
if [ ! -f "$out/store-now/records/audit.log" ]; then
  rm -rf "$out/store-now"
  "$now" --quiet init "$out/store-now" --admin root --key "$keys/root.pub" --identity "$keys/root"
  "$now" --quiet --store "$out/store-now" --as root --identity "$keys/root" \
    actor add alice --role business-staff --key "$keys/alice.pub" \
    --agreement-signed 2026-01-01 --trained-on 2026-01-01
  "$now" --quiet --store "$out/store-now" --as alice --identity "$keys/alice" \
    import customer "$data/customer.csv"
fi
sync

fields="--set name=王芳 --set id_kind=resident-id --set id_number=330106198503120423 --set category=residential --set phone=13757103456 --set address=杭州市上城区解放路20号 --set account_opened_on=2026-02-01"
hyperfine --warmup 3 --runs 30 --export-markdown "$out/cost.md" --export-json "$out/cost.json" \
  -n "before: create" "DOCKET_NOW=2026-03-01T09:00:00Z $old --quiet --store $out/store-before --as alice create customer $fields" \
  -n "now: create (signed)" "$now --quiet --store $out/store-now --as alice --identity $keys/alice create customer $fields --allow-duplicate --reason bench" \
  -n "before: show" "DOCKET_NOW=2026-03-01T09:00:00Z $old --store $out/store-before --as alice show CUS-2026-050000" \
  -n "now: show" "$now --store $out/store-now --as alice show CUS-2026-050000"

# A first run on a machine that never saw the store checks every signature.
hyperfine --runs 5 --export-markdown "$out/first-run.md" \
  --prepare "rm -rf $out/state-fresh" \
  -n "now: show, first run on this machine" "XDG_STATE_HOME=$out/state-fresh $now --store $out/store-now --as alice show CUS-2026-050000"
: > "$out/peak-memory.tsv"
for label in before now; do
  bin=$old; [ $label = now ] && bin=$now
  /usr/bin/time -f "$label: show	%M KiB" -a -o "$out/peak-memory.tsv" \
    env DOCKET_NOW=2026-03-01T09:00:00Z "$bin" --store "$out/store-$label" --as alice show CUS-2026-050000 >/dev/null
done
cat "$out/cost.md" "$out/first-run.md" "$out/peak-memory.tsv"
