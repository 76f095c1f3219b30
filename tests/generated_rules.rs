//! Properties over generated `.rules` files: formatting is idempotent and keeps the meaning
//! (same catalog, same diagnostics), and compiling twice gives identical artifacts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::fmt::Write as _;

use miette::Diagnostic as _;
use proptest::prelude::*;
use rulec::{Checker, Source};

/// A lowercase identifier part.
fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{1,6}(-[a-z]{2,4})?"
}

/// A description: printable text with quotes, backslashes, non-ASCII and line breaks.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just(" ".to_owned()),
            Just("\"".to_owned()),
            Just("\\".to_owned()),
            Just("é".to_owned()),
            Just("数据".to_owned()),
            Just("\n".to_owned()),
            "[A-Za-z0-9 .,]{1,8}"
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// An optional comment, line or block.
fn comment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z ]{0,12}".prop_map(|c| format!("// {c}\n")),
        "[a-z ]{0,12}".prop_map(|c| format!("/* {c} */ "))
    ]
}

/// A service with groups of actions, a `fields` block and a `when` block.
fn service(index: usize) -> impl Strategy<Value = String> {
    (
        word(),
        text(),
        prop::collection::vec((word(), word(), prop::bool::ANY, text(), comment()), 1..6),
        prop::option::of(prop_oneof![Just("management"), Just("data")]),
        prop::collection::vec((word(), prop::bool::ANY, prop::option::of("[a-z][a-z.*]{0,5}")), 0..4),
        comment(),
    )
        .prop_map(move |(name, display, actions, collect, fields, lead)| {
            let mut out = format!("{lead}service {name}{index} \"{}\" {{\n", escape(&display));
            if let Some(collect) = collect {
                let _ = writeln!(out, "  collect {collect}");
            }
            out.push_str("  group main \"Actions\" management {\n");
            let mut names = Vec::new();
            for (i, (object, verb, data, description, note)) in actions.iter().enumerate() {
                let flag = if *data { "data" } else { "action" };
                let action = format!("{object}{i}.{verb}");
                let _ = writeln!(out, "    {note}{flag} {action} \"{}\"", escape(description));
                names.push(action);
            }
            out.push_str("  }\n");
            if !fields.is_empty() {
                let _ = writeln!(out, "  fields {} {{", names[0]);
                for (i, (path, optional, pattern)) in fields.iter().enumerate() {
                    let mark = if *optional { "?" } else { "" };
                    let clause = pattern.as_ref().map(|p| format!(" matches /{p}/")).unwrap_or_default();
                    let _ = writeln!(out, "    {path}{i}.x{mark}: string{clause}");
                }
                out.push_str("  }\n");
                let _ = writeln!(out, "  when action in {{ {} }} and outcome != \"failure\" {{\n    target.id: string\n  }}", names[0]);
            }
            out.push_str("}\n");
            out
        })
}

/// A catalog file: services, regions, targets and a route.
fn catalog() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(Just(()), 1..4),
        prop::collection::vec(word(), 1..4),
    )
        .prop_flat_map(|(services, regions)| {
            let services: Vec<_> = (0..services.len()).map(service).collect();
            (services, Just(regions))
        })
        .prop_map(|(services, regions)| {
            let mut out = services.concat();
            for (i, region) in regions.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "region {region}{i} \"Region {i}\" {{ zones {region}{i}-1 }}"
                );
            }
            out.push_str("target logs cloud_logs\n");
            let _ = writeln!(out, "route all {{\n  {}0 -> logs", regions[0]);
            out.push_str("  * -> drop\n");
            out.push_str("}\n");
            out
        })
}

fn check(text: &str) -> (Option<String>, Vec<String>) {
    let mut checker = Checker::new();
    checker.add(Source::new("generated.rules", text));
    let result = checker.check();
    let catalog = result.catalog.map(|c| serde_json::to_string(&c).unwrap());
    let codes = result
        .diagnostics
        .list()
        .iter()
        .filter_map(|d| d.code().map(|c| c.to_string()))
        .collect();
    (catalog, codes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn formatting_is_idempotent_and_keeps_the_meaning(text in catalog()) {
        let once = rulec::format::format(&text).unwrap();
        let twice = rulec::format::format(&once).unwrap();
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(check(&text), check(&once));
    }

    #[test]
    fn compiling_twice_gives_identical_artifacts(text in catalog()) {
        let write = || {
            let sources = vec![Source::new("generated.rules", text.clone())];
            let hash = rulec::artifact::source_hash(&sources);
            rulec::Catalog::compile(sources).ok().map(|c| rulec::artifact::write(&c, hash, rulec::artifact::ArtifactFormat::Json).unwrap())
        };
        prop_assert_eq!(write(), write());
    }

    /// On generated catalogs (other paths, patterns, conditions, regions and routes than the
    /// shipped ones), the fast path decides sampled events as the reference evaluator does.
    #[test]
    fn the_fast_path_agrees_with_the_reference_on_generated_catalogs(text in catalog(), seed in 0..1_000u64) {
        let engine = rulec::Engine::new(rulec::Catalog::compile(vec![Source::new("generated.rules", text)]).unwrap());
        let catalog = engine.catalog();
        let options = rulec::sample::SampleOptions { count: 60, invalid_share: 0.3, seed };
        for context in [rulec::Context::defaults(), rulec::Context::with_types(&[rulec::catalog::EventType::Data])] {
            let evaluator = engine.evaluator().with_context(context);
            for event in rulec::sample::events(catalog, &options) {
                prop_assert_eq!(
                    evaluator.evaluate(event.as_bytes(), 0),
                    evaluator.evaluate_reference(event.as_bytes(), 0),
                    "{}", event
                );
            }
        }
    }

    #[test]
    fn generated_catalogs_check_without_errors(text in catalog()) {
        let (catalog, codes) = check(&text);
        prop_assert!(catalog.is_some(), "{codes:?}\n{text}");
    }
}
