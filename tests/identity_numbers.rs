//! docket's identity-number checks against an independent implementation, python-stdnum's
//! `cn.ric` and `cn.uscc`, on thousands of generated numbers (right and wrong check
//! characters, real and made-up places, real and impossible dates, codes typed in lower
//! case). Where the two differ on purpose, the test says how and checks docket's side of
//! it:
//!
//! - resident ids: stdnum knows every county and when it existed; docket checks that the
//!   first six digits name a place in a mainland province (so it accepts a made-up county
//!   within a real province) or are the address code of a Hong Kong, Macao or Taiwan
//!   resident's residence permit (810000, 820000, 830000), which stdnum does not know; it
//!   refuses a birth date in the future or before 1900;
//! - credit codes: GB 32100 lets the registering authority be A, N or Y, which stdnum
//!   refuses (it wants eight leading digits); docket also refuses a category digit of 0 and
//!   a division code outside the provinces and the central level (100000), which stdnum
//!   accepts.
//!
//! Numbers reach the check as docket reads a typed value (a field of that format, letters
//! in upper case), as stdnum compacts its input.
//!
//! The rules stdnum does not share are tested through the real binary, their messages
//! pinned in both languages: residence permits and central-level credit codes are taken,
//! a birth before 1900 is not, a credit code typed in lower case is stored in upper case.

mod common;
use common::*;

use chrono::{Datelike, NaiveDate};
use docket::schema::formats::Format;
use docket::schema::kind::{Kind, load_kind};

const GENERATOR: &str = r#"
import json, random, sys
from stdnum.cn import ric, uscc
from stdnum import exceptions as ex
random.seed(20261128)
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
COUNTIES = ["110101", "110105", "120101", "310104", "330106", "330102", "440305", "440524",
            "510107", "350102", "370102", "420102", "610102", "650102", "230102", "530102"]
PERMITS = ["810000", "820000", "830000"]
def ric_check(body):
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, W)) % 11]
def ric_case():
    r = random.random()
    if r < 0.55:
        place = random.choice(COUNTIES)
    elif r < 0.6:
        place = random.choice(PERMITS)
    elif r < 0.8:
        place = "%02d%04d" % (random.randint(10, 99), random.randint(0, 9999))
    else:
        place = "%06d" % random.randint(0, 999999)
    year = random.randint(1930, 2025) if random.random() < 0.9 else random.randint(1850, 1929)
    month = random.randint(1, 13)
    day = random.randint(1, 31)
    body = place + "%04d%02d%02d" % (year, month, day) + "%03d" % random.randint(0, 999)
    last = ric_check(body) if random.random() < 0.8 else random.choice("0123456789X")
    return body + last
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
def uscc_case():
    first = random.choice("123456789ANY0")
    second = random.choice("0123456789")
    r = random.random()
    if r < 0.65:
        division = random.choice(COUNTIES)
    elif r < 0.7:
        division = "100000"
    else:
        division = "%06d" % random.randint(0, 999999)
    org = "".join(random.choice(ALPHABET) for _ in range(9))
    body = first + second + division + org
    if random.random() < 0.8:
        try:
            number = body + uscc.calc_check_digit(body)
        except Exception:
            number = body + "0"
    else:
        number = body + random.choice(ALPHABET)
    return number.lower() if random.random() < 0.1 else number
def verdict(module, number):
    try:
        module.validate(number)
        return "valid"
    except ex.InvalidComponent:
        return "component"
    except ex.ValidationError as e:
        return type(e).__name__
    except KeyError:
        # stdnum 2.2 fails this way on some division codes it cannot place
        return "component"
def ric_parts(n):
    try:
        ric.get_birth_date(n)
        date_ok = True
    except Exception:
        date_ok = False
    return {"checksum_ok": ric_check(n[:17]) == n[17], "date_ok": date_ok}
def uscc_parts(n):
    n = n.upper()
    try:
        return {"checksum_ok": uscc.calc_check_digit(n[:17]) == n[17]}
    except Exception:
        return {"checksum_ok": False}
for _ in range(int(sys.argv[1])):
    n = ric_case()
    print(json.dumps({"kind": "ric", "number": n, "stdnum": verdict(ric, n), **ric_parts(n)}))
    n = uscc_case()
    print(json.dumps({"kind": "uscc", "number": n, "stdnum": verdict(uscc, n), **uscc_parts(n)}))
"#;

