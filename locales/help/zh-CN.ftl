# docket 的中文 --help；标识与 locales/help/en.ftl 一一对应。

help-docket-about = docket —— 以带版本的 TOML 文件保存用户档案和合同，支持审批、归档、个人信息遮蔽，以及每次运行都会核验的哈希链审计日志
help-docket-arg-store = 数据库文件夹（默认：当前位置或其上级中最近的、含 docket.toml 的文件夹）
help-docket-arg-actor = 以此已登记操作员的身份操作
help-docket-arg-identity = 操作员的 OpenSSH 私钥文件，用于签署操作（默认：ssh-agent）
help-docket-arg-quiet = 除错误和警告外，不在 stderr 输出任何内容
help-docket-arg-lang = 使用的语言：en 或 zh-CN（默认：按系统区域设置，否则按数据库的 ui.language）
help-docket-init-about = 按燃气公司模板新建数据库
help-docket-init-examples =
    示例：
      docket init /srv/gas --admin root --key ~/.ssh/id_ed25519.pub
      docket init . --admin 王芳 --key admin.pub --name "杭州燃气" --site-code HZ
help-docket-init-arg-dir = 在何处创建数据库（默认：当前位置）
help-docket-init-arg-admin = 第一位管理员的操作员名
help-docket-init-arg-key = 管理员的 OpenSSH Ed25519 公钥：.pub 文件或 `ssh-ed25519 AAAA…` 这一行
help-docket-init-arg-name = 数据库的显示名称（默认：文件夹名）
help-docket-init-arg-site_code = 数据库第一个站点（营业点）的代码，本文件夹以它的身份写入
help-docket-init-arg-agreement_signed = 管理员签署安全协议的日期（默认：今天）
help-docket-init-arg-trained_on = 管理员最近一次培训的日期（默认：今天）
help-docket-actor-about = 管理人员名册（仅限管理员）
help-docket-actor-add-about = 登记一名工作人员
help-docket-actor-add-examples =
    示例：
      docket --as admin actor add zhao.min --role market-manager --key zhao.min.pub \
        --agreement-signed 2026-01-05 --trained-on 2026-01-05
      docket --as qian.lei actor add wang.fang --role business-staff --department hangzhou \
        --key wang.fang.pub --agreement-signed 2026-01-05 --trained-on 2026-01-05
help-docket-actor-add-arg-name = 其操作员名：同一种文字的字母、数字、`.`、`_`、`-`（wang.fang、王芳）
help-docket-actor-add-arg-role = 其角色，按 schemas/roles.toml 中的名称（business-staff、market-manager、department-head、archivist、auditor、admin……）
help-docket-actor-add-arg-key = 其 OpenSSH Ed25519 公钥：.pub 文件或 `ssh-ed25519 AAAA…` 这一行
help-docket-actor-add-arg-agreement_signed = 签署信息安全协议的日期（R-B1）
help-docket-actor-add-arg-trained_on = 最近一次完成个人信息保护培训的日期（R-A8）
help-docket-actor-add-arg-department = 所属部门或营业厅（docket.toml 的 [departments]）；不填：属于中心
help-docket-actor-update-about = 修改操作员的角色、协议或培训日期
help-docket-actor-update-examples =
    示例：
      docket --as admin actor update li.na --trained-on 2026-11-20
      docket --as admin actor update li.na --key li.na-2027.pub      # 更换密钥
      docket --as admin actor update li.na --department centre
help-docket-actor-update-arg-name = 要修改的操作员
help-docket-actor-update-arg-role = 其新角色（不能是您自己的）
help-docket-actor-update-arg-department = 调往此部门，或用 `--department centre` 调回中心
help-docket-actor-update-arg-key = 新公钥（更换）；旧公钥仍用于核验它签过的条目
help-docket-actor-update-arg-agreement_signed = 其签署信息安全协议的日期（R-B1）
help-docket-actor-update-arg-trained_on = 其最近一次完成个人信息保护培训的日期（R-A8）
help-docket-actor-approve-about = 会签另一位管理员提议的名册变更（第二个签名）
help-docket-actor-approve-examples =
    示例：
      docket --as admin actor add zhao.min --role market-manager --key zhao.min.pub   # 输出 57
      docket --as admin2 pending                                   # 该提议等待第二位管理员
      docket --as admin2 actor approve 57
