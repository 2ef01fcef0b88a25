//! One scenario in both languages: the same acts under `LANG=C.UTF-8` and
//! `LANG=zh_CN.UTF-8`, every message pinned in each; data formats stay English.

mod common;
use common::*;

const EN: &str = "C.UTF-8";
const ZH: &str = "zh_CN.UTF-8";

/// `docket --as actor args` with the locale `lang`.
fn said(s: &TestStore, lang: &str, actor: &str, args: &[&str]) -> Out {
    let out = s.cmd(actor, args).env("LANG", lang).output().expect("runs");
    Out::from(out)
}

fn customer_args(id_number: &str, category: &str) -> Vec<String> {
    with_sets(
        &["create", "customer"],
        &[
            "name=张伟",
            "id_kind=resident-id",
            &format!("id_number={id_number}"),
            &format!("category={category}"),
            "phone=13857101234",
            "address=杭州市西湖区文三路12号",
            "account_opened_on=2026-01-10",
        ],
    )
}

#[test]
fn a_wrong_identity_number_is_explained_in_the_language_of_the_locale() {
    let s = TestStore::new();
    let args = customer_args("33010619850312O423", "residential");
    let en = said(&s, EN, "alice", &strs(&args));
    let zh = said(&s, ZH, "alice", &strs(&args));
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: field `id_number`: a resident id (GB 11643) has 17 digits and a check character (character 15 is `O`)\n\
         hint: correct `id_number` and run the command again; nothing was written\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：字段 `证件号码（id_number）`：居民身份证号码（GB 11643）由 17 位数字和 1 位校验码组成（第 15 个字符是 `O`）\n\
         提示：请改正 `证件号码（id_number）` 后重新运行该命令；未写入任何内容\n"
    );
}

#[test]
fn an_unknown_record_and_a_denied_act_speak_both_languages() {
    let s = TestStore::new();
    let en = said(&s, EN, "alice", &["show", "CUS-2026-999999"]);
    let zh = said(&s, ZH, "alice", &["show", "CUS-2026-999999"]);
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: no record `CUS-2026-999999` in this store\nhint: list records with `docket query`\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：本数据库中没有记录 `CUS-2026-999999`\n提示：用 `docket query` 列出记录\n"
    );
    let en = said(&s, EN, "nobody", &["query"]);
    let zh = said(&s, ZH, "nobody", &["query"]);
    assert_eq!((en.code, zh.code), (DENIED, DENIED));
    assert!(
        en.stderr
            .starts_with("error: actor `nobody` is not registered in this store (R-B1)\n"),
        "{}",
        en.stderr
    );
    assert!(
        zh.stderr
            .starts_with("错误：操作员 `nobody` 未在本数据库登记（R-B1）\n"),
        "{}",
        zh.stderr
    );
}

#[test]
fn an_enum_value_may_be_typed_by_its_chinese_title_in_either_language() {
    let s = TestStore::new();
    let args = customer_args(&resident_id(40), "居民");
    let id = said(&s, EN, "alice", &strs(&args));
    assert_eq!(id.code, 0, "{}", id.stderr);
    let shown = s.ok("alice", &["show", "--format", "json", id.stdout.trim()]);
    assert!(shown.contains("\"category\": \"residential\""), "{shown}");
    // A word that is neither a value nor a title is refused, naming the values.
    let args = customer_args(&resident_id(41), "住户");
    let zh = said(&s, ZH, "alice", &strs(&args));
    assert_eq!(zh.code, INVALID);
    assert!(
        zh.stderr.starts_with(
            "错误：--set category: 字段 `用户类别（category）`：`住户` 不是可取的值；可取：residential（居民）, commercial（商业）, collective（集体）, industrial（工业）, upstream-supplier（上游供气方）\n"
        ),
        "{}",
        zh.stderr
    );
}