/// The mainland's provincial-level divisions (GB/T 2260), and the other provincial-level
/// divisions a credit code's registering authority may lie in.
const MAINLAND: [&str; 31] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];
const TAIWAN_HONG_KONG_MACAO: [&str; 3] = ["71", "81", "82"];
const PERMITS: [&str; 3] = ["810000", "820000", "830000"];

/// A kind whose fields hold the two formats and nothing else: the way docket reads a
/// typed number for such a field, without `normalize = "identifier"`.
fn reader() -> Kind {
    let field = |name: &str, format: &str| {
        format!(
            "[fields.{name}]\ntype = \"string\"\nformat = \"{format}\"\npurpose = \"checked\"\n"
        )
    };
    let text = format!(
        "kind = \"probe\"\ntitle = \"probe\"\nprefix = \"PRB\"\nlifecycle = \"register\"\n{}{}",
        field("ric", "gb11643"),
        field("uscc", "gb32100")
    );
    load_kind("schemas/probe.toml", &text).expect("the probe kind loads")
}

/// Whether docket's place rule takes a resident id's first six digits: a county-level
/// code in a mainland province, or a residence permit's address code.
fn docket_place(division: &str) -> bool {
    (MAINLAND.contains(&&division[..2]) && &division[2..] != "0000") || PERMITS.contains(&division)
}

#[test]
#[ignore = "needs python-stdnum (pip install python-stdnum); .ci/run runs it"]
fn identity_numbers_agree_with_python_stdnum() {
    let out = std::process::Command::new("python3")
        .args(["-c", GENERATOR, "3000"])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python-stdnum is installed (.ci/run: pip install python-stdnum): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let kind = reader();
    let (mut compared, mut differ_on_purpose, mut lower_case) = (0, 0, 0);
    // Valid numbers of the new kinds the generator makes: residence permits, credit
    // codes of central-level authorities.
    let (mut permits, mut central) = (0, 0);
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let typed = case["number"].as_str().unwrap();
        let theirs = case["stdnum"].as_str().unwrap();
        let checksum_ok = case["checksum_ok"].as_bool().unwrap();
        let field = kind.field(case["kind"].as_str().unwrap()).unwrap();
        let read = field.typed(typed);
        let number = &*read;
        lower_case += usize::from(number != typed);
        let (format, deliberate) = match case["kind"].as_str().unwrap() {
            "ric" => {
                let birth = NaiveDate::parse_from_str(&number[6..14], "%Y%m%d");
                let born_before_1900 = birth.is_ok_and(|d| d.year() < 1900);
                // A county stdnum does not know, in a province that exists, or a residence
                // permit: docket judges the rest (check character, a birth date that has
                // passed).
                let place_only_docket_knows = theirs == "component" && docket_place(&number[..6]);
                let rest_ok = checksum_ok && birth.is_ok_and(|d| d <= today);
                let expected = if born_before_1900 {
                    Some(false)
                } else {
                    place_only_docket_knows.then_some(rest_ok)
                };
                (Format::Gb11643, expected)
            }
            _ => {
                let b = number.as_bytes();
                let province = &number[2..4];
                let division_ok = MAINLAND.contains(&province)
                    || TAIWAN_HONG_KONG_MACAO.contains(&province)
                    || &number[2..8] == "100000";
                let stricter = b[0] == b'0' || b[1] == b'0' || !division_ok;
                let authority_letter = matches!(b[0], b'A' | b'N' | b'Y');
                let expected = match (stricter, authority_letter) {
                    (true, _) => Some(false),
                    (false, true) => Some(checksum_ok),
                    (false, false) => None,
                };
                (Format::Gb32100, expected)
            }
        };
        let ours = format.check(number, today).is_none();
        if ours && format == Format::Gb11643 && PERMITS.contains(&&number[..6]) {
            permits += 1;
        }
        if ours && format == Format::Gb32100 && &number[2..8] == "100000" {
            central += 1;
        }
        if let Some(expected) = deliberate {
            assert_eq!(
                ours, expected,
                "{number}: docket {ours}, by docket's own rule {expected}"
            );
            differ_on_purpose += 1;
            continue;
        }
        compared += 1;
        assert_eq!(
            ours,
            theirs == "valid",
            "{number}: docket {ours}, stdnum {theirs}"
        );
    }
    println!(
        "identity numbers: {compared} compared with python-stdnum, {differ_on_purpose} where the two differ on purpose, {lower_case} typed in lower case; valid: {permits} residence permits, {central} central-level credit codes"
    );
    assert!(permits > 50 && central > 50, "{permits} {central}");
    assert!(compared > 3000, "{compared}");
    assert!(lower_case > 100, "{lower_case}");
}

