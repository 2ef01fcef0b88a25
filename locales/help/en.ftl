# docket's --help in English, as the clap definitions have it (written by a test:
# DOCKET_WRITE_HELP_CATALOGUE=1 cargo test --bin docket help_catalogue).

help-docket-about = docket — customer records and contracts as versioned TOML files, with approvals, archiving, masked personal data and a hash-chained audit log checked on every run
help-docket-arg-store = The store folder (default: the nearest folder with a docket.toml at or above here)
help-docket-arg-actor = Act as this registered actor
help-docket-arg-identity = The actor's OpenSSH private key file, to sign acts (default: the ssh-agent)
help-docket-arg-quiet = Say nothing on stderr but errors and warnings
help-docket-arg-lang = The language to speak: en or zh-CN (default: the locale, else the store's ui.language)
help-docket-init-about = Create a new store from the gas-utility template
help-docket-init-examples = 
    Examples:
      docket init /srv/gas --admin root --key ~/.ssh/id_ed25519.pub
      docket init . --admin 王芳 --key admin.pub --name "杭州燃气" --site-code HZ
help-docket-init-arg-dir = Where to create the store (default: here)
help-docket-init-arg-admin = The first administrator's actor name
help-docket-init-arg-key = The administrator's OpenSSH Ed25519 public key: a .pub file or the `ssh-ed25519 AAAA…` line
help-docket-init-arg-name = The store's display name (default: the folder's name)
help-docket-init-arg-site_code = The code of the store's first site (office), which this folder writes as
help-docket-init-arg-agreement_signed = When the administrator signed the security agreement (default: today)
help-docket-init-arg-trained_on = When the administrator was last trained (default: today)
help-docket-actor-about = Manage the staff register (admin only)
help-docket-actor-add-about = Register a member of staff
help-docket-actor-add-examples = 
    Examples:
      docket --as admin actor add zhao.min --role market-manager --key zhao.min.pub \
        --agreement-signed 2026-01-05 --trained-on 2026-01-05
      docket --as qian.lei actor add wang.fang --role business-staff --department hangzhou \
        --key wang.fang.pub --agreement-signed 2026-01-05 --trained-on 2026-01-05
help-docket-actor-add-arg-name = Their actor name: letters of one script, digits, `.`, `_`, `-` (wang.fang, 王芳)
help-docket-actor-add-arg-role = Their role, as schemas/roles.toml names it (business-staff, market-manager, department-head, archivist, auditor, admin, …)
help-docket-actor-add-arg-key = Their OpenSSH Ed25519 public key: a .pub file or the `ssh-ed25519 AAAA…` line
help-docket-actor-add-arg-agreement_signed = When the information-security agreement was signed (R-B1)
help-docket-actor-add-arg-trained_on = When data-protection training was last completed (R-A8)
help-docket-actor-add-arg-department = The department or office they belong to (docket.toml [departments]); none: the centre
help-docket-actor-update-about = Change an actor's role, agreement or training date
help-docket-actor-update-examples = 
    Examples:
      docket --as admin actor update li.na --trained-on 2026-11-20
      docket --as admin actor update li.na --key li.na-2027.pub      # rotate a key
      docket --as admin actor update li.na --department centre
help-docket-actor-update-arg-name = The actor to change
help-docket-actor-update-arg-role = Their new role (not your own)
help-docket-actor-update-arg-department = Move them to this department, or to the centre with `--department centre`
help-docket-actor-update-arg-key = A new public key (rotation); the old one still checks the entries it signed
help-docket-actor-update-arg-agreement_signed = When they signed the information-security agreement (R-B1)
help-docket-actor-update-arg-trained_on = When they last completed data-protection training (R-A8)
help-docket-actor-revoke-about = Revoke an actor: they may no longer act
help-docket-actor-revoke-examples = 
    Examples:
      docket --as admin actor revoke li.na --reason "left the company"
help-docket-actor-revoke-arg-name = The actor who may no longer act
help-docket-actor-revoke-arg-reason = Why (kept in the register and the audit log)
help-docket-actor-approve-about = Co-sign a register change another administrator proposed (a second signature)
help-docket-actor-approve-examples = 
    Examples:
      docket --as admin actor add zhao.min --role market-manager --key zhao.min.pub   # prints 57
      docket --as admin2 pending                                   # the proposal waits for a second
      docket --as admin2 actor approve 57
