#!/usr/bin/env bash
# Rebuilds the repository's demo store (docket.toml and records/) with docket's own
# commands, so its audit log is genuine. Run from anywhere: demo/make-demo.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cargo build --quiet
bin="$repo/target/debug/docket"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store="$work/store"

# This run's own machine state, so the build leaves nothing in the user's home.
export XDG_STATE_HOME="$work/state"

# Demo keys: committed on purpose so the README's commands work on any machine. They
# are public, so anyone can sign as the demo staff: never use them for a real store.
keys="$repo/demo/keys"
# The centre's staff, registered by the administrator; the Hangzhou office's, registered
# by its responsible person (two-level management, R-B2).
centre="admin:admin ma.jie:admin qian.lei:department-head zhao.min:market-manager chen.jun:vp-operations \
  sun.li:general-manager zhou.qiang:planning-construction wu.hua:archivist he.ping:auditor"
office="wang.fang:business-staff li.na:business-staff"
staff="$centre $office"
mkdir -p "$keys"
for s in $staff; do
  name=${s%%:*}
  [ -f "$keys/$name" ] || ssh-keygen -q -t ed25519 -N '' -C "$name (docket demo key, not secret)" -f "$keys/$name"
done

at() { export DOCKET_NOW="$1"; }
as() { local who=$1; shift; "$bin" --quiet --store "$store" --as "$who" --identity "$keys/$who" "$@"; }

at 2026-01-05T09:00:00Z
"$bin" --quiet init "$store" --admin admin --key "$keys/admin.pub" --identity "$keys/admin" \
  --name "docket demo gas company" --site-code DEMO

# Nobody acts alone on what widens access or weakens a rule: the store's second
# administrator co-signs what the first proposes. (The sole administrator may register
# the second alone; the auditor sees that flagged.)
register() {
  local by=$1 s=$2; shift 2
  local proposed
  proposed=$(as "$by" actor add "${s%%:*}" --role "${s##*:}" --key "$keys/${s%%:*}.pub" \
    --agreement-signed 2026-01-05 --trained-on 2026-01-05 "$@")
  if [ -n "$proposed" ]; then as ma.jie actor approve "$proposed"; fi
}
register admin ma.jie:admin

# The demo must keep working for years after it was made: its training limit is ten
# years instead of the default yearly refresher (policy.training_valid_days) — a weaker
# rule, so it takes both administrators. And the company has an office in Hangzhou.
sed -i 's/^training_valid_days = 365$/training_valid_days = 3650/' "$store/docket.toml"
printf '\n[departments.hangzhou]\ntitle = "杭州营业厅 Hangzhou office"\n' >> "$store/docket.toml"
proposed=$(as admin policy apply --reason "demo store: the Hangzhou office; training valid for ten years")
as ma.jie policy approve "$proposed"

for s in $centre; do
  case $s in admin:*|ma.jie:*) ;; qian.lei:*) register admin "$s" --department hangzhou ;; *) register admin "$s" ;; esac
done
for s in $office; do register qian.lei "$s" --department hangzhou; done

customer() { as wang.fang create customer "$@"; }
at 2026-01-15T09:30:00Z
c1=$(customer --set name=张伟 --set id_kind=resident-id --set id_number=330106198503120423 \
  --set category=residential --set phone=13857101234 --set address=杭州市西湖区文三路12号3单元501 \
  --set meter_number=M000120001 --set meter_model=G2.5 --set meter_reading_m3=0 \
  --set appliances="燃气灶;热水器" --set account_opened_on=2026-01-10)
c2=$(customer --set name=李秀英 --set id_kind=resident-id --set id_number=440305197906201813 \
  --set category=residential --set phone=13957102345 --set address=杭州市拱墅区湖墅南路88号 \
  --set appliances="燃气灶" --set account_opened_on=2026-01-10)
c3=$(customer --set name=王芳 --set id_kind=resident-id --set id_number=510107199201013336 \
  --set category=residential --set phone=13757103456 --set address=杭州市上城区解放路20号 \
  --set account_opened_on=2026-01-11)
c4=$(customer --set name=西湖春饭店有限公司 --set id_kind=uscc --set id_number=91330106MA2CD12345 \
  --set category=commercial --set phone=0571-87001234 --set address=杭州市西湖区北山街5号 \
  --set appliances="商用灶;蒸箱" --set account_opened_on=2026-01-12)
