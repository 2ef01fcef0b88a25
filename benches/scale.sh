#!/usr/bin/env bash
# Each command's time and peak memory on a store of N customers (10,000, 100,000,
# 1,000,000), next to an empty store's and the peers': sqlite3 running the same filter on
# the same rows, recsel (up to 100,000: it is too slow beyond) and, for verify, the
# file-system floor `tar cf - records | openssl dgst -sha256`.
#
#   benches/scale.sh N          (results in target/bench/scale-N/results.tsv)
#
# Needs: hyperfine, recutils, sqlite3, openssl, python3 with faker, ssh-keygen.
set -euo pipefail
n=${1:?usage: benches/scale.sh N}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/benches/lib.sh"
out="$repo/target/bench/scale-$n"
data="$repo/target/bench/data-$n"
mkdir -p "$out"
cd "$repo"
cargo build --release --quiet
bin="$repo/target/release/docket"
ensure_data "$n" "$data"
export XDG_STATE_HOME="$out/state"
keys="$out/keys"
ensure_keys "$keys"
new_store() {
  rm -rf "$1"
  "$bin" --quiet init "$1" --admin root --key "$keys/root.pub" --identity "$keys/root"
  "$bin" --quiet --store "$1" --as root --identity "$keys/root" actor add alice \
    --role business-staff --key "$keys/alice.pub" --agreement-signed 2026-01-01 --trained-on 2026-01-01
}
store="$out/store"; empty="$out/empty"
[ -d "$empty/records" ] || new_store "$empty"
if [ ! -d "$store/records/customer" ]; then
  new_store "$store"
  /usr/bin/time -f "import\t%e\t%M" -o "$out/import.tsv" \
    "$bin" --quiet --store "$store" --as alice --identity "$keys/alice" import customer "$data/customer.csv"
fi
as="--quiet --as alice --identity $keys/alice"
fields="--set name=王芳 --set id_kind=resident-id --set id_number=330106198503120423 --set category=residential --set phone=13757103456 --set address=杭州市上城区解放路20号 --set account_opened_on=2026-02-01 --allow-duplicate --reason bench"
where="category == 'commercial' && meter_reading_m3 > 50000"
# A record every command can work on, in each store.
"$bin" --store "$empty" $as create customer $fields >/dev/null
first=CUS-$(date +%Y)-000001

results="$out/results.tsv"
printf 'command\tempty store (s)\t%s records (s)\tpeak on %s (KiB)\n' "$n" "$n" > "$results"
mean() { # the mean time of a shell command line, in seconds
  hyperfine -i --shell=bash --warmup 1 --runs 5 --export-json "$out/one.json" "$1" >/dev/null 2>&1 || { echo failed; return; }
  python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$out/one.json"
}
measure() { # name, then the arguments after the store, as one shell word list
  local name=$1 args=$2
  local e s m
  e=$(mean "$bin --store $empty $args")
  s=$(mean "$bin --store $store $args")
  eval "/usr/bin/time -f %M -o $out/peak.txt $bin --store $store $args" >/dev/null 2>&1 || true
  m=$(tail -1 "$out/peak.txt")
  printf '%s\t%s\t%s\t%s\n' "$name" "$e" "$s" "$m" | tee -a "$results"
}
measure whoami "$as whoami"
measure show "$as show $first"
measure create "$as create customer $fields"
measure amend "$as amend $first --set meter_number=M\$RANDOM\$RANDOM --allow-duplicate --reason bench"
measure exists "$as exists customer id_number=330106198503120423"
measure pending "$as pending"
measure "query --where" "$as query customer --where \"$where\""
measure verify "verify"

# Peers on the same rows.
csv="$data/customer.csv"
[ -f "$out/q.sqlite" ] || sqlite3 "$out/q.sqlite" '.mode csv' ".import $csv customer"
peers="$out/peers.md"
hyperfine --warmup 1 --runs 5 --export-markdown "$peers" \
  -n "docket query --where" "$bin --store $store $as query --format csv customer --where \"$where\"" \
  -n "sqlite3 select" "sqlite3 -csv $out/q.sqlite \"select * from customer where category = 'commercial' and cast(meter_reading_m3 as integer) > 50000\"" \
  -n "docket verify" "$bin --store $store verify" \
  -n "floor: tar | openssl dgst" "tar cf - -C $store records | openssl dgst -sha256"
if [ "$n" -le 100000 ]; then
  if [ ! -f "$out/customers.rec" ]; then
    printf '%%rec: customer\n\n' > "$out/customers.rec"; csv2rec "$csv" >> "$out/customers.rec"
  fi
  hyperfine --warmup 1 --runs 3 --export-markdown "$out/recsel.md" \
    -n "recsel -e" "recsel -e \"category = 'commercial' && meter_reading_m3 > 50000\" $out/customers.rec"
fi
du -s --block-size=1 "$store/records" | awk -v n="$n" '{printf "disk per record: %.0f bytes\n", $1 / n}' | tee "$out/disk.txt"
cat "$results" "$peers" "$out/import.tsv" 2>/dev/null