#[test]
fn tables_head_their_columns_in_chinese_and_data_formats_stay_english() {
    let s = TestStore::new();
    s.residential();
    let zh = said(&s, ZH, "alice", &["query", "customer"]);
    assert_eq!(zh.code, 0, "{}", zh.stderr);
    let header = zh.stdout.lines().next().unwrap();
    assert_eq!(header, "编号             类型  状态  名称  用户类别  电话");
    assert!(
        zh.stdout
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("CUS-2026-000001  用户  生效  张**  居民      138****1234"),
        "{}",
        zh.stdout
    );
    let en = said(&s, EN, "alice", &["query", "customer"]);
    assert_eq!(
        en.stdout.lines().next().unwrap(),
        "id               kind      status  name  category     phone"
    );
    for format in ["csv", "json"] {
        let zh = said(&s, ZH, "alice", &["query", "customer", "--format", format]);
        let en = said(&s, EN, "alice", &["query", "customer", "--format", format]);
        assert_eq!(
            zh.stdout, en.stdout,
            "--format {format} is the same in both"
        );
    }
}

#[test]
fn verify_and_help_speak_the_language_and_the_flag_beats_the_locale() {
    let s = TestStore::new();
    let en = said(&s, EN, "", &["verify"]);
    let zh = said(&s, ZH, "", &["verify"]);
    assert!(
        en.stdout.starts_with("ok: 22 audit entries, "),
        "{}",
        en.stdout
    );
    assert!(
        zh.stdout.starts_with("正常：22 条审计条目，"),
        "{}",
        zh.stdout
    );
    let zh = said(&s, ZH, "", &["pending", "--help"]);
    assert!(
        zh.stdout
            .starts_with("等待您的角色处理的事项：审批，以及待归档的已结束合同\n\n用法："),
        "{}",
        zh.stdout
    );
    let en = said(&s, ZH, "", &["--lang", "en", "pending", "--help"]);
    assert!(
        en.stdout.starts_with("What waits for your role"),
        "{}",
        en.stdout
    );
    // LC_ALL comes before LANG, as POSIX orders them.
    let out = s
        .cmd("", &["verify"])
        .env("LANG", ZH)
        .env("LC_ALL", "en_US.UTF-8")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));
}

#[test]
fn a_store_shared_by_everyone_may_speak_chinese_whatever_the_locale() {
    let s = TestStore::new();
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    std::fs::write(
        s.path("docket.toml"),
        format!("{config}\n[ui]\nlanguage = \"zh-CN\"\n"),
    )
    .unwrap();
    s.apply_policy("the counter staff read Chinese");
    let zh = said(&s, EN, "", &["verify"]);
    assert!(zh.stdout.starts_with("正常："), "{}", zh.stdout);
    let en = said(&s, "en_GB.UTF-8", "", &["verify"]);
    assert!(en.stdout.starts_with("ok: "), "{}", en.stdout);
    let bad = std::fs::read_to_string(s.path("docket.toml"))
        .unwrap()
        .replace("language = \"zh-CN\"", "language = \"fr\"");
    std::fs::write(s.path("docket.toml"), &bad).unwrap();
    let err = s.fails("root", &["policy", "apply", "--reason", "french"], INVALID);
    assert!(
        err.contains("docket does not speak `fr`") && err.contains("hint: use en or zh-CN"),
        "{err}"
    );
    // The line that sets it, not a comment that mentions the language.
    let line = bad
        .lines()
        .position(|l| l.starts_with("language = "))
        .unwrap()
        + 1;
    assert!(
        err.starts_with(&format!("error: docket.toml:{line}: field `ui.language`: ")),
        "{err}"
    );
}