help-docket-actor-approve-arg-entry = The log entry that holds the proposal (printed when it was proposed; `docket pending` lists those waiting)
help-docket-actor-list-about = List the register
help-docket-actor-list-examples = 
    Examples:
      docket --as admin actor list
      docket --as qian.lei actor list --format csv                   # their department
help-docket-actor-list-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-actor-allowed-signers-about = Print an OpenSSH allowed_signers file of every key actors sign with
help-docket-actor-allowed-signers-examples = 
    Examples:
      docket actor allowed-signers > allowed_signers
      ssh-keygen -Y verify -f allowed_signers -I wang.fang -n docket -s e/entry.sig < e/entry
help-docket-types-about = Show the record kinds, or one kind's fields, rules and approval steps
help-docket-types-examples = 
    Examples:
      docket types
      docket types take-or-pay
      docket types customer --format csv
help-docket-types-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-types-arg-kind = One kind to describe
help-docket-create-about = Create a record; prints only the new id
help-docket-create-examples = 
    Examples:
      docket --as wang.fang create customer --set name=张伟 --set id_kind=resident-id \
        --set id_number=330106198503120423 --set category=residential \
        --set phone=13857101234 --set address=杭州市西湖区文三路12号 --set account_opened_on=2026-01-10
      docket --as wang.fang create installation --file installation.toml
help-docket-create-arg-kind = The record kind (see `docket types`)
help-docket-create-arg-sets = A field value, parsed by the field's type; repeat for more fields
help-docket-create-arg-file = A TOML file with one `field = value` per field (`-` reads stdin)
help-docket-create-arg-allow_duplicate = Write it even though another record holds its identity number (logged with --reason)
help-docket-create-arg-reason = Why a duplicate is allowed (kept in the audit log)
help-docket-amend-about = Write a new version of a record
help-docket-amend-examples = 
    Examples:
      docket --as wang.fang amend CUS-2026-000001 --set phone=13900001111 --reason "new number"
      docket --as li.na amend INS-2026-000005 --set budget_amount=42000.00 --reason "budget sheet"
help-docket-amend-arg-id = The record's id (any case), e.g. CUS-2026-000001
help-docket-amend-arg-sets = A new field value, parsed by the field's type; repeat for more fields
help-docket-amend-arg-unsets = Remove an optional field
help-docket-amend-arg-file = A TOML file with the new `field = value` lines (`-` reads stdin)
help-docket-amend-arg-reason = Why the record changes (kept in the version and the audit log)
help-docket-amend-arg-allow_duplicate = Amend it even though another record holds the new identity number (logged)
help-docket-show-about = Show one record
help-docket-show-examples = 
    Examples:
      docket --as wang.fang show CUS-2026-000001
      docket --as wang.fang show CUS-2026-000001 --reveal --purpose "arrange meter visit"
      docket --as he.ping show INS-2026-000003 --version 1 --format json
help-docket-show-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-show-arg-id = The record's id (any case), e.g. CUS-2026-000001
help-docket-show-arg-version = Show an earlier version
help-docket-show-arg-reveal = Show personal data your role may see, unmasked (logged with the purpose)
help-docket-show-arg-purpose = Why you need to see it (R-A3); required with --reveal and written to the audit log
help-docket-history-about = List a record's versions
help-docket-history-examples = 
    Examples:
      docket --as wang.fang history INS-2026-000004
help-docket-history-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-history-arg-id = The record's id (any case), e.g. CUS-2026-000001
help-docket-diff-about = Show what changed between two versions
help-docket-diff-examples = 
    Examples:
      docket --as wang.fang diff INS-2026-000004
      docket --as wang.fang diff INS-2026-000004 --from 1 --to 3
help-docket-diff-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-diff-arg-id = The record's id (any case), e.g. CUS-2026-000001
help-docket-diff-arg-from = The older version (default: the one before --to)
help-docket-diff-arg-to = The newer version (default: the current one)
help-docket-diff-arg-reveal = Show personal data your role may see, unmasked (logged with the purpose)
help-docket-diff-arg-purpose = Why you need to see it (R-A3); required with --reveal and written to the audit log
help-docket-query-about = Find records
help-docket-query-examples = 
    Examples:
      docket --as wang.fang query customer
      docket --as wang.fang query installation --status pending --sort -installation_fee
      docket --as wang.fang query --where "customer.category == 'commercial'" --fields customer,status