help-docket-actor-approve-arg-entry = 记录该提议的日志条目号（提议时输出；`docket pending` 列出待会签的提议）
help-docket-actor-revoke-about = 注销操作员：此后不能再操作
help-docket-actor-revoke-examples =
    示例：
      docket --as admin actor revoke li.na --reason "已离职"
help-docket-actor-revoke-arg-name = 不再能操作的操作员
help-docket-actor-revoke-arg-reason = 原因（记入名册和审计日志）
help-docket-actor-list-about = 列出人员名册
help-docket-actor-list-examples =
    示例：
      docket --as admin actor list
      docket --as qian.lei actor list --format csv                   # 其所在部门
help-docket-actor-list-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-actor-allowed-signers-about = 输出 OpenSSH allowed_signers 文件，列出操作员签名所用的全部密钥
help-docket-actor-allowed-signers-examples =
    示例：
      docket actor allowed-signers > allowed_signers
      ssh-keygen -Y verify -f allowed_signers -I wang.fang -n docket -s e/entry.sig < e/entry
help-docket-types-about = 显示记录类型，或某一类型的字段、规则和审批步骤
help-docket-types-examples =
    示例：
      docket types
      docket types take-or-pay
      docket types customer --format csv
help-docket-types-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-types-arg-kind = 要说明的类型
help-docket-create-about = 新建一条记录；只输出新编号
help-docket-create-examples =
    示例：
      docket --as wang.fang create customer --set name=张伟 --set id_kind=resident-id \
        --set id_number=330106198503120423 --set category=residential \
        --set phone=13857101234 --set address=杭州市西湖区文三路12号 --set account_opened_on=2026-01-10
      docket --as wang.fang create installation --file installation.toml
help-docket-create-arg-kind = 记录类型（见 `docket types`）
help-docket-create-arg-sets = 一个字段的值，按字段类型解析；多个字段请重复此项
help-docket-create-arg-file = 每个字段一行 `字段 = 值` 的 TOML 文件（`-` 表示从标准输入读取）
help-docket-create-arg-allow_duplicate = 即使另一条记录持有同一证件号码也写入（连同 --reason 记入日志）
help-docket-create-arg-reason = 允许重复的原因（记入审计日志）
help-docket-amend-about = 为记录写入新版本
help-docket-amend-examples =
    示例：
      docket --as wang.fang amend CUS-2026-000001 --set phone=13900001111 --reason "新号码"
      docket --as li.na amend INS-2026-000005 --set budget_amount=42000.00 --reason "预算表"
help-docket-amend-arg-id = 记录编号（不分大小写），例如 CUS-2026-000001
help-docket-amend-arg-sets = 一个字段的新值，按字段类型解析；多个字段请重复此项
help-docket-amend-arg-unsets = 删除一个选填字段
help-docket-amend-arg-file = 含新的 `字段 = 值` 行的 TOML 文件（`-` 表示从标准输入读取）
help-docket-amend-arg-reason = 记录变更的原因（记入该版本和审计日志）
help-docket-amend-arg-allow_duplicate = 即使另一条记录持有新的证件号码也修改（记入日志）
help-docket-show-about = 显示一条记录
help-docket-show-examples =
    示例：
      docket --as wang.fang show CUS-2026-000001
      docket --as wang.fang show CUS-2026-000001 --reveal --purpose "预约上门抄表"
      docket --as he.ping show INS-2026-000003 --version 1 --format json
help-docket-show-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-show-arg-id = 记录编号（不分大小写），例如 CUS-2026-000001
help-docket-show-arg-version = 显示较早的版本
help-docket-show-arg-reveal = 不加遮蔽地显示您的角色有权查看的个人信息（连同用途记入日志）
help-docket-show-arg-purpose = 您需要查看的原因（R-A3）；与 --reveal 同用时必填，并写入审计日志
help-docket-history-about = 列出记录的各个版本
help-docket-history-examples =
    示例：
      docket --as wang.fang history INS-2026-000004