#[test]
fn command_line_mistakes_are_said_in_chinese_too() {
    let s = TestStore::new();
    let zh = said(&s, ZH, "alice", &["quer"]);
    assert_eq!(zh.code, USAGE);
    assert_eq!(
        zh.stderr,
        "错误：未知命令 `quer`\n提示：您是指 `query` 吗？\n"
    );
    let zh = said(&s, ZH, "alice", &["query", "--format", "xml"]);
    assert_eq!(
        zh.stderr,
        "错误：`xml` 不是 --format <FORMAT> 可取的值（可取：table, json, csv, toml）\n提示：您是指 `toml` 吗？\n"
    );
    // English mistakes get docket's frame too, and JSON when a script asked for it.
    let en = said(&s, EN, "alice", &["quer"]);
    assert_eq!(en.code, USAGE);
    assert_eq!(
        en.stderr,
        "error: unknown command `quer`\nhint: did you mean `query`?\n"
    );
    let en = said(&s, EN, "alice", &["query", "--limit", "x"]);
    assert_eq!(
        en.stderr,
        "error: `x` is not a valid value for --limit <LIMIT>\nhint: `docket --help` lists the commands, `docket COMMAND --help` what each takes\n"
    );
    let zh = said(&s, ZH, "alice", &["query", "--limit", "x"]);
    assert_eq!(
        zh.stderr,
        "错误：`x` 不是 --limit <LIMIT> 的有效值\n提示：`docket --help` 列出所有命令，`docket 命令 --help` 列出各命令的参数\n"
    );
    let json = said(&s, EN, "alice", &["query", "--format", "json", "--bogus"]);
    assert_eq!(json.code, USAGE);
    let v: serde_json::Value = serde_json::from_str(json.stderr.trim()).expect("JSON");
    assert_eq!(v["error"], "unexpected argument `--bogus`");
    assert_eq!(v["exit"], 2);
}

#[test]
fn a_status_may_be_asked_for_by_its_chinese_title() {
    let s = TestStore::new();
    s.residential();
    let by_title = said(
        &s,
        EN,
        "alice",
        &["query", "--status", "生效", "--format", "csv"],
    );
    let by_name = said(
        &s,
        EN,
        "alice",
        &["query", "--status", "active", "--format", "csv"],
    );
    assert_eq!(by_title.code, 0, "{}", by_title.stderr);
    assert_eq!(by_title.stdout, by_name.stdout);
    assert!(by_title.stdout.contains("CUS-2026-000001"));
    let zh = said(&s, ZH, "alice", &["query", "--status", "pendng"]);
    assert_eq!(zh.code, INVALID);
    assert_eq!(
        zh.stderr,
        "错误：--status: 没有状态 `pendng`\n提示：您是指 `pending` 吗？（状态：pending, active, rejected, completed, terminated, withdrawn, archived）\n"
    );
}

#[test]
fn a_title_that_could_stand_for_two_values_or_a_language_docket_does_not_speak_is_refused() {
    let s = TestStore::new();
    let schema = std::fs::read_to_string(s.path("schemas/customer.toml")).unwrap();
    // An insider titling `residential` 商业 would make `--set category=商业` draft the
    // wrong kind of customer: the policy is refused.
    let ambiguous = schema.replace("residential = \"居民\"", "residential = \"商业\"");
    assert_ne!(ambiguous, schema);
    std::fs::write(s.path("schemas/customer.toml"), &ambiguous).unwrap();
    let err = s.fails("root", &["policy", "apply", "--reason", "titles"], INVALID);
    assert!(
        err.contains("field `category`: the title `商业` of `residential` already names another value: typed input would be ambiguous")
            || err.contains("field `category`: the title `商业` of `commercial` already names another value: typed input would be ambiguous"),
        "{err}"
    );
    let french = schema.replace(
        "title = { en = \"name\", zh-CN = \"名称\" }",
        "title = { en = \"name\", fr = \"nom\" }",
    );
    assert_ne!(french, schema);
    std::fs::write(s.path("schemas/customer.toml"), &french).unwrap();
    let err = s.fails("root", &["policy", "apply", "--reason", "titles"], INVALID);
    assert!(
        err.contains("a title in `fr`, which docket does not speak: use en or zh-CN"),
        "{err}"
    );
}