help-docket-query-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-query-arg-kind = Only this kind
help-docket-query-arg-filter = A CEL expression over the fields, e.g. "category == 'commercial' && meter_reading_m3 > 100"
help-docket-query-arg-status = Only records in this status: pending, active, rejected, completed, terminated, withdrawn or archived
help-docket-query-arg-fields = Columns to show (comma-separated field names)
help-docket-query-arg-sort = Sort by this field (prefix `-` for descending)
help-docket-query-arg-limit = At most this many records
help-docket-query-arg-customer = Only the records that refer to this customer (its contracts), e.g. CUS-2026-000001
help-docket-query-arg-reveal = Show personal data your role may see, unmasked (logged with the purpose)
help-docket-query-arg-purpose = Why you need to see it (R-A3); required with --reveal and written to the audit log
help-docket-exists-about = Whether a record holds an identity number, without showing anyone's data (logged)
help-docket-exists-examples = 
    Examples:
      docket --as wang.fang exists customer id_number=330106198503120423
help-docket-exists-arg-kind = The record kind (customer)
help-docket-exists-arg-pair = A unique field and the value to look for, e.g. id_number=110101199003077777
help-docket-exists-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-approve-about = Take the next approval step your role may take
help-docket-approve-examples = 
    Examples:
      docket --as zhao.min approve INS-2026-000006 --comment "预算核对无误"
help-docket-approve-arg-id = The contract's id (any case), e.g. INS-2026-000003
help-docket-approve-arg-comment = A comment kept with the approval
help-docket-reject-about = Reject a pending record at your step
help-docket-reject-examples = 
    Examples:
      docket --as zhao.min reject INS-2026-000006 --reason "budget sheet missing"
help-docket-reject-arg-id = The contract's id (any case), e.g. INS-2026-000003
help-docket-reject-arg-reason = Why (kept with the record and in the audit log)
help-docket-withdraw-about = Withdraw a draft contract you wrote (pending or rejected)
help-docket-withdraw-examples = 
    Examples:
      docket --as li.na withdraw INS-2026-000005 --reason "customer cancelled"
help-docket-withdraw-arg-id = The contract's id (any case), e.g. INS-2026-000003
help-docket-withdraw-arg-reason = Why the draft is withdrawn (kept with the record and in the audit log)
help-docket-pending-about = What waits for your role: approvals, and finished contracts to archive
help-docket-pending-examples = 
    Examples:
      docket --as zhao.min pending
      docket --as wu.hua pending --format csv
      docket --as he.ping pending --role general-manager       # what waits for another role
help-docket-pending-arg-role = What waits for this role instead of yours (for roles that reach every record: managers, the auditor)
help-docket-pending-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-complete-about = Mark an active contract as performed
help-docket-complete-examples = 
    Examples:
      docket --as wang.fang complete INS-2026-000001
help-docket-complete-arg-id = The contract's id (any case), e.g. INS-2026-000003
help-docket-terminate-about = Mark an active contract as no longer performed
help-docket-terminate-examples = 
    Examples:
      docket --as li.na terminate INS-2026-000002 --reason "customer moved away"
help-docket-terminate-arg-id = The contract's id (any case), e.g. INS-2026-000003
help-docket-terminate-arg-reason = Why it is no longer performed (kept with the record and in the audit log)
help-docket-archive-about = Archive a completed or terminated contract with its papers (archivist only)
help-docket-archive-examples = 
    Examples:
      docket --as wu.hua archive INS-2026-000001 --attach contract.pdf --attach notice.pdf \
        --note "合同履行完毕"
help-docket-archive-arg-id = The contract's id (any case), e.g. INS-2026-000003
help-docket-archive-arg-attach = A paper to file with the contract (letters, charts, approvals, budgets, notices); repeat
help-docket-archive-arg-note = A note kept with the archive entry
help-docket-attachment-about = Retrieve an archived paper (with a logged purpose)
help-docket-attachment-get-about = Write an archived paper to a file (`-`: stdout), checked against its logged hash
help-docket-attachment-get-examples = 
    Examples:
      docket --as wu.hua attachment get TOP-2026-000001 delivery-notice-SQ2026-0031.txt \
        notice.txt --purpose "customer asked for a copy"
help-docket-attachment-get-arg-id = The archived contract
help-docket-attachment-get-arg-name = The paper's name, as `docket show ID` lists it
help-docket-attachment-get-arg-out = Where to write it (never over an existing file); `-` for stdout
help-docket-attachment-get-arg-purpose = Why you need it: papers hold personal data (logged)
help-docket-import-about = Import a CSV file of one kind: all rows or none
help-docket-import-examples = 
    Examples:
      docket --as wang.fang import customer old.csv --map old.map.toml --dry-run
      docket --as wang.fang import customer old.csv --map old.map.toml --rejects bad.csv
      docket --as wang.fang import installation contracts.txt --delimiter tab --encoding gb18030