help-docket-history-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-history-arg-id = 记录编号（不分大小写），例如 CUS-2026-000001
help-docket-diff-about = 显示两个版本之间的改动
help-docket-diff-examples =
    示例：
      docket --as wang.fang diff INS-2026-000004
      docket --as wang.fang diff INS-2026-000004 --from 1 --to 3
help-docket-diff-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-diff-arg-id = 记录编号（不分大小写），例如 CUS-2026-000001
help-docket-diff-arg-from = 较早的版本（默认：--to 的前一个版本）
help-docket-diff-arg-to = 较新的版本（默认：当前版本）
help-docket-diff-arg-reveal = 不加遮蔽地显示您的角色有权查看的个人信息（连同用途记入日志）
help-docket-diff-arg-purpose = 您需要查看的原因（R-A3）；与 --reveal 同用时必填，并写入审计日志
help-docket-query-about = 查找记录
help-docket-query-examples =
    示例：
      docket --as wang.fang query customer
      docket --as wang.fang query installation --status pending --sort -installation_fee
      docket --as wang.fang query --where "customer.category == 'commercial'" --fields customer,status
help-docket-query-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-query-arg-kind = 只查此类型
help-docket-query-arg-filter = 针对字段的 CEL 表达式，例如 "category == 'commercial' && meter_reading_m3 > 100"
help-docket-query-arg-status = 只查此状态的记录：pending、active、rejected、completed、terminated、withdrawn 或 archived
help-docket-query-arg-fields = 要显示的列（以逗号分隔的字段名）
help-docket-query-arg-sort = 按此字段排序（前加 `-` 表示降序）
help-docket-query-arg-limit = 最多显示这么多条记录
help-docket-query-arg-customer = 只列出引用此用户的记录（即该用户的合同），例如 CUS-2026-000001
help-docket-query-arg-reveal = 不加遮蔽地显示您的角色有权查看的个人信息（连同用途记入日志）
help-docket-query-arg-purpose = 您需要查看的原因（R-A3）；与 --reveal 同用时必填，并写入审计日志
help-docket-exists-about = 查询是否有记录持有某证件号码，不显示任何人的信息（记入日志）
help-docket-exists-examples =
    示例：
      docket --as wang.fang exists customer id_number=330106198503120423
help-docket-exists-arg-kind = 记录类型（customer）
help-docket-exists-arg-pair = 唯一字段及要查找的值，例如 id_number=110101199003077777
help-docket-exists-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-approve-about = 执行您的角色可执行的下一个审批步骤
help-docket-approve-examples =
    示例：
      docket --as zhao.min approve INS-2026-000006 --comment "预算核对无误"
help-docket-approve-arg-id = 合同编号（不分大小写），例如 INS-2026-000003
help-docket-approve-arg-comment = 随审批保存的意见
help-docket-reject-about = 在您的审批步骤驳回待审批的记录
help-docket-reject-examples =
    示例：
      docket --as zhao.min reject INS-2026-000006 --reason "缺少预算表"
help-docket-reject-arg-id = 合同编号（不分大小写），例如 INS-2026-000003
help-docket-reject-arg-reason = 原因（随记录保存并记入审计日志）
help-docket-withdraw-about = 撤回您起草的合同草稿（待审批或已驳回）
help-docket-withdraw-examples =
    示例：
      docket --as li.na withdraw INS-2026-000005 --reason "用户取消"
help-docket-withdraw-arg-id = 合同编号（不分大小写），例如 INS-2026-000003
help-docket-withdraw-arg-reason = 撤回草稿的原因（随记录保存并记入审计日志）
help-docket-pending-about = 等待您的角色处理的事项：审批，以及待归档的已结束合同
help-docket-pending-examples =
    示例：
      docket --as zhao.min pending
      docket --as wu.hua pending --format csv
      docket --as he.ping pending --role general-manager       # 等待另一角色处理的事项