#[test]
fn a_placeholder_is_refused_in_both_languages() {
    let s = TestStore::new();
    let c = s.residential();
    let args = ["show", c.as_str(), "--reveal", "--purpose", "无"];
    let en = said(&s, EN, "alice", &args);
    let zh = said(&s, ZH, "alice", &args);
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: --purpose: `无` is a placeholder, not a purpose (policy.placeholders)\n\
         hint: say why you need to see it, e.g. --purpose \"arrange meter visit\"\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：--purpose: `无` 是占位词，不能作为用途（policy.placeholders）\n\
         提示：请说明为什么需要查看，例如 --purpose \"预约上门抄表\"\n"
    );
    let args = [
        "amend",
        c.as_str(),
        "--set",
        "meter_model=G4",
        "--reason",
        ".",
    ];
    let zh = said(&s, ZH, "alice", &args);
    assert_eq!(
        zh.stderr,
        "错误：--reason: `.` 没有实际内容：理由要用文字写明，空白或标点不算\n\
         提示：请用几句话说明原因，例如 --reason \"用户搬迁\"\n"
    );
    let args = with_sets(
        &["amend", c.as_str(), "--reason", "联系人变更"],
        &["name=暂无"],
    );
    let en = said(&s, EN, "alice", &strs(&args));
    let zh = said(&s, ZH, "alice", &strs(&args));
    assert_eq!(
        en.stderr,
        "error: field `name`: required field: `暂无` is a placeholder, not a value (policy.placeholders)\n\
         hint: give the real name; if it is not known yet, find it out before the record is written\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：字段 `名称（name）`：必填字段：`暂无` 是占位词，不是实际内容（policy.placeholders）\n\
         提示：请填写真实的 name；如暂不清楚，请先核实再录入\n"
    );
}

#[test]
fn a_resident_id_filed_as_a_passport_is_refused_in_both_languages() {
    let s = TestStore::new();
    let args = with_sets(
        &["create", "customer"],
        &[
            "name=张伟",
            "id_kind=护照",
            "id_number=110105-19491231-002x",
            "category=居民",
            "phone=13857101234",
            "address=杭州市西湖区文三路12号",
            "account_opened_on=2026-01-10",
        ],
    );
    let en = said(&s, EN, "alice", &strs(&args));
    let zh = said(&s, ZH, "alice", &strs(&args));
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: field `id_number`: this is a valid resident identity number (GB 11643): it is filed as a resident id, not as another kind of document\n\
         hint: set id_kind=resident-id\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：字段 `证件号码（id_number）`：这是有效的居民身份证号码（GB 11643）：应按居民身份证登记，不能登记为其他证件\n\
         提示：请设 id_kind=居民身份证（resident-id）\n"
    );
}

#[test]
fn a_contract_entered_long_after_signing_is_refused_in_both_languages() {
    let s = TestStore::new();
    let c = s.residential();
    let args = with_sets(
        &["create", "installation"],
        &[
            &format!("customer={c}"),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2025-11-30",
        ],
    );
    let en = said(&s, EN, "alice", &strs(&args));
    let zh = said(&s, ZH, "alice", &strs(&args));
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: field `signed_on`: 2025-11-30 is more than 90 days before today (2026-03-01) (policy.signed_within_days): a contract is entered when it is signed, not long after\n\
         hint: check `signed_on`; to enter older contracts, an administrator widens policy.signed_within_days in docket.toml (docket policy apply)\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：字段 `签订日期（signed_on）`：2025-11-30 比今天（2026-03-01）早了 90 天以上（policy.signed_within_days）：合同应在签订时录入，不能事后很久才补录\n\
         提示：请检查 `signed_on`；如需录入更早签订的合同，由管理员在 docket.toml 中调大 policy.signed_within_days（docket policy apply）\n"
    );
    let args = with_sets(
        &["amend", c.as_str(), "--reason", "开户日期更正"],
        &["account_opened_on=2011-09-30"],
    );
    let zh = said(&s, ZH, "alice", &strs(&args));
    assert_eq!(
        zh.stderr,
        "错误：字段 `开户日期（account_opened_on）`：2011-09-30 早于 2011-10-01，即本类记录 account_opened_on 的最早日期\n\
         提示：请检查 `account_opened_on` 是否录错\n"
    );
}

