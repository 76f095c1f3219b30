//! `rulec doc`: the Container Registry page holds every row of the seed document's tables.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::PathBuf;

/// The seed: IBM's Container Registry audit-event page (docs source, 2024-10-09).
const SEED: &str = include_str!("fixtures/seeds/registry_at_events.txt");

/// The doc site's keyword placeholders, rendered as the site renders them (as rules/ does).
const KEYWORDS: &[(&str, &str)] = &[
    (
        "{{site.data.keyword.registryshort_notm}}",
        "Container Registry",
    ),
    ("{{site.data.keyword.registryshort}}", "Container Registry"),
    (
        "{{site.data.keyword.registrylong_notm}}",
        "IBM Cloud Container Registry",
    ),
    (
        "{{site.data.keyword.registrylong}}",
        "IBM Cloud Container Registry",
    ),
    ("{{site.data.keyword.IBM_notm}}", "IBM"),
    ("{{site.data.keyword.cloud_notm}}", "IBM Cloud"),
    ("{{site.data.keyword.redhat_notm}}", "Red Hat"),
    (
        "{{site.data.keyword.at_full_notm}}",
        "IBM Cloud Activity Tracker",
    ),
    ("{: external}", ""),
];

/// Text compared without markup: placeholders rendered, line breaks and backticks gone,
/// white space collapsed.
fn normalize(text: &str) -> String {
    let mut text = text
        .replace("\\n", " ")
        .replace("<br>", " ")
        .replace('`', "");
    for (placeholder, rendered) in KEYWORDS {
        text = text.replace(placeholder, rendered);
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn registry_page() -> String {
    let rules = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"));
    let catalog = rulec::Catalog::load(rules).unwrap();
    let pages = rulec::doc::pages(&catalog);
    pages
        .into_iter()
        .find(|p| p.name == "container-registry.md")
        .unwrap()
        .text
}

/// Each table row of the page, its cells joined by spaces.
fn page_rows(page: &str) -> Vec<String> {
    page.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .map(|l| {
            normalize(
                &l.trim_matches('|')
                    .split(" | ")
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
        .collect()
}

/// The seed's table rows of one kind.
fn seed_rows(keep: impl Fn(&str) -> bool) -> Vec<String> {
    SEED.lines()
        .map(str::trim)
        .filter(|l| keep(l))
        .map(normalize)
        .collect()
}

fn assert_all_rows_present(kind: &str, seed: &[String], expected_count: usize) {
    assert_eq!(seed.len(), expected_count, "{kind} rows found in the seed");
    let rows = page_rows(&registry_page());
    let missing: Vec<&String> = seed
        .iter()
        .filter(|s| !rows.iter().any(|r| r.starts_with(s.as_str())))
        .collect();
    assert!(
        missing.is_empty(),
        "{kind} rows missing from the page: {missing:#?}"
    );
}

#[test]
fn every_action_row_is_documented() {
    let seed = seed_rows(|l| {
        l.starts_with("container-registry.") && (l.ends_with(" True") || l.ends_with(" False"))
    });
    assert_all_rows_present("action", &seed, 34);
}

#[test]
fn every_location_row_is_documented() {
    let seed = seed_rows(|l| l.ends_with(") Yes") || l == "Global Yes");
    assert_all_rows_present("location", &seed, 10);
}

#[test]
fn every_registry_domain_row_is_documented() {
    let seed = seed_rows(|l| l.split(' ').nth(1).is_some_and(|d| d.ends_with("icr.io")));
    assert_all_rows_present("domain", &seed, 10);
}

#[test]
fn every_custom_field_row_is_documented() {
    let seed = seed_rows(|l| {
        (l.starts_with("requestData.") || l.starts_with("responseData.")) && l.contains(" String ")
    });
    assert_all_rows_present("custom field", &seed, 14);
}

#[test]
fn groups_keep_the_seed_captions_and_order() {
    let page = registry_page();
    let images = page
        .find("### Actions that generate events for images")
        .unwrap();
    let namespaces = page
        .find("### Actions that generate events for namespaces")
        .unwrap();
    assert!(images < namespaces);
}

#[test]
fn a_service_with_overrides_and_no_domains_documents_its_overrides() {
    let text = "region eu-de \"Frankfurt\" { zones eu-de-1 }\nregion us-south \"Dallas\"\nservice svc \"A Service\" {\n  management thing.read \"Read a thing.\"\n  locate eu-de -> us-south\n}\n";
    let catalog = rulec::Catalog::compile(vec![rulec::Source::new("svc.rules", text)]).unwrap();
    let page = rulec::doc::pages(&catalog)
        .into_iter()
        .find(|p| p.name == "svc.md")
        .unwrap();
    assert!(
        page.text.contains("| Events from | Are located in |"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains("| Frankfurt (eu-de) | Dallas (us-south) |"),
        "{}",
        page.text
    );
}