c5=$(customer --set name=城北购物中心 --set id_kind=uscc --set id_number=91330100MA27XY567C \
  --set category=commercial --set phone=0571-88002345 --set address=杭州市拱墅区莫干山路1000号 \
  --set account_opened_on=2026-01-12)
c6=$(customer --set name=翠苑一区业主委员会 --set id_kind=uscc --set id_number=91330108MA2H0Q789H \
  --set category=collective --set phone=0571-88113456 --set contact_name=赵建国 \
  --set contact_phone=13605710001 --set address=杭州市西湖区翠苑一区 --set account_opened_on=2026-01-13)
c7=$(customer --set name=浙江天然气管网有限公司 --set id_kind=uscc --set id_number=91330000143094821F \
  --set category=upstream-supplier --set phone=0571-85004567 --set address=杭州市上城区钱江路1366号 \
  --set account_opened_on=2026-01-14)
c8=$(customer --set name=钱塘热电有限公司 --set id_kind=uscc --set id_number=91330102MA28RT345C \
  --set category=industrial --set phone=0571-86005678 --set address=杭州市钱塘区江东大道99号 \
  --set account_opened_on=2026-01-15)

# Legacy customers arrive from an old spreadsheet, saved by Excel as GB18030.
at 2026-01-16T08:00:00Z
iconv -f utf-8 -t gb18030 demo/legacy/customers.csv > "$work/customers-gbk.csv"
as wang.fang import customer "$work/customers-gbk.csv" --map demo/legacy/customers.map.toml

# Installations: residential by tariff (no approval, R-C2); commercial budgeted (R-C3);
# a collective one in instalments with a schedule (R-C3, R-C8, R-C4, R-C9).
at 2026-01-23T10:00:00Z
i1=$(as wang.fang create installation --set customer="$c1" --set installation_fee=2800.00 \
  --set fee_basis=tariff --set payment_plan=lump-sum --set schedule_required=false \
  --set property_dispute=false --set signed_on=2026-01-20)
i2=$(as li.na create installation --set customer="$c2" --set installation_fee=2800.00 \
  --set fee_basis=tariff --set payment_plan=lump-sum --set schedule_required=false \
  --set property_dispute=false --set signed_on=2026-01-20)
i3=$(as li.na create installation --set customer="$c4" --set installation_fee=18600.00 \
  --set fee_basis=budget --set budget_amount=18600.00 --set payment_plan=lump-sum \
  --set schedule_required=false --set property_dispute=false --set signed_on=2026-01-21)
i4=$(as wang.fang create installation --set customer="$c6" --set installation_fee=256000.00 \
  --set fee_basis=budget --set budget_amount=256000.00 --set payment_plan=installments \
  --set payment_deadlines="2026-03-01;2026-06-01;2026-09-01" \
  --set installation_steps="勘察设计;庭院管网;入户安装;通气验收" --set schedule_required=true \
  --set schedule_deadline=2026-08-31 --set property_dispute=false --set signed_on=2026-01-22)
i5=$(as wang.fang create installation --set customer="$c5" --set installation_fee=42000.00 \
  --set fee_basis=budget --set budget_amount=42000.00 --set payment_plan=lump-sum \
  --set schedule_required=false --set property_dispute=false --set signed_on=2026-01-23)

at 2026-01-26T14:00:00Z
as zhao.min approve "$i3" --comment "预算核对无误"
as zhao.min approve "$i4" --comment "集体用户联系人已确认"
as zhao.min reject "$i5" --reason "预算单未附: attach the budget department's sheet"
at 2026-01-27T10:00:00Z
as zhou.qiang approve "$i4" --comment "工期可行"
# An industrial customer's budgeted installation waits for the market manager's review:
# only routine residential installations are signed by business staff alone (R-C2, R-C3).
at 2026-01-28T09:00:00Z
as wang.fang create installation --set customer="$c8" --set installation_fee=380000.00 \
  --set fee_basis=budget --set budget_amount=380000.00 --set payment_plan=lump-sum \
  --set schedule_required=false --set property_dispute=false --set signed_on=2026-01-28 >/dev/null

