#!/usr/bin/env bash
# Fill a store with N customers through `docket create`, one process each, and time it:
# the cost a script pays when it does not use `docket import`.
#
#   DOCKET_IDENTITY=alice-key benches/create_loop.sh STORE N
set -euo pipefail
store=$1; n=$2
bin="$(cd "$(dirname "$0")/.." && pwd)/target/release/docket"
start=$(date +%s.%N)
for i in $(seq 1 "$n"); do
  "$bin" --quiet --store "$store" --as alice create customer --set name=测试$i \
    --set id_kind=resident-id --set id_number=11010519491231002X --set category=residential \
    --set phone=13800000000 --set address=北京市朝阳区测试路$i号 --set account_opened_on=2026-02-01 >/dev/null
done
end=$(date +%s.%N)
python3 -c "print('created $n in %.1f s' % ($end - $start))"
