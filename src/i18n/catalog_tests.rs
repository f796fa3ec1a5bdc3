//! The catalogs against each other and against the code that names their keys.
//!
//! What the source scan below catches: every key written out as a literal, in templates and
//! in Rust (`t("…")`, `t_args("…"`, `label_key` match arms, `&'static str` consts and fields,
//! field error and flash keys, `text_enum!` prefix + code). What it cannot see is a key made
//! at run time from pieces other than `text_enum!`'s; a lookup of a key no catalog has
//! renders `Unknown localization key: "…"` (fluent-templates' answer), which the rendered
//! pages test (`tests/it/languages.rs`) fails on.
use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

use fluent_syntax::{ast, parser};

use super::Locale;

/// Each message (and `message.attribute`) of a catalog with the variables it uses.
type Catalog = BTreeMap<String, BTreeSet<String>>;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The catalog of `locale` as Fluent parses it; a syntax error fails the test (the loader
/// would skip the broken entry and fall back to English without a word).
fn catalog_of(locale: Locale) -> Catalog {
    let path = root().join("locales").join(locale.code()).join("main.ftl");
    let text = fs::read_to_string(&path).unwrap();
    parse(&text).unwrap_or_else(|errors| panic!("{}: {errors}", path.display()))
}

fn parse(text: &str) -> Result<Catalog, String> {
    let resource = parser::parse(text).map_err(|(_, errors)| format!("{errors:?}"))?;
    let mut catalog = Catalog::new();
    for entry in &resource.body {
        let ast::Entry::Message(message) = entry else {
            continue;
        };
        let id = message.id.name;
        if let Some(value) = &message.value {
            catalog.insert(id.to_owned(), variables(value));
        }
        for attribute in &message.attributes {
            let key = format!("{id}.{}", attribute.id.name);
            catalog.insert(key, variables(&attribute.value));
        }
    }
    Ok(catalog)
}

fn variables(pattern: &ast::Pattern<&str>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    pattern_variables(pattern, &mut found);
    found
}

fn pattern_variables(pattern: &ast::Pattern<&str>, found: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, found);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, found: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, found);
            for variant in variants {
                pattern_variables(&variant.value, found);
            }
        }
        ast::Expression::Inline(inline) => inline_variables(inline, found),
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, found: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            found.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. }
        | ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for argument in &arguments.positional {
                inline_variables(argument, found);
            }
            for argument in &arguments.named {
                inline_variables(&argument.value, found);
            }
        }
        ast::InlineExpression::Placeable { expression } => {
            expression_variables(expression, found);
        }
        _ => {}
    }
}

/// What `other` (in `language`) does differently from English: messages one of them lacks,
/// and messages whose variables differ (Fluent answers a message that names a variable the
/// code does not pass with an error, which the loader turns into the English text).
fn differences(english: &Catalog, other: &Catalog, language: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (key, variables) in english {
        match other.get(key) {
            None => found.push(format!("{language} lacks {key}")),
            Some(theirs) if theirs != variables => found.push(format!(
                "{key}: en uses {variables:?}, {language} uses {theirs:?}"
            )),
            Some(_) => {}
        }
    }
    for key in other.keys().filter(|key| !english.contains_key(*key)) {
        found.push(format!("{language} has {key}, en lacks it"));
    }
    found
}

#[test]
fn every_language_has_the_messages_of_english_with_the_same_variables() {
    let english = catalog_of(Locale::En);
    assert!(english.len() > 500, "{} messages", english.len());
    for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
        let found = differences(&english, &catalog_of(locale), locale.code());
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}

#[test]
fn a_missing_or_extra_message_and_a_changed_variable_are_differences() {
    let english = parse("greeting = Hello, { $name }!\nbye = Bye\nlogin = Log in\n    .title = Log in as { $email }\n").unwrap();
    let chinese =
        parse("greeting = 你好！\nlogin = 登录\n    .title = 以 { $address } 登录\nextra = 多余\n")
            .unwrap();
    let found = differences(&english, &chinese, "zh-CN");
    assert_eq!(
        found,
        [
            "zh-CN lacks bye",
            r#"greeting: en uses {"name"}, zh-CN uses {}"#,
            r#"login.title: en uses {"email"}, zh-CN uses {"address"}"#,
            "zh-CN has extra, en lacks it",
        ]
    );
    // Variables count in every variant of a selection and in function arguments.
    let plural =
        parse("n = { $count ->\n [one] one { $what }\n *[other] { NUMBER($count) } many\n}\n")
            .unwrap();
    assert_eq!(plural["n"], BTreeSet::from(["count".into(), "what".into()]));
    assert!(parse("broken = { $name\n").is_err());
}

/// The files under `dir` (recursively) whose names end with `extension`.
fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path, extension));
        } else if path.to_string_lossy().ends_with(extension) {
            found.push(path);
        }
    }
    found
}