const EN: &str = "C.UTF-8";
const ZH: &str = "zh_CN.UTF-8";

/// `docket --as alice args` under the locale `lang`.
fn said(s: &TestStore, lang: &str, args: &[&str]) -> Out {
    let out = s
        .cmd("alice", args)
        .env("LANG", lang)
        .output()
        .expect("runs");
    Out::from(out)
}

/// `create customer` with `id_kind` and `id_number`.
fn customer(id_kind: &str, id_number: &str) -> Vec<String> {
    let category = if id_kind == "uscc" {
        "commercial"
    } else {
        "residential"
    };
    with_sets(
        &["create", "customer"],
        &[
            "name=陈大文",
            &format!("id_kind={id_kind}"),
            &format!("id_number={id_number}"),
            &format!("category={category}"),
            "phone=13857101234",
            "address=杭州市西湖区文三路12号",
            "account_opened_on=2026-01-10",
        ],
    )
}

/// `body` (17 digits) with its GB 11643 check character.
fn resident(body: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// `body` (17 characters) with its GB 32100 check character.
fn credit_code(body: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| ALPHABET.iter().position(|&a| a == b).unwrap() as u32 * w)
        .sum();
    format!(
        "{body}{}",
        ALPHABET[((31 - sum % 31) % 31) as usize] as char
    )
}

/// The identity number a customer record holds, as the auditor reveals it.
fn revealed_id(s: &TestStore, id: &str) -> String {
    let out = s.ok(
        "audrey",
        &[
            "show",
            id,
            "--reveal",
            "--purpose",
            "identity check",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["fields"]["id_number"].as_str().unwrap().to_string()
}

/// Hong Kong, Macao and Taiwan residents hold residence permits whose numbers are GB 11643
/// numbers with the address code 810000, 820000 or 830000: they are resident ids. The mask
/// shows none of their characters, since the first two would name the whole address code.
#[test]
fn residence_permits_of_hong_kong_macao_and_taiwan_residents_are_resident_ids() {
    let s = TestStore::new();
    for code in ["810000", "820000", "830000"] {
        let number = resident(&format!("{code}19880716052"));
        let id = s
            .ok("alice", &strs(&customer("resident-id", &number)))
            .trim()
            .to_string();
        assert_eq!(revealed_id(&s, &id), number);
        let shown = s.ok("alice", &["show", &id]);
        assert!(
            shown.contains("id_number          ******************\n"),
            "{shown}"
        );
    }
    // Nothing else in Hong Kong, Macao or Taiwan is an address code.
    let args = customer("resident-id", &resident("81010119880716052"));
    let en = said(&s, EN, &strs(&args));
    let zh = said(&s, ZH, &strs(&args));
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: field `id_number`: the resident id's first six digits are neither the division code of a place in a mainland province (GB/T 2260) nor 810000, 820000 or 830000 (the residence permit of a Hong Kong, Macao or Taiwan resident)\n\
         hint: correct `id_number` and run the command again; nothing was written\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：字段 `证件号码（id_number）`：居民身份证号码的前六位既不是内地省份内某地的行政区划代码（GB/T 2260），也不是港澳台居民居住证的 810000、820000 或 830000\n\
         提示：请改正 `证件号码（id_number）` 后重新运行该命令；未写入任何内容\n"
    );
}

/// A birth year before 1900 is a slip of the keyboard (1849 for 1949), refused with what
/// to do, in either language; 1900 itself is taken.
#[test]
fn a_resident_id_born_before_1900_is_refused_in_both_languages() {
    let s = TestStore::new();
    let args = customer("resident-id", &resident("11010518491231002"));
    let en = said(&s, EN, &strs(&args));
    let zh = said(&s, ZH, &strs(&args));
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: field `id_number`: the resident id's birth year (digits 7–10) is before 1900: check the number for a typing error\n\
         hint: correct `id_number` and run the command again; nothing was written\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：字段 `证件号码（id_number）`：居民身份证号码的出生年份（第 7–10 位）早于 1900 年：请检查号码是否输错\n\
         提示：请改正 `证件号码（id_number）` 后重新运行该命令；未写入任何内容\n"
    );
    s.ok(
        "alice",
        &strs(&customer("resident-id", &resident("11010519000101002"))),
    );
    // A birth in the future has a message of its own.
    let args = customer("resident-id", &resident("11010520270101001"));
    let en = said(&s, EN, &strs(&args));
    let zh = said(&s, ZH, &strs(&args));
    assert!(
        en.stderr.starts_with(
            "error: field `id_number`: the resident id's birth date (digits 7–14) is in the future\n"
        ),
        "{}",
        en.stderr
    );
    assert!(
        zh.stderr.starts_with(
            "错误：字段 `证件号码（id_number）`：居民身份证号码的出生日期（第 7–14 位）在将来\n"
        ),
        "{}",
        zh.stderr
    );
}

