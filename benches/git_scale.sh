#!/usr/bin/env bash
# What git costs on the store of N customers that `benches/scale.sh N` built: the whole
# store's `git add -A` and `commit`, `git status` (three times: the first fills the
# untracked cache), and one act's `add` and `commit` with the loose objects it adds.
# Makes the store a git repository as `docket init` does; run it once per store.
#
#   benches/git_scale.sh N
set -euo pipefail
n=${1:?usage: benches/git_scale.sh N}
repo=$(cd "$(dirname "$0")/.." && pwd)
out="$repo/target/bench/scale-$n"
cd "$out/store"
[ -d .git ] && { echo "$out/store is a git repository already"; exit 1; }
git init -q && git config feature.manyFiles true && git config core.untrackedCache true
git config user.email bench@example.com && git config user.name bench
/usr/bin/time -f "git add -A: %e s %M KiB" git add -A
/usr/bin/time -f "git commit: %e s %M KiB" git commit -qm import
for _ in 1 2 3; do /usr/bin/time -f "git status: %e s" git status --porcelain | wc -l; done
export XDG_STATE_HOME="$out/state"
"$repo/target/release/docket" --quiet --store . --as alice --identity "$out/keys/alice" \
  amend "CUS-$(date +%Y)-000001" --set "meter_number=M$RANDOM" --allow-duplicate --reason bench >/dev/null
before=$(git count-objects -v | awk '/^size:/{print $2}')
/usr/bin/time -f "git add -A and commit after one act: %e s" sh -c 'git add -A && git commit -qm act'
after=$(git count-objects -v | awk '/^size:/{print $2}')
echo "one act adds $((after - before)) KiB of loose objects"
du -sh .git