/// The text between every two double quotes of `source`: each literal, and the code between
/// literals too, so that an escaped or character-literal quote cannot put the scan out of
/// step. Code between literals is never shaped like a key (it has spaces, commas, parens).
fn literals(source: &str) -> impl Iterator<Item = &str> {
    source.split('"').skip(1)
}

/// Whether `literal` is shaped like a key of ours: lowercase words (digits, `_` allowed)
/// joined by `-`, the first being the first word of some catalog key (`ticket-`, `field-`…),
/// and not a `text_enum!` prefix (ending in `-`). CSS classes, header names and charsets
/// are left alone because no catalog key starts like them.
fn looks_like_key(literal: &str, namespaces: &BTreeSet<&str>) -> bool {
    let shaped = literal.contains('-')
        && !literal.ends_with('-')
        && literal.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
    shaped
        && literal
            .split('-')
            .next()
            .is_some_and(|first| namespaces.contains(first))
}

/// The keys passed to a lookup by name: `t("…")` and `t_args("…"`, whatever their shape.
fn looked_up(source: &str) -> impl Iterator<Item = &str> {
    [".t(\"", ".t_args(\""].into_iter().flat_map(move |call| {
        source
            .split(call)
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
    })
}

/// `text_enum!(Name, "prefix-", { Variant => "code", … })`: each prefix + code.
fn text_enum_keys(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for invocation in source.split("text_enum!(").skip(1) {
        let Some(prefix) = literals(invocation).find(|l| l.ends_with('-')) else {
            continue;
        };
        // The values' braces come after the prefix (a doc comment may hold braces too).
        let after_prefix = invocation
            .split_once(&format!("\"{prefix}\""))
            .map_or("", |(_, rest)| rest);
        let Some((_, values)) = after_prefix.split_once('{') else {
            continue;
        };
        let values = values.split('}').next().unwrap_or_default();
        for code in values
            .split("=> \"")
            .skip(1)
            .filter_map(|r| r.split('"').next())
        {
            keys.push(format!("{prefix}{code}"));
        }
    }
    keys
}

#[test]
fn every_key_the_templates_and_the_code_name_is_in_the_catalogs() {
    let english = catalog_of(Locale::En);
    let namespaces: BTreeSet<&str> = english
        .keys()
        .filter_map(|key| key.split('-').next())
        .collect();
    let mut missing = Vec::new();
    let mut named = 0;
    let mut check = |key: &str, file: &Path| {
        named += 1;
        if !english.contains_key(key) {
            missing.push(format!("{key} ({})", file.display()));
        }
    };
    for file in files(&root().join("templates"), "") {
        let text = fs::read_to_string(&file).unwrap();
        // Literals inside `{{ … }}` and `{% … %}` only: the markup's own attribute values
        // (`class="field-error"`) are no keys.
        let tags = text
            .split("{{")
            .chain(text.split("{%"))
            .skip(1)
            .filter_map(|rest| rest.split(['}', '%']).next());
        for tag in tags {
            for key in literals(tag).filter(|l| looks_like_key(l, &namespaces)) {
                check(key, &file);
            }
        }
        for key in looked_up(&text) {
            check(key, &file);
        }
    }
    // This file's examples are no keys.
    let this_file = root().join(file!());
    for file in files(&root().join("src"), ".rs") {
        if file == this_file {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        for key in literals(&text).filter(|l| looks_like_key(l, &namespaces)) {
            check(key, &file);
        }
        for key in looked_up(&text).chain(text_enum_keys(&text).iter().map(String::as_str)) {
            check(key, &file);
        }
    }
    assert!(
        missing.is_empty(),
        "not in the catalogs:\n{}",
        missing.join("\n")
    );
    assert!(
        named > 700,
        "only {named} keys found: is the scan still reading the code?"
    );
}

#[test]
fn the_scan_finds_keys_in_templates_code_and_text_enums() {
    let namespaces = BTreeSet::from(["ticket", "field"]);
    assert!(looks_like_key("ticket-reply", &namespaces));
    assert!(looks_like_key("field-postponed_until", &namespaces));
    assert!(!looks_like_key("content-type", &namespaces));
    assert!(!looks_like_key("ticket-", &namespaces));
    assert!(!looks_like_key("Ticket-Reply", &namespaces));
    let template = r#"{{ ctx.t("nav-queue") }} {{ ctx.t_args("greeting", [("name", n)]) }}"#;
    assert_eq!(
        looked_up(template).collect::<Vec<_>>(),
        ["nav-queue", "greeting"]
    );
    let source = "text_enum!(\n /// Kinds {of} things.\n Kind, \"kind-\", {\n A => \"a\",\n B => \"b_c\",\n }\n);";
    assert_eq!(text_enum_keys(source), ["kind-a", "kind-b_c"]);
}

/// What fluent-templates answers for a key no catalog has: the text the rendered pages
/// test looks for.
#[test]
fn an_unknown_key_renders_as_unknown_localization_key() {
    assert_eq!(
        Locale::ZhCn.t("no-such-key"),
        r#"Unknown localization key: "no-such-key""#
    );
}