/// A credit code issued by a central-level authority has the registration division
/// 100000; any other division outside the provinces is refused, in either language.
#[test]
fn central_level_credit_codes_are_credit_codes() {
    let s = TestStore::new();
    let central = credit_code("11100000MB0143428");
    let id = s
        .ok("alice", &strs(&customer("uscc", &central)))
        .trim()
        .to_string();
    assert_eq!(revealed_id(&s, &id), central);
    let args = customer("uscc", &credit_code("11100001MB0143428"));
    let en = said(&s, EN, &strs(&args));
    let zh = said(&s, ZH, &strs(&args));
    assert_eq!((en.code, zh.code), (INVALID, INVALID));
    assert_eq!(
        en.stderr,
        "error: field `id_number`: a unified social credit code's characters 3–8 are its registering authority's division code: within a province that exists (GB/T 2260), or 100000 for a central-level authority\n\
         hint: correct `id_number` and run the command again; nothing was written\n"
    );
    assert_eq!(
        zh.stderr,
        "错误：字段 `证件号码（id_number）`：统一社会信用代码的第 3–8 位是登记管理部门的行政区划代码：现有省份内的代码（GB/T 2260），中央一级登记管理部门为 100000\n\
         提示：请改正 `证件号码（id_number）` 后重新运行该命令；未写入任何内容\n"
    );
}

/// A supplier register whose credit code is checked by its format alone, without
/// `normalize = "identifier"`.
const SUPPLIER: &str = r#"kind = "supplier"
title = { en = "supplier", zh-CN = "供应商" }
prefix = "SUP"
lifecycle = "register"

[fields.name]
type = "string"
required = true
purpose = "who supplies the meters"

[fields.credit_code]
type = "string"
required = true
format = "gb32100"
purpose = "the supplier's registration"
"#;

/// A credit code typed in lower case (or in full width) is read in upper case, as GB
/// 32100 writes it: stored as the standard's form and compared as one, not refused.
#[test]
fn a_credit_code_typed_in_lower_case_is_stored_in_upper_case() {
    let s = TestStore::new();
    std::fs::write(s.path("schemas/supplier.toml"), SUPPLIER).unwrap();
    let roles = std::fs::read_to_string(s.path("schemas/roles.toml"))
        .unwrap()
        .replacen(
            "create = [\"customer\", \"installation\",",
            "create = [\"customer\", \"supplier\", \"installation\",",
            1,
        );
    std::fs::write(s.path("schemas/roles.toml"), roles).unwrap();
    s.apply_policy("meter suppliers are registered");
    let code = uscc(130);
    for (typed, file) in [
        (code.to_lowercase(), false),
        (code.to_lowercase().replace('m', "ｍ"), true),
    ] {
        let id = if file {
            let f = s.path("supplier.toml");
            std::fs::write(&f, format!("name = \"表厂\"\ncredit_code = \"{typed}\"\n")).unwrap();
            s.ok(
                "alice",
                &["create", "supplier", "--file", f.to_str().unwrap()],
            )
        } else {
            s.create(
                "alice",
                "supplier",
                &["name=表厂", &format!("credit_code={typed}")],
            )
        };
        let shown = s.ok("alice", &["show", id.trim(), "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(v["fields"]["credit_code"], code.as_str(), "{typed}");
    }
    // A wrong one typed in lower case is refused for what is wrong with it, not its case.
    let wrong = format!("{}0", &code[..17]).to_lowercase();
    let err = s.fails_unchanged(
        "alice",
        &[
            "create",
            "supplier",
            "--set",
            "name=表厂",
            "--set",
            &format!("credit_code={wrong}"),
        ],
        INVALID,
    );
    assert_eq!(
        err,
        "error: field `credit_code`: the unified social credit code's check character (GB 32100) is wrong: check the code for a typing error\n\
         hint: correct `credit_code` and run the command again; nothing was written\n"
    );
}