# Alarm installations: fee is the tariff times the quantity (R-C11).
at 2026-02-02T09:00:00Z
as wang.fang create alarm-installation --set customer="$c1" --set alarm_model=JT-KB-2 \
  --set quantity=2 --set fee=760.00 --set signed_on=2026-02-02 >/dev/null
a2=$(as li.na create alarm-installation --set customer="$c3" --set alarm_model=JT-KB-2 \
  --set quantity=1 --set fee=380.00 --set signed_on=2026-02-02)

# Supply contracts need the delivery notice and acceptance drawings (R-C12); gas before
# the installation fee is settled needs the general manager (R-C5).
at 2026-02-10T09:00:00Z
as wang.fang create residential-supply --set customer="$c1" --set delivery_notice_no=SQ2026-0012 \
  --set acceptance_drawing_no=YS2026-0012 --set installation_fee_settled=true \
  --set meter_number=M000120001 --set start_date=2026-02-15 >/dev/null
r2=$(as li.na create residential-supply --set customer="$c2" --set delivery_notice_no=SQ2026-0013 \
  --set acceptance_drawing_no=YS2026-0013 --set installation_fee_settled=false \
  --set meter_number=M000120002 --set start_date=2026-02-15)
as wang.fang create commercial-supply --set customer="$c4" --set delivery_notice_no=SQ2026-0020 \
  --set acceptance_drawing_no=YS2026-0020 --set installation_fee_settled=true \
  --set meter_number=M000130001 --set start_date=2026-02-20 \
  --set annual_volume_m3=180000 --set daily_volume_m3=600 >/dev/null
as li.na create commercial-supply --set customer="$c5" --set delivery_notice_no=SQ2026-0021 \
  --set acceptance_drawing_no=YS2026-0021 --set installation_fee_settled=false \
  --set meter_number=M000130002 --set start_date=2026-03-01 \
  --set annual_volume_m3=3200000 --set daily_volume_m3=9000 >/dev/null 2>&1   # warns: take-or-pay threshold
at 2026-02-11T16:00:00Z
as sun.li approve "$r2" --comment "用户承诺三月底前结清"
at 2026-02-15T09:00:00Z
as li.na complete "$a2"

# Take-or-pay: drafted by the operations VP, signed by the general manager (R-C6),
# eligible at daily ≥ 10,000 m³ (R-C14); performed, completed, archived (R-C15).
at 2026-02-20T09:00:00Z
t1=$(as chen.jun create take-or-pay --set customer="$c8" --set annual_volume_m3=3960000 \
  --set daily_volume_m3=12000 --set take_or_pay_percent=80 --set price_per_m3=3.2500 \
  --set term_start=2026-03-01 --set term_end=2026-10-31 --set market_data_ref=MKT-2026-017 \
  --set finance_data_ref=FIN-2026-009)
t2=$(as chen.jun create take-or-pay --set customer="$c7" --set annual_volume_m3=50000000 \
  --set daily_volume_m3=150000 --set take_or_pay_percent=90 --set price_per_m3=2.8800 \
  --set term_start=2026-04-01 --set term_end=2031-03-31 --set market_data_ref=MKT-2026-021 \
  --set finance_data_ref=FIN-2026-014)
at 2026-02-24T11:00:00Z
as sun.li approve "$t1" --comment "量价条款已审核"

# Finished contracts go to the archivist with their papers.
at 2026-03-05T09:00:00Z
as li.na terminate "$i2" --reason "用户搬迁, 未施工"
at 2026-11-02T09:00:00Z
as chen.jun complete "$t1"
at 2026-11-03T10:00:00Z
as wu.hua archive "$t1" --attach demo/papers/take-or-pay-approval-TOP-2026-000001.txt \
  --attach demo/papers/delivery-notice-SQ2026-0031.txt --note "合同履行完毕" >/dev/null
as wu.hua archive "$i2" --attach demo/papers/termination-letter-INS-2026-000002.txt >/dev/null
at 2026-11-05T09:00:00Z
as wang.fang complete "$i1"

rm -rf "$repo/records"
cp "$store/docket.toml" "$repo/docket.toml"
cp -r "$store/records" "$repo/records"
rm -f "$repo/records/.lock"
unset DOCKET_NOW
"$bin" --store "$repo" verify
rm -rf "$XDG_STATE_HOME"