help-docket-import-arg-kind = The record kind the rows are
help-docket-import-arg-file = The CSV file (UTF-8 with or without BOM, or GB18030/GBK as Excel saves it)
help-docket-import-arg-map = A TOML mapping: columns to fields, constants, date/boolean/list conversions
help-docket-import-arg-encoding = The file's encoding when it is not UTF-8 (default: the store's, gb18030)
help-docket-import-arg-dry_run = Check every row and report, writing nothing
help-docket-import-arg-rejects = Write the rejected rows, with their line and error, to this CSV
help-docket-import-arg-delimiter = The column separator: comma (the default), semicolon, tab or pipe
help-docket-import-arg-allow_duplicate = Import rows even where another record (or row) holds the same identity number
help-docket-import-arg-reason = Why the duplicates are allowed (kept in each row's audit entry)
help-docket-export-about = Export current records as CSV or JSON (masked unless revealed)
help-docket-export-examples = 
    Examples:
      docket --as wang.fang export customer -o customers.csv --encoding gb18030
      docket --as he.ping export --format json --reveal --purpose "annual audit" -o all.json
help-docket-export-arg-format = CSV (one kind; what a spreadsheet opens) or JSON (any kinds)
help-docket-export-arg-kind = Only this kind (required for CSV)
help-docket-export-arg-filter = Only records this CEL expression holds for, as `query --where`
help-docket-export-arg-encoding = Encoding of a CSV export: gb18030 (what Chinese Excel opens), utf-8-bom (UTF-8 that Excel recognises) or utf-8; default: the store's import encoding (policy.default_encoding), UTF-8 on a terminal. JSON is always UTF-8
help-docket-export-arg-output = Write to this file instead of stdout (whole or not at all; never over an existing file without --force)
help-docket-export-arg-force = Replace the file -o names if it exists
help-docket-export-arg-reveal = Show personal data your role may see, unmasked (logged with the purpose)
help-docket-export-arg-purpose = Why you need to see it (R-A3); required with --reveal and written to the audit log
help-docket-log-about = Read the audit log
help-docket-log-examples = 
    Examples:
      docket log --record TOP-2026-000001
      docket log --action reveal --since 2026-11-01 --until 2026-11-30
      docket log --limit 20 --format json
help-docket-log-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-log-arg-record = Entries about this record (or actor)
help-docket-log-arg-log_actor = Entries by this actor
help-docket-log-arg-action = Entries of this action (create, approve, reveal, …)
help-docket-log-arg-since = Entries on or after this day: YYYY-MM-DD, today, yesterday or Nd (N days ago), in the store's zone
help-docket-log-arg-until = Entries on or before this day: YYYY-MM-DD, today, yesterday or Nd (N days ago)
help-docket-log-arg-limit = Only the most recent N of the entries that match
help-docket-log-arg-entry = One entry, by its number in its site's log: N at the first site, SITE:N elsewhere (HZ:3)
help-docket-log-arg-export_signed = With --entry: write the entry's transaction (DIR/entry) and its signature (DIR/entry.sig) for `ssh-keygen -Y verify`
help-docket-verify-about = Check the whole store: chain, every file, nothing unlogged or missing
help-docket-verify-examples = 
    Examples:
      docket verify
      docket verify --chain
      docket verify --against origin/main
help-docket-verify-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-verify-arg-chain = Check only the audit log's hash chain (fast: for hooks); files are not read
help-docket-verify-arg-against = Also check the log along git's history: the log committed in this revision, and in every commit since, is a prefix of today's; a log cut or rewritten in any of them is refused
help-docket-verify-arg-staged = Check the store as staged in git's index (what the next commit holds) instead of the folder, and that its log extends HEAD's: what the pre-commit hook runs
help-docket-recover-about = Move files no audit entry logs (left by a crash) into records/.quarantine/
help-docket-recover-examples = 
    Examples:
      docket --as admin recover
help-docket-hook-about = Git hooks that keep the audit log honest
help-docket-hook-install-about = Install a git pre-commit hook that runs `docket verify --staged` (docket must be on PATH)
help-docket-hook-install-examples = 
    Examples:
      docket hook install
help-docket-site-about = Which office (site) this clone writes as, and making a clone one
help-docket-site-show-about = Which site this clone writes as, and the store's sites
help-docket-site-show-examples = 
    Examples:
      docket site show
help-docket-site-init-about = Make this clone a site, so it may write
help-docket-site-init-examples = 
    Examples:
      git clone /srv/git/gas-store.git && cd gas-store && docket site init HZ
      docket site init MAIN --take-over   # this clone replaces the head office's old one
help-docket-site-init-arg-code = The site's code: an upper-case letter, then one to seven letters or digits
help-docket-site-init-arg-take_over = Write as a site the store already has: this clone replaces the one that wrote as it
help-docket-subject-about = What the store holds about one customer, for the customer (R-A6)
help-docket-subject-export-about = Everything held about one customer: its records and contracts, every version, and who acted on or read them (logged)
help-docket-subject-export-examples = 
    Examples:
      docket --actor he.ping subject export CUS-2026-000001 --purpose '用户本人查阅申请' -o 张三.json
      docket --actor he.ping subject export CUS-2026-000001 --purpose '用户本人查阅申请' --format html -o 张三.html
help-docket-subject-export-arg-id = The customer's id
help-docket-subject-export-arg-purpose = The request this answers (R-A6); written to the audit log
help-docket-subject-export-arg-format = json, for the file the request is answered with, or html, a page to print or send
help-docket-subject-export-arg-output = Write to this file instead of stdout (whole or not at all; never over an existing file without --force)
help-docket-subject-export-arg-force = Replace the file -o names if it exists
help-docket-resolve-about = Settle a record two sites changed between pulls: keep one site's terms
help-docket-resolve-examples = 
    Examples:
      docket status                                   # lists the records in conflict
      docket --actor wang.fang resolve CUS-2026-000001 --keep HZ --reason '杭州营业厅的地址是用户本人更正的'
      docket --actor wang.fang resolve CON-2026-000003 --keep MAIN --reason '保留总部已审批的条款'
help-docket-resolve-arg-id = The record in conflict (any case), e.g. CUS-2026-000001
help-docket-resolve-arg-keep = The site whose version's terms the record keeps, e.g. HZ (`docket show` lists them)
help-docket-resolve-arg-reason = Why these terms stand (kept in the version and the audit log)
help-docket-resolve-arg-allow_duplicate = Keep them even though another record holds their identity number (logged)
help-docket-policy-about = The rules in force: what changed in the policy files, and applying them
help-docket-policy-diff-about = Show how docket.toml and schemas/ differ from the policy in force
help-docket-policy-diff-examples = 
    Examples:
      docket policy diff
help-docket-policy-apply-about = Make the edited policy files the rules in force (administrator; signed and logged)
help-docket-policy-apply-examples = 
    Examples:
      docket --as admin policy apply --reason "2027 tariffs from the price authority"
help-docket-policy-apply-arg-reason = Why the rules change (kept in the audit log)
help-docket-policy-approve-about = Co-sign a policy another administrator proposed, making it the rules in force
help-docket-policy-approve-examples = 
    Examples:
      docket --as admin policy apply --reason "auditors may read papers"   # prints 61
      docket --as admin2 policy approve 61
help-docket-policy-approve-arg-entry = The log entry that holds the proposal (printed when it was proposed; `docket pending` lists those waiting)
help-docket-whoami-about = Who you act as: your role, department, what you may do, whether you may act and sign
help-docket-whoami-examples = 
    Examples:
      docket --as wang.fang whoami
      docket --as wang.fang --identity ~/.ssh/docket whoami --format json
help-docket-whoami-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-status-about = The store at a glance: records by kind and status, what waits for whom, what is overdue
help-docket-status-examples = 
    Examples:
      docket status
      docket --as wang.fang status --format json
help-docket-status-arg-format = How to print the data: an aligned table, or JSON, CSV or TOML for scripts
help-docket-completions-about = A completion script for your shell
help-docket-completions-examples = 
    Examples:
      docket completions bash > ~/.local/share/bash-completion/completions/docket
      docket completions zsh > ~/.zfunc/_docket
help-docket-completions-arg-shell = The shell to complete in
help-docket-manpages-about = Write the manual pages (docket.1 and one per command) into a folder
help-docket-manpages-examples = 
    Examples:
      docket manpages ~/.local/share/man/man1 && man docket
help-docket-manpages-arg-dir = The folder to write docket.1 and a page per command into (default: $XDG_DATA_HOME/man/man1, else ~/.local/share/man/man1, where man looks)
