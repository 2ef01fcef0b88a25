#!/usr/bin/env bash
# docket's benchmarks, side by side with the tools a user would otherwise pick.
#
#   benches/run.sh [CUSTOMERS]        (default 100000; results in target/bench/)
#
# Needs: python3 with faker (pip install faker), hyperfine, recutils, sqlite3, openssl,
# hledger (apt-get install hyperfine recutils sqlite3 hledger).
# Measures, in one run on one machine:
#   1. importing the customers: docket vs the file-system floor (tar + sync) and
#      sqlite3 .import; csv2rec + recfix --check (recutils) on slices, as it is quadratic
#   2. a filtered query: docket vs recsel vs sqlite3
#   3. the chain check of a 1,000,000-entry audit log vs openssl dgst -sha256 of it
#   4. create on a store of CUSTOMERS records vs on an empty store
#   5. the installation contracts (money, dates): docket import vs hledger's CSV rules
# and the peak memory of each docket command.
set -euo pipefail
n=${1:-100000}
repo=$(cd "$(dirname "$0")/.." && pwd)
out="$repo/target/bench"
data="$out/data-$n"
mkdir -p "$out"
cd "$repo"
cargo build --release --quiet
bin="$repo/target/release/docket"
runs=${RUNS:-3}
# This run's own machine state and keys: every act is signed.
export XDG_STATE_HOME="$out/state"
keys="$out/keys"
mkdir -p "$keys"
for who in root alice; do
  [ -f "$keys/$who" ] || ssh-keygen -q -t ed25519 -N '' -f "$keys/$who"
done

for tool in hyperfine csv2rec recsel sqlite3 openssl hledger; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install hyperfine recutils sqlite3 openssl hledger" >&2; exit 1; }
done
if [ ! -f "$data/customer.csv" ]; then
  python3 -c 'import faker' 2>/dev/null || pip install --quiet faker
  python3 "$repo/../shared/bench/gen_data.py" --customers "$n" --out "$data" --seed 7
  python3 "$repo/benches/plausible_ids.py" "$data/customer.csv"
fi
csv="$data/customer.csv"

fresh_store() { # DIR
  rm -rf "$1"
  "$bin" --quiet init "$1" --admin root --key "$keys/root.pub" --identity "$keys/root"
  "$bin" --quiet --store "$1" --as root --identity "$keys/root" actor add alice \
    --role business-staff --key "$keys/alice.pub" --agreement-signed 2026-01-01 --trained-on 2026-01-01
}
export DOCKET_IDENTITY="$keys/alice"
peak() { # LABEL CMD... : run once, record peak RSS
  local label=$1; shift
  /usr/bin/time -f "$label	%M KiB	%e s" -a -o "$out/peak-memory.tsv" "$@" >/dev/null
}
: > "$out/peak-memory.tsv"

# ---- 1. import ----
store="$out/store-import"
fresh_store "$store"
"$bin" --quiet --store "$store" --as alice import customer "$csv"
tar -cf "$out/records.tar" -C "$store" records/customer
# recutils: the schema's key and types, then the converted records
{
  printf '%%rec: customer\n%%key: legacy_no\n%%type: meter_reading_m3 int\n%%type: account_opened_on date\n'
  printf '%%mandatory: name id_kind id_number category phone address account_opened_on\n\n'
} > "$out/rec-header"

hyperfine --runs "$runs" --export-markdown "$out/import.md" --export-json "$out/import.json" \
  --prepare "rm -rf $out/floor && mkdir $out/floor && sync" \
  -n "file-system floor: tar x + sync" "tar -xf $out/records.tar -C $out/floor && sync" \
  --prepare "rm -rf $out/store-bench && $bin --quiet init $out/store-bench --admin root --key $keys/root.pub --identity $keys/root && $bin --quiet --store $out/store-bench --as root --identity $keys/root actor add alice --role business-staff --key $keys/alice.pub --agreement-signed 2026-01-01 --trained-on 2026-01-01 && sync" \
  -n "docket import" "$bin --quiet --store $out/store-bench --as alice import customer $csv" \
  --prepare "rm -f $out/c.sqlite && sync" \
  -n "sqlite3 .import" "sqlite3 $out/c.sqlite '.mode csv' '.import $csv customer'" \
  --prepare "rm -f $out/c.rec && sync" \
  -n "csv2rec (conversion only)" "sh -c 'csv2rec $csv > $out/c.rec'"