help-docket-pending-arg-role = 查看等待此角色（而非你的角色）处理的事项（仅限覆盖所有记录的角色：各经理、审计人员）
help-docket-pending-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-complete-about = 将生效中的合同标记为已履行
help-docket-complete-examples =
    示例：
      docket --as wang.fang complete INS-2026-000001
help-docket-complete-arg-id = 合同编号（不分大小写），例如 INS-2026-000003
help-docket-terminate-about = 将生效中的合同标记为不再履行
help-docket-terminate-examples =
    示例：
      docket --as li.na terminate INS-2026-000002 --reason "用户已搬走"
help-docket-terminate-arg-id = 合同编号（不分大小写），例如 INS-2026-000003
help-docket-terminate-arg-reason = 不再履行的原因（随记录保存并记入审计日志）
help-docket-archive-about = 将已完成或已终止的合同连同纸质材料归档（仅限档案管理员）
help-docket-archive-examples =
    示例：
      docket --as wu.hua archive INS-2026-000001 --attach contract.pdf --attach notice.pdf \
        --note "合同履行完毕"
help-docket-archive-arg-id = 合同编号（不分大小写），例如 INS-2026-000003
help-docket-archive-arg-attach = 随合同归档的一份材料（函件、图纸、审批单、预算、通知书）；可重复
help-docket-archive-arg-note = 随归档条目保存的备注
help-docket-attachment-about = 调取归档材料（须说明用途并记入日志）
help-docket-attachment-get-about = 将一份归档材料写入文件（`-`：标准输出），并按日志记录的哈希核对
help-docket-attachment-get-examples =
    示例：
      docket --as wu.hua attachment get TOP-2026-000001 delivery-notice-SQ2026-0031.txt \
        notice.txt --purpose "用户要求提供副本"
help-docket-attachment-get-arg-id = 已归档的合同
help-docket-attachment-get-arg-name = 材料名称，与 `docket show ID` 列出的相同
help-docket-attachment-get-arg-out = 写到何处（从不覆盖已有文件）；`-` 表示标准输出
help-docket-attachment-get-arg-purpose = 您需要它的原因：材料中含有个人信息（记入日志）
help-docket-import-about = 导入某一类型的 CSV 文件：要么全部导入，要么一行都不导入
help-docket-import-examples =
    示例：
      docket --as wang.fang import customer old.csv --map old.map.toml --dry-run
      docket --as wang.fang import customer old.csv --map old.map.toml --rejects bad.csv
      docket --as wang.fang import installation contracts.txt --delimiter tab --encoding gb18030
help-docket-import-arg-kind = 这些行的记录类型
help-docket-import-arg-file = CSV 文件（UTF-8，带或不带 BOM；或 Excel 保存的 GB18030/GBK）
help-docket-import-arg-map = TOML 映射文件：列与字段的对应、常量、日期/布尔/列表的转换
help-docket-import-arg-encoding = 文件不是 UTF-8 时的编码（默认：数据库的设置，gb18030）
help-docket-import-arg-dry_run = 检查每一行并报告，不写入任何内容
help-docket-import-arg-rejects = 将被拒的行连同行号和错误写入此 CSV
help-docket-import-arg-delimiter = 列分隔符：comma（默认）、semicolon、tab 或 pipe
help-docket-import-arg-allow_duplicate = 即使另一条记录（或另一行）持有同一证件号码也导入
help-docket-import-arg-reason = 允许重复的原因（记入每一行的审计条目）
help-docket-export-about = 以 CSV 或 JSON 导出当前记录（除非 --reveal，否则遮蔽）
help-docket-export-examples =
    示例：
      docket --as wang.fang export customer -o customers.csv --encoding gb18030
      docket --as he.ping export --format json --reveal --purpose "年度审计" -o all.json
