#!/usr/bin/env bash
# What replaying every act costs: `verify` on a store of N customers, with the docket of
# revision BEFORE (default f83dd6c: signatures and the register checked, acts not
# replayed) and with this checkout (every act replayed under the rules of its time), side
# by side in one hyperfine run, with the file-system floor `tar cf - records | openssl
# dgst -sha256` as the peer. Then the peak memory of each, and `create` (which replays
# the entries since this machine last checked) before and after.
#
#   benches/replay.sh [N] [BEFORE]      (default 100000 f83dd6c; results in target/bench/replay-BEFORE/)
#
# Needs: hyperfine, openssl, python3 with faker (pip install faker), git, ssh-keygen.
set -euo pipefail
n=${1:-100000}
before=${2:-f83dd6c}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/benches/lib.sh"
out="$repo/target/bench/replay-$before"
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

# The same customers in a store made by each docket.
make_store() {
  local bin=$1 store=$2
  [ -f "$store/records/audit.log" ] && return
  rm -rf "$store"
  "$bin" --quiet init "$store" --admin root --key "$keys/root.pub" --identity "$keys/root"
  "$bin" --quiet --store "$store" --as root --identity "$keys/root" \
    actor add alice --role business-staff --key "$keys/alice.pub" \
    --agreement-signed 2026-01-01 --trained-on 2026-01-01
  /usr/bin/time -f "import: %e s, %M KiB" "$bin" --quiet --store "$store" --as alice \
    --identity "$keys/alice" import customer "$data/customer.csv"
}
make_store "$old" "$out/store-before"
make_store "$now" "$out/store-now"
sync

hyperfine --warmup 1 --runs 5 --export-markdown "$out/verify.md" --export-json "$out/verify.json" \
  -n "before: verify" "$old --store $out/store-before verify" \
  -n "now: verify (every act replayed)" "$now --store $out/store-now verify" \
  -n "floor: tar | openssl dgst" "tar cf - -C $out/store-now records | openssl dgst -sha256"

fields="--set name=王芳 --set id_kind=resident-id --set id_number=330106198503120423 --set category=residential --set phone=13757103456 --set address=杭州市上城区解放路20号 --set account_opened_on=2026-02-01"
hyperfine --warmup 2 --runs 15 --export-markdown "$out/create.md" \
  -n "before: create" "$old --quiet --store $out/store-before --as alice --identity $keys/alice create customer $fields --allow-duplicate --reason bench" \
  -n "now: create" "$now --quiet --store $out/store-now --as alice --identity $keys/alice create customer $fields --allow-duplicate --reason bench"

for which in before now; do
  bin=$old; [ "$which" = now ] && bin=$now
  /usr/bin/time -f "$which verify: %e s, peak %M KiB" "$bin" --store "$out/store-$which" verify \
    >/dev/null 2>>"$out/memory.txt"
done
cat "$out/verify.md" "$out/create.md" "$out/memory.txt"
