#!/usr/bin/env bash
# What a second site costs: each command's time and peak memory on a store of N
# imported customers with one site, and on a clone of it made a second site (HZ), where
# every run reads and replays both logs merged (README "Several offices").
#
#   benches/sites.sh N          (results in target/bench/sites-N/results.tsv)
#
# Needs: hyperfine, python3 with faker, ssh-keygen.
set -euo pipefail
n=${1:?usage: benches/sites.sh N}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/benches/lib.sh"
out="$repo/target/bench/sites-$n"
data="$repo/target/bench/data-$n"
mkdir -p "$out"
cd "$repo"
cargo build --release --quiet
bin="$repo/target/release/docket"
ensure_data "$n" "$data"
export XDG_STATE_HOME="$out/state"
keys="$out/keys"
ensure_keys "$keys"
one="$out/one-site"; two="$out/two-sites"
root="--quiet --as root --identity $keys/root"
as="--quiet --as alice --identity $keys/alice"
if [ ! -d "$one/records/customer" ]; then
  rm -rf "$one" "$two"
  "$bin" --quiet init "$one" --admin root --key "$keys/root.pub" --identity "$keys/root"
  "$bin" --store "$one" $root actor add alice --role business-staff --key "$keys/alice.pub" \
    --agreement-signed 2026-01-01 --trained-on 2026-01-01
  "$bin" --store "$one" $as import customer "$data/customer.csv"
  # The clone: the same folder copied, made site HZ by an administrator.
  cp -a "$one" "$two" && rm "$two/.docket-site"
  "$bin" --store "$two" $root site init HZ
fi
first=CUS-$(date +%Y)-000001
fields="--set name=王芳 --set id_kind=resident-id --set id_number=330106198503120423 --set category=residential --set phone=13757103456 --set address=杭州市上城区解放路20号 --set account_opened_on=2026-02-01 --allow-duplicate --reason bench"
results="$out/results.tsv"
printf 'command\tone site (s)\ttwo sites (s)\tpeak, one site (KiB)\tpeak, two sites (KiB)\n' > "$results"
mean() {
  hyperfine -i --warmup 1 --runs 5 --export-json "$out/run.json" "$1" >/dev/null 2>&1 || { echo failed; return; }
  python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$out/run.json"
}
peak() {
  /usr/bin/time -f %M -o "$out/peak.txt" $1 >/dev/null 2>&1 || true
  tail -1 "$out/peak.txt"
}
measure() { # name, then the arguments after the store
  local name=$1 args=$2
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" \
    "$(mean "$bin --store $one $args")" "$(mean "$bin --store $two $args")" \
    "$(peak "$bin --store $one $args")" "$(peak "$bin --store $two $args")" | tee -a "$results"
}
measure whoami "$as whoami"
measure show "$as show $first"
measure create "$as create customer $fields"
measure verify "verify"
# The first run after a pull that brought another site's acts replays every log: timed
# here as a run with this machine's settled index removed before it, at each store.
cold() { # the store
  local db="$XDG_STATE_HOME/docket"
  hyperfine -i --runs 3 --prepare "rm -f $db/*.index.sqlite*" --export-json "$out/run.json" \
    "$bin --store $1 $as show $first" >/dev/null 2>&1 || { echo failed; return; }
  python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$out/run.json"
}
coldpeak() {
  rm -f "$XDG_STATE_HOME"/docket/*.index.sqlite*
  peak "$bin --store $1 $as show $first"
}
printf '%s\t%s\t%s\t%s\t%s\n' "show, no settled index" "$(cold "$one")" "$(cold "$two")" \
  "$(coldpeak "$one")" "$(coldpeak "$two")" | tee -a "$results"
