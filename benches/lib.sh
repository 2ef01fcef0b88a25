# What the benchmark scripts share; sourced after `repo` is set.

# The docket of revision $1, built once in a git worktree under folder $2: its path.
old_docket() {
  local rev=$1 tree="$2/before-$1"
  if [ ! -x "$tree/target/release/docket" ]; then
    rm -rf "$tree"
    git -C "$repo" worktree add --force --detach "$tree" "$rev" >/dev/null
    (cd "$tree" && cargo build --release --quiet)
  fi
  echo "$tree/target/release/docket"
}

# Generated customers and contracts for $1 customers in folder $2 (seed 7), once.
ensure_data() {
  local n=$1 data=$2
  if [ ! -f "$data/customer.csv" ]; then
    python3 -c 'import faker' 2>/dev/null || pip install --quiet faker
    python3 "$repo/../shared/bench/gen_data.py" --customers "$n" --out "$data" --seed 7
    python3 "$repo/benches/plausible_ids.py" "$data/customer.csv"
  fi
}

# Key pairs for root and alice in folder $1, once.
ensure_keys() {
  mkdir -p "$1"
  for who in root alice; do
    [ -f "$1/$who" ] || ssh-keygen -q -t ed25519 -N '' -f "$1/$who"
  done
}