# recfix --check grows quadratically with the number of records (the key check), so the
# whole recutils path is measured on slices and compared with docket on the same slices.
: > "$out/import-slices.tsv"
for m in $((n / 20)) $((n / 10)) $((n / 5)); do
  head -n $((m + 1)) "$csv" > "$out/slice.csv"
  fresh_store "$out/store-slice"
  sync
  docket_s=$( { /usr/bin/time -f %e "$bin" --quiet --store "$out/store-slice" --as alice import customer "$out/slice.csv" >/dev/null; } 2>&1 )
  rec_s=$( { /usr/bin/time -f %e sh -c "cat $out/rec-header > $out/slice.rec && csv2rec $out/slice.csv >> $out/slice.rec && recfix --check $out/slice.rec"; } 2>&1 )
  printf '%s\tdocket import %s s\tcsv2rec + recfix --check %s s\n' "$m" "$docket_s" "$rec_s" | tee -a "$out/import-slices.tsv"
done
fresh_store "$out/store-peak"
peak "import $n customers" "$bin" --quiet --store "$out/store-peak" --as alice import customer "$csv"

# ---- 2. query ----
cat "$out/rec-header" > "$out/customers.rec"; csv2rec "$csv" >> "$out/customers.rec"
rm -f "$out/q.sqlite"; sqlite3 "$out/q.sqlite" '.mode csv' ".import $csv customer"
hyperfine --warmup 1 --runs "$runs" --export-markdown "$out/query.md" --export-json "$out/query.json" \
  -n "docket query --where" "$bin --store $store --as alice --format csv query customer --where \"category == 'commercial' && meter_reading_m3 > 50000\"" \
  -n "recsel -e" "recsel -e \"category = 'commercial' && meter_reading_m3 > 50000\" $out/customers.rec" \
  -n "sqlite3 select" "sqlite3 -csv $out/q.sqlite \"select * from customer where category = 'commercial' and cast(meter_reading_m3 as integer) > 50000\""
peak "query over $n" "$bin" --store "$store" --as alice query customer --where "category == 'commercial' && meter_reading_m3 > 50000"

# ---- 3. the chain check of a 1,000,000-entry log ----
chain="$out/store-chain"
if [ ! -f "$chain/records/audit.log" ]; then
  fresh_store "$chain"
  python3 "$repo/benches/make_log.py" 1000000 "$chain/records/audit.log"
fi
hyperfine --warmup 1 --runs "$runs" --export-markdown "$out/verify.md" --export-json "$out/verify.json" \
  -n "docket verify --chain (1M entries)" "$bin --store $chain verify --chain" \
  -n "openssl dgst -sha256 (same log)" "openssl dgst -sha256 $chain/records/audit.log"
peak "verify --chain 1M entries" "$bin" --store "$chain" verify --chain
peak "verify (full) $n records" "$bin" --store "$store" verify

# ---- 4. create on a full store vs an empty one ----
fresh_store "$out/store-empty"
create="create customer --set name=王芳 --set id_kind=resident-id --set id_number=330106198503120423 --set category=residential --set phone=13757103456 --set address=杭州市上城区解放路20号 --set account_opened_on=2026-02-01"
hyperfine --warmup 2 --runs 20 --export-markdown "$out/create.md" --export-json "$out/create.json" \
  -n "create, empty store" "$bin --quiet --store $out/store-empty --as alice $create" \
  -n "create, $n records" "$bin --quiet --store $store --as alice $create"
peak "create on $n records" "$bin" --quiet --store "$store" --as alice $create

# ---- 5. money records: hledger's CSV rules vs docket import ----
rm -rf "$out/store-inst" && cp -a "$store" "$out/store-inst"
# The generated contracts are dated when their customers' accounts opened, years ago:
# entering them is a migration, so an administrator first widens the window for entering
# contracts after signing (policy.signed_within_days), as a company would.
sed -i 's/^signed_within_days = 90$/signed_within_days = 9000/' "$out/store-inst/docket.toml"
"$bin" --quiet --store "$out/store-inst" --as root --identity "$keys/root" \
  policy apply --reason "migrating the contract archive" && sync
hyperfine --runs 1 --export-markdown "$out/contracts.md" \
  -n "hledger print with CSV rules" "hledger -f $data/installation.csv --rules-file $repo/benches/installation.rules print" \
  -n "docket import installation" "$bin --quiet --store $out/store-inst --as alice import installation $data/installation.csv"

echo
cat "$out/contracts.md"
cat "$out/import.md" "$out/import-slices.tsv" "$out/query.md" "$out/verify.md" "$out/create.md"
echo
echo "peak memory:"
cat "$out/peak-memory.tsv"
