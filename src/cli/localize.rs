//! `--help` in the language of the run. The clap definitions (doc comments and the
//! examples) are the English text, copied into `locales/help/en.ftl` by a test that fails
//! when they drift apart; another language replaces each command's about, examples and
//! argument help, the headings and the usage line with its catalogue message, found by the
//! command's path (`help-docket-actor-add-arg-role`).

use clap::{Arg, ArgAction, Command};
use docket::i18n::{self, Lang};

/// The message id of one piece of help: `help-PATH-PART`.
pub fn help_id(path: &str, part: &str) -> String {
    format!("help-{}-{part}", path.replace(' ', "-"))
}

/// `cmd` with its help in `lang` (English is the definitions themselves).
pub fn command(cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    let help = Arg::new("help")
        .short('h')
        .long("help")
        .global(true)
        .action(ArgAction::Help)
        .help(i18n::message_in(lang, "heading-help-flag", &[]))
        .help_heading(i18n::message_in(lang, "heading-global", &[]));
    let version = Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version)
        .help(i18n::message_in(lang, "heading-version-flag", &[]));
    let cmd = cmd
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(help)
        .arg(version);
    localize(cmd, "docket", lang)
}

fn text(lang: Lang, id: &str) -> Option<String> {
    i18n::lookup_in(lang, id)
}

fn localize(mut cmd: Command, path: &str, lang: Lang) -> Command {
    if let Some(about) = text(lang, &help_id(path, "about")) {
        cmd = cmd.about(about);
    }
    if let Some(long) = text(lang, &help_id(path, "long")) {
        cmd = cmd.long_about(long);
    }
    if let Some(examples) = text(lang, &help_id(path, "examples")) {
        cmd = cmd.after_help(examples);
    }
    cmd = cmd
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            i18n::message_in(lang, "heading-usage", &[])
        ))
        .subcommand_help_heading(i18n::message_in(lang, "heading-commands", &[]))
        .subcommand_value_name(i18n::message_in(lang, "heading-command", &[]));
    let args: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in args {
        cmd = cmd.mut_arg(&id, |a| localize_arg(a, path, lang));
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |s| localize(s, &sub_path, lang));
    }
    cmd
}

fn localize_arg(mut a: Arg, path: &str, lang: Lang) -> Arg {
    let id = a.get_id().to_string();
    if let Some(help) = text(lang, &help_id(path, &format!("arg-{id}"))) {
        let notes = annotations(&a, lang);
        let takes_values = a.get_action().takes_values();
        let has_default = !a.get_default_values().is_empty();
        a = a.help(format!("{help}{notes}")).hide_env(true);
        if takes_values {
            a = a.hide_possible_values(true);
        }
        if has_default {
            a = a.hide_default_value(true);
        }
    }
    let heading = match a.get_help_heading() {
        Some(_) => "heading-global",
        None if a.is_positional() => "heading-arguments",
        None => "heading-options",
    };
    a.help_heading(i18n::message_in(lang, heading, &[]))
}

/// What clap would add after an argument's help in English (`[env: …]`, `[default: …]`,
/// `[possible values: …]`), said in `lang`.
fn annotations(a: &Arg, lang: Lang) -> String {
    let mut notes = Vec::new();
    if let Some(env) = a.get_env() {
        let name = env.to_string_lossy().into_owned();
        notes.push(i18n::message_in(lang, "heading-env", &[("name", name)]));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && a.get_action().takes_values() {
        let values = defaults.join(", ");
        notes.push(i18n::message_in(
            lang,
            "heading-default",
            &[("values", values)],
        ));
    }
    let possible: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !possible.is_empty() && a.get_action().takes_values() {
        let values = possible.join(", ");
        notes.push(i18n::message_in(
            lang,
            "heading-possible",
            &[("values", values)],
        ));
    }
    notes.concat()
}

/// Every piece of English help of `cmd` and its subcommands, as catalogue entries.
#[cfg(test)]
pub fn english(cmd: &Command) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(cmd, "docket", &mut out);
    out
}

