//! The shipped catalogs in `rules/` are tests: they check clean and hold what the IBM docs list.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::PathBuf;

use miette::Diagnostic;
use rulec::catalog::{EventType, Service};
use rulec::source::read_sources;
use rulec::{Catalog, Checked, Checker, Source};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
/// The Cloudant action the IBM doc misspells with a comma.
const TYPO: &str = "cloudantnosqldb,replicator-design-document.write";
const CORRECT: &str = "cloudantnosqldb.replicator-design-document.write";

fn shipped_sources() -> Vec<Source> {
    read_sources(&[PathBuf::from(RULES)]).expect("rules/ is readable")
}

fn check(sources: Vec<Source>) -> Checked {
    let mut checker = Checker::new();
    for source in sources {
        checker.add(source);
    }
    checker.check()
}

fn shipped() -> Checked {
    check(shipped_sources())
}

fn catalog() -> Catalog {
    let checked = shipped();
    let rendered = checked
        .diagnostics
        .render(&miette::GraphicalTheme::unicode_nocolor(), 100);
    checked.catalog.expect(&rendered)
}

fn service<'a>(catalog: &'a Catalog, name: &str) -> &'a Service {
    catalog
        .services()
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no service `{name}`"))
}

fn event_type(catalog: &Catalog, action: &str) -> EventType {
    let id = catalog
        .action_id(action)
        .unwrap_or_else(|| panic!("no action `{action}`"));
    catalog.action(id).unwrap().event_type
}

fn count_actions(catalog: &Catalog, prefix: &str) -> usize {
    catalog
        .actions()
        .iter()
        .filter(|a| a.name.starts_with(prefix))
        .count()
}

#[test]
fn shipped_rules_check_without_errors_or_warnings() {
    let checked = shipped();
    let rendered = checked
        .diagnostics
        .render(&miette::GraphicalTheme::unicode_nocolor(), 100);
    assert!(checked.diagnostics.is_clean(), "{rendered}");
    assert_eq!((checked.summary.errors, checked.summary.warnings), (0, 0));
}

#[test]
fn container_registry_has_34_actions() {
    assert_eq!(count_actions(&catalog(), "container-registry."), 34);
}

#[test]
fn cloudant_has_63_actions() {
    assert_eq!(count_actions(&catalog(), "cloudantnosqldb."), 63);
}

#[test]
fn cloudant_replicator_design_document_write_is_a_data_event() {
    assert_eq!(event_type(&catalog(), CORRECT), EventType::Data);
}

#[test]
fn container_registry_image_pull_is_a_data_event() {
    assert_eq!(
        event_type(&catalog(), "container-registry.image.pull"),
        EventType::Data
    );
}

#[test]
fn container_registry_image_tag_is_a_management_event() {
    assert_eq!(
        event_type(&catalog(), "container-registry.image.tag"),
        EventType::Management
    );
}

#[test]
fn cloudant_collects_and_requires_only_management_events() {
    let catalog = catalog();
    let cloudant = service(&catalog, "cloudantnosqldb");
    assert_eq!(cloudant.collect, [EventType::Management]);
    assert_eq!(cloudant.require, [EventType::Management]);
}

#[test]
fn the_comma_typo_is_not_an_action() {
    assert!(catalog().action_id(TYPO).is_none());
}

#[test]
fn the_comma_typo_in_the_cloudant_rules_is_a_malformed_action_with_the_dotted_name_as_help() {
    let group = "group data-events \"数据事件\" data {\n";
    let typo_line = format!("    data {TYPO} \"将 _design 文档写入 _replicator 数据库。\"\n");
    let mut sources = shipped_sources();
    let cloudant = sources
        .iter_mut()
        .find(|s| s.name.ends_with("cloudant.rules"))
        .expect("rules/cloudant.rules");
    let at = cloudant.text.find(group).expect("the data-events group") + group.len();
    cloudant.text.insert_str(at, &typo_line);

    let checked = check(sources);
    let list = checked.diagnostics.list();
    assert_eq!(list.len(), 1, "{list:#?}");
    let code = list[0].code().map(|c| c.to_string());
    assert_eq!(code.as_deref(), Some("rules::malformed_action"));
    let help = list[0].help().map(|h| h.to_string()).unwrap_or_default();
    assert!(help.contains(&format!("`{CORRECT}`")), "help: {help}");
}

/// One action as the snapshot lists it.
#[derive(serde::Serialize)]
struct ActionRow<'a> {
    name: &'a str,
    event_type: EventType,
    group: Option<&'a str>,
}

#[test]
fn shipped_actions_snapshot() {
    let catalog = catalog();
    let rows: Vec<ActionRow<'_>> = catalog
        .actions()
        .iter()
        .map(|action| ActionRow {
            name: &action.name,
            event_type: action.event_type,
            group: catalog
                .service(action.service)
                .zip(action.group)
                .and_then(|(s, g)| s.groups.get(g as usize))
                .map(|g| g.caption.as_str()),
        })
        .collect();
    insta::assert_yaml_snapshot!(rows);
}
