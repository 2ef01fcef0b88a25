//! The examples each command's `--help` ends with: real command lines on the demo store.

pub const INIT: &str = "Examples:
  docket init /srv/gas --admin root --key ~/.ssh/id_ed25519.pub
  docket init . --admin 王芳 --key admin.pub --name \"杭州燃气\" --site-code HZ";
pub const ACTOR_ADD: &str = "Examples:
  docket --as admin actor add zhao.min --role market-manager --key zhao.min.pub \\
    --agreement-signed 2026-01-05 --trained-on 2026-01-05
  docket --as qian.lei actor add wang.fang --role business-staff --department hangzhou \\
    --key wang.fang.pub --agreement-signed 2026-01-05 --trained-on 2026-01-05";
pub const ACTOR_UPDATE: &str = "Examples:
  docket --as admin actor update li.na --trained-on 2026-11-20
  docket --as admin actor update li.na --key li.na-2027.pub      # rotate a key
  docket --as admin actor update li.na --department centre";
pub const ACTOR_APPROVE: &str = "Examples:
  docket --as admin actor add zhao.min --role market-manager --key zhao.min.pub   # prints 57
  docket --as admin2 pending                                   # the proposal waits for a second
  docket --as admin2 actor approve 57";
pub const ACTOR_REVOKE: &str = "Examples:
  docket --as admin actor revoke li.na --reason \"left the company\"";
pub const ACTOR_LIST: &str = "Examples:
  docket --as admin actor list
  docket --as qian.lei actor list --format csv                   # their department";
pub const ALLOWED_SIGNERS: &str = "Examples:
  docket actor allowed-signers > allowed_signers
  ssh-keygen -Y verify -f allowed_signers -I wang.fang -n docket -s e/entry.sig < e/entry";
pub const TYPES: &str = "Examples:
  docket types
  docket types take-or-pay
  docket types customer --format csv";
pub const CREATE: &str = "Examples:
  docket --as wang.fang create customer --set name=张伟 --set id_kind=resident-id \\
    --set id_number=330106198503120423 --set category=residential \\
    --set phone=13857101234 --set address=杭州市西湖区文三路12号 --set account_opened_on=2026-01-10
  docket --as wang.fang create installation --file installation.toml";
pub const AMEND: &str = "Examples:
  docket --as wang.fang amend CUS-2026-000001 --set phone=13900001111 --reason \"new number\"
  docket --as li.na amend INS-2026-000005 --set budget_amount=42000.00 --reason \"budget sheet\"";
pub const SHOW: &str = "Examples:
  docket --as wang.fang show CUS-2026-000001
  docket --as wang.fang show CUS-2026-000001 --reveal --purpose \"arrange meter visit\"
  docket --as he.ping show INS-2026-000003 --version 1 --format json";
pub const HISTORY: &str = "Examples:
  docket --as wang.fang history INS-2026-000004";
pub const DIFF: &str = "Examples:
  docket --as wang.fang diff INS-2026-000004
  docket --as wang.fang diff INS-2026-000004 --from 1 --to 3";
pub const QUERY: &str = "Examples:
  docket --as wang.fang query customer
  docket --as wang.fang query installation --status pending --sort -installation_fee
  docket --as wang.fang query --where \"customer.category == 'commercial'\" --fields customer,status";
pub const EXISTS: &str = "Examples:
  docket --as wang.fang exists customer id_number=330106198503120423";
pub const APPROVE: &str = "Examples:
  docket --as zhao.min approve INS-2026-000006 --comment \"预算核对无误\"";
pub const REJECT: &str = "Examples:
  docket --as zhao.min reject INS-2026-000006 --reason \"budget sheet missing\"";
pub const WITHDRAW: &str = "Examples:
  docket --as li.na withdraw INS-2026-000005 --reason \"customer cancelled\"";
pub const PENDING: &str = "Examples:
  docket --as zhao.min pending
  docket --as wu.hua pending --format csv
  docket --as he.ping pending --role general-manager       # what waits for another role";
pub const COMPLETE: &str = "Examples:
  docket --as wang.fang complete INS-2026-000001";
pub const TERMINATE: &str = "Examples:
  docket --as li.na terminate INS-2026-000002 --reason \"customer moved away\"";
pub const ARCHIVE: &str = "Examples:
  docket --as wu.hua archive INS-2026-000001 --attach contract.pdf --attach notice.pdf \\
    --note \"合同履行完毕\"";
pub const ATTACHMENT_GET: &str = "Examples:
  docket --as wu.hua attachment get TOP-2026-000001 delivery-notice-SQ2026-0031.txt \\
    notice.txt --purpose \"customer asked for a copy\"";
pub const IMPORT: &str = "Examples:
  docket --as wang.fang import customer old.csv --map old.map.toml --dry-run
  docket --as wang.fang import customer old.csv --map old.map.toml --rejects bad.csv
  docket --as wang.fang import installation contracts.txt --delimiter tab --encoding gb18030";
pub const EXPORT: &str = "Examples:
  docket --as wang.fang export customer -o customers.csv --encoding gb18030
  docket --as he.ping export --format json --reveal --purpose \"annual audit\" -o all.json";
pub const LOG: &str = "Examples:
  docket log --record TOP-2026-000001
  docket log --action reveal --since 2026-11-01 --until 2026-11-30
  docket log --limit 20 --format json";
pub const VERIFY: &str = "Examples:
  docket verify
  docket verify --chain
  docket verify --against origin/main";
pub const RECOVER: &str = "Examples:
  docket --as admin recover";
pub const HOOK_INSTALL: &str = "Examples:
  docket hook install";
pub const POLICY_DIFF: &str = "Examples:
  docket policy diff";
pub const POLICY_APPLY: &str = "Examples:
  docket --as admin policy apply --reason \"2027 tariffs from the price authority\"";
pub const POLICY_APPROVE: &str = "Examples:
  docket --as admin policy apply --reason \"auditors may read papers\"   # prints 61
  docket --as admin2 policy approve 61";
pub const WHOAMI: &str = "Examples:
  docket --as wang.fang whoami
  docket --as wang.fang --identity ~/.ssh/docket whoami --format json";
pub const STATUS: &str = "Examples:
  docket status
  docket --as wang.fang status --format json";
pub const COMPLETIONS: &str = "Examples:
  docket completions bash > ~/.local/share/bash-completion/completions/docket
  docket completions zsh > ~/.zfunc/_docket";
pub const MANPAGES: &str = "Examples:
  docket manpages ~/.local/share/man/man1 && man docket";
pub const SITE_SHOW: &str = "Examples:
  docket site show";
pub const RESOLVE: &str = "Examples:
  docket status                                   # lists the records in conflict
  docket --actor wang.fang resolve CUS-2026-000001 --keep HZ --reason '杭州营业厅的地址是用户本人更正的'
  docket --actor wang.fang resolve CON-2026-000003 --keep MAIN --reason '保留总部已审批的条款'";
pub const SUBJECT_EXPORT: &str = "Examples:
  docket --actor he.ping subject export CUS-2026-000001 --purpose '用户本人查阅申请' -o 张三.json
  docket --actor he.ping subject export CUS-2026-000001 --purpose '用户本人查阅申请' --format html -o 张三.html";
pub const SITE_INIT: &str = "Examples:
  git clone /srv/git/gas-store.git && cd gas-store && docket site init HZ
  docket site init MAIN --take-over   # this clone replaces the head office's old one";