#[cfg(test)]
fn walk(cmd: &Command, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(about) = cmd.get_about() {
        out.push((help_id(path, "about"), about.to_string()));
    }
    if let Some(long) = cmd.get_long_about() {
        out.push((help_id(path, "long"), long.to_string()));
    }
    if let Some(examples) = cmd.get_after_help() {
        out.push((help_id(path, "examples"), examples.to_string()));
    }
    for arg in cmd.get_arguments() {
        if let Some(help) = arg.get_help() {
            let id = format!("arg-{}", arg.get_id());
            out.push((help_id(path, &id), help.to_string()));
        }
    }
    for sub in cmd.get_subcommands() {
        walk(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

/// `text` as the value of a Fluent message: braces escaped, lines after the first indented.
#[cfg(test)]
pub fn fluent_value(text: &str) -> String {
    let escaped = text.replace('{', "\u{0}").replace('}', "{\"}\"}");
    let escaped = escaped.replace('\u{0}', "{\"{\"}");
    if !escaped.contains('\n') {
        return escaped;
    }
    let lines: Vec<String> = escaped
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("    {l}")
            }
        })
        .collect();
    format!("\n{}", lines.join("\n"))
}

/// A command-line mistake clap found, said in `lang` in docket's words: the message and
/// the hint (a suggestion when clap has one).
pub fn parse_error(e: &clap::Error, lang: Lang) -> (String, String) {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind: ContextKind| -> Option<String> {
        match e.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let say = |id: &str, args: &[(&str, String)]| i18n::message_in(lang, id, args);
    let (message, suggestion) = match e.kind() {
        ErrorKind::UnknownArgument => (
            say("clap-unknown-argument", &[("arg", arg)]),
            context(ContextKind::SuggestedArg),
        ),
        ErrorKind::InvalidSubcommand => (
            say(
                "clap-unknown-command",
                &[(
                    "command",
                    context(ContextKind::InvalidSubcommand).unwrap_or_default(),
                )],
            ),
            context(ContextKind::SuggestedSubcommand),
        ),
        ErrorKind::InvalidValue => (
            say(
                "clap-invalid-value",
                &[
                    ("arg", arg),
                    (
                        "value",
                        context(ContextKind::InvalidValue).unwrap_or_default(),
                    ),
                    (
                        "valid",
                        context(ContextKind::ValidValue).unwrap_or_default(),
                    ),
                ],
            ),
            context(ContextKind::SuggestedValue),
        ),
        ErrorKind::MissingRequiredArgument => (say("clap-missing-argument", &[("arg", arg)]), None),
        ErrorKind::MissingSubcommand => (say("clap-missing-command", &[]), None),
        ErrorKind::ArgumentConflict => (
            say(
                "clap-conflict",
                &[
                    ("arg", arg),
                    ("other", context(ContextKind::PriorArg).unwrap_or_default()),
                ],
            ),
            None,
        ),
        ErrorKind::ValueValidation => (
            say(
                "clap-value-not-valid",
                &[
                    ("arg", arg),
                    (
                        "value",
                        context(ContextKind::InvalidValue).unwrap_or_default(),
                    ),
                ],
            ),
            None,
        ),
        // Any other mistake: clap's own words, in docket's frame.
        _ => (clap_words(e), None),
    };
    let hint = match suggestion {
        Some(s) => say("clap-did-you-mean", &[("suggestion", s)]),
        None => say("clap-see-help", &[]),
    };
    (message, hint)
}

/// The first line of clap's message, without its `error: ` and usage lines.
fn clap_words(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

/// A command-line mistake as docket says every error: `error:` and `hint:` lines.
pub fn framed(message: &str, hint: &str, lang: Lang) -> String {
    format!(
        "{}\n{}\n",
        i18n::message_in(lang, "cli-error", &[("message", message.to_string())]),
        i18n::message_in(lang, "cli-hint", &[("hint", hint.to_string())])
    )
}