/// A cut log names, in Chinese too, the file where this machine keeps what it verified:
/// which problems a run explains is told by their kind, never by their English words.
#[test]
fn a_cut_log_names_this_machines_record_in_either_language() {
    let s = TestStore::new();
    let before = s.log_text();
    let id = s.create(
        "alice",
        "customer",
        &strs(&customer_args(&resident_id(60), "residential"))[2..]
            .iter()
            .map(|a| a.trim_start_matches("--set "))
            .filter(|a| *a != "--set")
            .collect::<Vec<_>>(),
    );
    std::fs::write(s.path("records/audit.log"), &before).unwrap();
    std::fs::remove_file(s.path(&format!("records/customer/2026/000/{id}.v0001.toml"))).unwrap();
    for lang in [EN, ZH] {
        let out = said(&s, lang, "alice", &["query"]);
        assert_eq!(out.code, INTEGRITY, "{}", out.stderr);
        assert!(
            out.stderr
                .contains(&s.state().join("docket").display().to_string()),
            "{lang}: {}",
            out.stderr
        );
    }
}

/// Characters that show as nothing or turn the text around are refused in both
/// languages, each named with what it is; one put in the log by hand is named too.
#[test]
fn invisible_characters_are_refused_in_both_languages() {
    let s = TestStore::new();
    let id = s.residential();
    let reason = [
        "amend",
        &id,
        "--set",
        "meter_number=M1",
        "--reason",
        "ok\u{202e}txt.exe",
    ];
    let en = said(&s, EN, "alice", &reason);
    let zh = said(&s, ZH, "alice", &reason);
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: --reason: contains an invisible character, U+202E (a text direction control), at character 3: values are plain text that shows everything it holds\n\
         hint: write --reason on one line, without control or invisible characters\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：--reason: 含有不可见字符U+202E（文字方向控制符），位于第 3 个字符：值应为所见即所得的纯文本\n\
         提示：--reason 请写在一行内，不含控制字符或不可见字符\n"
    );
    for (set, en_what, zh_what) in [
        (
            "meter_number=M\u{200b}1",
            "U+200B (a zero-width character)",
            "U+200B（零宽字符）",
        ),
        (
            "meter_number=M\u{00ad}1",
            "U+00AD (a soft hyphen)",
            "U+00AD（软连字符）",
        ),
        (
            "meter_number=M\u{2066}1",
            "U+2066 (a text direction control)",
            "U+2066（文字方向控制符）",
        ),
    ] {
        let args = ["amend", &id, "--set", set, "--reason", "meter"];
        let en = said(&s, EN, "alice", &args);
        let zh = said(&s, ZH, "alice", &args);
        assert!(en.stderr.contains(en_what), "{}", en.stderr);
        assert!(zh.stderr.contains(zh_what), "{}", zh.stderr);
    }
    let purpose = ["show", &id, "--reveal", "--purpose", "look\u{2028}here"];
    let zh = said(&s, ZH, "alice", &purpose);
    assert_eq!(
        zh.stderr,
        "错误：--purpose: 含有控制字符U+2028（换行符），位于第 5 个字符：值应为一行纯文本\n\
         提示：--purpose 请写在一行内，不含控制字符或不可见字符\n"
    );
    // An entry written by hand holding one fails every check.
    let log = s.log_text();
    let n = log.lines().count();
    let forged = forge_log(
        &log,
        n,
        &|_, e| e["detail"]["reason"] = "ok\u{200b}".into(),
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let _ = std::fs::remove_dir_all(s.state());
    let en = said(&s, EN, "", &["verify"]);
    let zh = said(&s, ZH, "", &["verify"]);
    assert_eq!((en.code, zh.code), (INTEGRITY, INTEGRITY));
    assert!(
        en.stderr.contains(&format!("records/audit.log:{n}: the entry holds control or invisible characters, which docket never writes")),
        "{}",
        en.stderr
    );
    assert!(
        zh.stderr.starts_with(&format!("错误：完整性检查未通过：records/audit.log:{n}: 条目含有控制字符或不可见字符，docket 从不写入这种字符\n")),
        "{}",
        zh.stderr
    );
    // So does a record file written by hand.
    let s = TestStore::new();
    let id = s.residential();
    let rel = format!("records/customer/2026/000/{id}.v0001.toml");
    let text = std::fs::read_to_string(s.path(&rel))
        .unwrap()
        .replace("name = \"张三丰\"", "name = \"张三丰\\u200B\"");
    std::fs::write(s.path(&rel), &text).unwrap();
    let log = s.log_text();
    let n = log.lines().count();
    let sha = sha256_hex(text.as_bytes());
    let forged = forge_log(
        &log,
        n,
        &|_, e| e["files"][0]["sha256"] = sha.clone().into(),
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let _ = std::fs::remove_dir_all(s.state());
    let en = said(&s, EN, "", &["verify"]);
    let zh = said(&s, ZH, "", &["verify"]);
    assert_eq!(
        en.stderr,
        format!(
            "error: integrity check failed: records/audit.log:{n}: the field `name` holds a control or invisible character, which docket never writes\n\
                 hint: `docket verify` lists every problem; `docket recover` moves aside what an interrupted command left, and git restores a file changed by hand\n"
        )
    );
    assert_eq!(
        zh.stderr,
        format!(
            "错误：完整性检查未通过：records/audit.log:{n}: 字段 `名称（name）` 含有控制字符或不可见字符，而 docket 从不写入这种字符\n\
                 提示：`docket verify` 会列出所有问题；`docket recover` 会移开中断的命令留下的文件，被手工改动的文件可从 git 恢复\n"
        )
    );
}

/// `export`'s refusals and report in both languages.
#[test]
fn exports_speak_both_languages() {
    let s = TestStore::new();
    s.residential();
    let file = s.path("../out.csv");
    std::fs::write(&file, "kept\n").unwrap();
    let path = file.to_str().unwrap();
    let args = ["export", "customer", "-o", path];
    let zh = said(&s, ZH, "alice", &args);
    assert_eq!(
        (zh.code, zh.stderr),
        (
            CONFLICT,
            format!(
                "错误：{path} 已存在：只有加上 --force，导出才会替换文件\n\
                 提示：请给出一个尚不存在的路径，或加上 --force 替换该文件\n"
            )
        )
    );
    let args = ["export", "--format", "json", "--encoding", "utf-8-bom"];
    let en = said(&s, EN, "alice", &args);
    let zh = said(&s, ZH, "alice", &args);
    assert_eq!((en.code, zh.code), (USAGE, USAGE));
    assert_eq!(
        en.stderr,
        "error: JSON is always written in UTF-8 without a byte-order mark: --encoding utf-8-bom is for CSV\n\
         hint: leave out --encoding, or export CSV (--format csv)\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：JSON 总是以不带字节序标记的 UTF-8 写出：--encoding utf-8-bom 只用于 CSV\n\
         提示：请去掉 --encoding，或导出 CSV（--format csv）\n"
    );
    let zh = said(
        &s,
        ZH,
        "alice",
        &["export", "customer", "-o", path, "--force"],
    );
    assert_eq!(
        (zh.code, zh.stderr),
        (0, format!("已导出 1 条记录到 {path}（gb18030）\n"))
    );
}

/// No English name inside a Chinese sentence: kinds, personal-data classes, acts and roles
/// are said by their titles.
#[test]
fn chinese_output_names_kinds_classes_acts_and_roles_by_their_titles() {
    let s = TestStore::new();
    let who = said(&s, ZH, "alice", &["whoami"]);
    assert!(
        who.stdout.contains("可起草      用户, 工程安装合同")
            && who.stdout.contains("可查看      联系方式")
            && who.stdout.contains("可执行      完成, 终止"),
        "{}",
        who.stdout
    );
    let err = said(
        &s,
        ZH,
        "alice",
        &["query", "customer", "--where", "phone == '1'"],
    );
    assert_eq!(
        err.stderr,
        "错误：--where 读取了个人信息（联系方式）：这需要 --reveal --purpose 用途 以及有权查看的角色\n提示：操作员 `alice` 的角色是 业务人员\n"
    );
}