help-docket-export-arg-format = CSV（单一类型；电子表格可直接打开）或 JSON（任意类型）
help-docket-export-arg-kind = 只导出此类型（CSV 必填）
help-docket-export-arg-filter = 只导出满足此 CEL 表达式的记录，与 `query --where` 相同
help-docket-export-arg-encoding = CSV 导出的编码：gb18030（中文 Excel 直接打开的编码）、utf-8-bom（Excel 能识别的 UTF-8）或 utf-8；默认：数据库的导入编码（policy.default_encoding），写到终端时为 UTF-8。JSON 总是 UTF-8
help-docket-export-arg-output = 写入此文件，而不是标准输出（要么完整写入，要么什么都不写；没有 --force 绝不覆盖已有文件）
help-docket-export-arg-force = 若 -o 指定的文件已存在，替换它
help-docket-export-arg-reveal = 不加遮蔽地显示您的角色有权查看的个人信息（连同用途记入日志）
help-docket-export-arg-purpose = 您需要查看的原因（R-A3）；与 --reveal 同用时必填，并写入审计日志
help-docket-log-about = 查阅审计日志
help-docket-log-examples =
    示例：
      docket log --record TOP-2026-000001
      docket log --action reveal --since 2026-11-01 --until 2026-11-30
      docket log --limit 20 --format json
help-docket-log-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-log-arg-record = 与此记录（或操作员）有关的条目
help-docket-log-arg-log_actor = 此操作员所做的条目
help-docket-log-arg-action = 此类操作的条目（create、approve、reveal……）
help-docket-log-arg-since = 此日及以后的条目：YYYY-MM-DD、today（今天）、yesterday（昨天）或 Nd（N 天前），按库的时区计
help-docket-log-arg-until = 此日及以前的条目：YYYY-MM-DD、today（今天）、yesterday（昨天）或 Nd（N 天前）
help-docket-log-arg-limit = 只显示匹配条目中最近的 N 条
help-docket-log-arg-entry = 按其在所属站点日志中的序号显示一条：第一个站点为 N，其他站点为 站点:N（如 HZ:3）
help-docket-log-arg-export_signed = 与 --entry 同用：写出该条目所在的事务（DIR/entry）及其签名（DIR/entry.sig），供 `ssh-keygen -Y verify` 核验
help-docket-verify-about = 检查整个数据库：哈希链、每个文件、没有未记入日志或缺失的文件
help-docket-verify-examples =
    示例：
      docket verify
      docket verify --chain
      docket verify --against origin/main
help-docket-verify-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-verify-arg-chain = 只检查审计日志的哈希链（快速，供钩子使用）；不读取文件
help-docket-verify-arg-against = 同时沿 git 历史检查日志：此版本以及之后每个提交中的日志都必须是今天日志的前缀；其中任何一个被截短或改写都会被拒绝
help-docket-verify-arg-staged = 检查 git 暂存区中的数据库（下一次提交将包含的内容）而不是文件夹，并检查其日志延续了 HEAD 中的日志：pre-commit 钩子运行的就是它
help-docket-recover-about = 将没有审计条目记录的文件（崩溃遗留）移入 records/.quarantine/
help-docket-recover-examples =
    示例：
      docket --as admin recover
help-docket-hook-about = 保证审计日志真实的 git 钩子
help-docket-hook-install-about = 安装运行 `docket verify --staged` 的 git pre-commit 钩子（docket 必须在 PATH 中）
help-docket-hook-install-examples =
    示例：
      docket hook install
help-docket-site-about = 本副本以哪个营业点（站点）的身份写入，以及把副本设为站点
help-docket-site-show-about = 本副本以哪个站点的身份写入，以及数据库的各个站点
help-docket-site-show-examples =
    示例：
      docket site show
help-docket-site-init-about = 把本副本设为站点，使它可以写入
help-docket-site-init-examples =
    示例：
      git clone /srv/git/gas-store.git && cd gas-store && docket site init HZ
      docket site init MAIN --take-over   # 本副本接替总部原来的副本
help-docket-site-init-arg-code = 站点代码：一个大写字母，后接一到七个字母或数字
help-docket-site-init-arg-take_over = 以数据库已有的站点身份写入：本副本接替以该站点身份写入的那个副本
help-docket-subject-about = 数据库中关于某一用户的全部信息，供用户本人查阅（R-A6）
help-docket-subject-export-about = 关于某一用户的全部信息：其记录和合同、每个版本，以及谁处理或查看过它们（记入日志）
help-docket-subject-export-examples = 
    示例：
      docket --actor he.ping subject export CUS-2026-000001 --purpose '用户本人查阅申请' -o 张三.json
      docket --actor he.ping subject export CUS-2026-000001 --purpose '用户本人查阅申请' --format html -o 张三.html
