#!/usr/bin/env bash
# What the store's layout costs on disk and in git, side by side in one run: the docket of
# revision REV (default a9a07b0, the last to keep a folder per record) and this one, each
# importing the same N customers into a fresh store made a git repository as `docket init`
# makes one. Per docket: disk per record, the import's `git add -A` and `commit`,
# `git status` three times (the first fills the untracked cache), one act's `add` and
# `commit` with the loose objects it adds, and `git status` once more with a file-system
# monitor (watchman, through git's fsmonitor-watchman hook) when watchman is installed.
#
#   benches/layout.sh N [REV]      (results in target/bench/layout-N/results.tsv)
#
# Needs: git, python3 with faker, ssh-keygen, GNU time; watchman for the last row.
set -euo pipefail
n=${1:?usage: benches/layout.sh N [REV]}
rev=${2:-a9a07b0}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/benches/lib.sh"
out="$repo/target/bench/layout-$n"
data="$repo/target/bench/data-$n"
mkdir -p "$out"
cd "$repo"
cargo build --release --quiet
ensure_data "$n" "$data"
keys="$out/keys"
ensure_keys "$keys"
before=$(old_docket "$rev" "$out")
now="$repo/target/release/docket"

seconds() { # the wall time of a command, in seconds
  /usr/bin/time -f %e -o "$out/t.txt" "$@" >/dev/null 2>&1
  tail -1 "$out/t.txt"
}

# One docket's figures, as tab-separated "what value" lines.
measure() {
  local bin=$1 store="$out/store-$2"
  export XDG_STATE_HOME="$out/state-$2"
  rm -rf "$store" "$XDG_STATE_HOME"
  "$bin" --quiet init "$store" --admin root --key "$keys/root.pub" --identity "$keys/root"
  "$bin" --quiet --store "$store" --as root --identity "$keys/root" actor add alice \
    --role business-staff --key "$keys/alice.pub" --agreement-signed 2026-01-01 --trained-on 2026-01-01
  printf 'import (s)\t%s\n' "$(seconds "$bin" --quiet --store "$store" --as alice \
    --identity "$keys/alice" import customer "$data/customer.csv")"
  printf 'disk per record (bytes)\t%s\n' \
    "$(du -s --block-size=1 "$store/records" | awk -v n="$n" '{printf "%.0f", $1 / n}')"
  printf 'folders under records/\t%s\n' "$(find "$store/records" -type d | wc -l)"
  cd "$store"
  # Under this repository's folder `init` leaves git to the enclosing repository: make the
  # store one of its own, set as `init` sets a store it makes a repository.
  [ -d .git ] || { git init -q && git config feature.manyFiles true && git config core.untrackedCache true; }
  git config user.email bench@example.com && git config user.name bench
  printf 'git add -A (s)\t%s\n' "$(seconds git add -A)"
  printf 'git commit (s)\t%s\n' "$(seconds git commit -qm import)"
  for run in first second third; do
    printf 'git status, %s (s)\t%s\n' "$run" "$(seconds git status --porcelain)"
  done
  "$bin" --quiet --store . --as alice --identity "$keys/alice" \
    amend "CUS-$(date +%Y)-000001" --set "meter_number=M$RANDOM" --allow-duplicate --reason bench
  local objects
  objects=$(git count-objects -v | awk '/^size:/{print $2}')
  printf 'one act: git add -A and commit (s)\t%s\n' "$(seconds sh -c 'git add -A && git commit -qm act')"
  printf 'one act: new loose objects (KiB)\t%s\n' \
    "$(( $(git count-objects -v | awk '/^size:/{print $2}') - objects ))"
  if command -v watchman >/dev/null; then
    cp "$(git --exec-path)/../../share/git-core/templates/hooks/fsmonitor-watchman.sample" \
      .git/hooks/query-watchman 2>/dev/null ||
      cp /usr/share/git-core/templates/hooks/fsmonitor-watchman.sample .git/hooks/query-watchman
    chmod +x .git/hooks/query-watchman
    git config core.fsmonitor .git/hooks/query-watchman
    git status --porcelain >/dev/null 2>&1 || true # starts the watch
    git status --porcelain >/dev/null 2>&1 || true
    printf 'git status, with watchman (s)\t%s\n' "$(seconds git status --porcelain)"
    watchman watch-del "$store" >/dev/null 2>&1 || true
  fi
  cd "$repo"
}

measure "$before" before > "$out/before.tsv"
measure "$now" now > "$out/now.tsv"
{
  printf 'what\t%s (%s)\tthis build\n' "$rev" "a folder per record"
  paste "$out/before.tsv" "$out/now.tsv" | cut -f1,2,4
} | tee "$out/results.tsv"