help-docket-subject-export-arg-id = 用户编号
help-docket-subject-export-arg-purpose = 所答复的申请（R-A6）；写入审计日志
help-docket-subject-export-arg-format = json：答复申请所用的文件；html：可打印或发送的网页
help-docket-subject-export-arg-output = 写入此文件，而不是标准输出（要么完整写入，要么什么都不写；没有 --force 绝不覆盖已有文件）
help-docket-subject-export-arg-force = 若 -o 指定的文件已存在，替换它
help-docket-resolve-about = 裁决两个站点在同步之间都修改过的记录：保留其中一个站点的条款
help-docket-resolve-examples = 
    示例：
      docket status                                   # 列出存在冲突的记录
      docket --actor wang.fang resolve CUS-2026-000001 --keep HZ --reason '杭州营业厅的地址是用户本人更正的'
      docket --actor wang.fang resolve CON-2026-000003 --keep MAIN --reason '保留总部已审批的条款'
help-docket-resolve-arg-id = 存在冲突的记录编号（不分大小写），例如 CUS-2026-000001
help-docket-resolve-arg-keep = 记录采用哪个站点版本的条款，例如 HZ（`docket show` 会列出）
help-docket-resolve-arg-reason = 为何采用这些条款（记入版本和审计日志）
help-docket-resolve-arg-allow_duplicate = 即使另一条记录持有同一证件号码，也予以保留（记入日志）
help-docket-policy-about = 生效中的规则：制度文件有何改动，以及应用改动
help-docket-policy-diff-about = 显示 docket.toml 和 schemas/ 与生效中的制度有何不同
help-docket-policy-diff-examples =
    示例：
      docket policy diff
help-docket-policy-apply-about = 使编辑后的制度文件成为生效中的规则（管理员；签名并记入日志）
help-docket-policy-apply-examples =
    示例：
      docket --as admin policy apply --reason "物价部门公布的 2027 年价目"
help-docket-policy-apply-arg-reason = 规则变更的原因（记入审计日志）
help-docket-policy-approve-about = 会签另一位管理员提议的制度，使其成为现行规则
help-docket-policy-approve-examples =
    示例：
      docket --as admin policy apply --reason "审计人员可调阅档案"   # 输出 61
      docket --as admin2 policy approve 61
help-docket-policy-approve-arg-entry = 记录该提议的日志条目号（提议时输出；`docket pending` 列出待会签的提议）
help-docket-whoami-about = 您以谁的身份操作：您的角色、部门、可做什么、能否操作和签名
help-docket-whoami-examples =
    示例：
      docket --as wang.fang whoami
      docket --as wang.fang --identity ~/.ssh/docket whoami --format json
help-docket-whoami-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-status-about = 数据库概况：按类型和状态统计的记录、谁在等待处理什么、哪些已逾期
help-docket-status-examples =
    示例：
      docket status
      docket --as wang.fang status --format json
help-docket-status-arg-format = 数据的输出方式：对齐的表格，或供脚本使用的 JSON、CSV、TOML
help-docket-completions-about = 为您的 shell 生成补全脚本
help-docket-completions-examples =
    示例：
      docket completions bash > ~/.local/share/bash-completion/completions/docket
      docket completions zsh > ~/.zfunc/_docket
help-docket-completions-arg-shell = 要补全的 shell
help-docket-manpages-about = 将手册页（docket.1 及每个命令一页）写入文件夹
help-docket-manpages-examples =
    示例：
      docket manpages ~/.local/share/man/man1 && man docket
help-docket-manpages-arg-dir = 写入 docket.1 及各命令手册页的文件夹（默认：$XDG_DATA_HOME/man/man1，否则 ~/.local/share/man/man1，即 man 查找的位置）

