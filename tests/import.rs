//! `rulec import docs`: each seed page imports as the shipped catalog (compared as catalogs),
//! `import(doc(catalog))` is the catalog again, hand-made pages of each table form import and
//! check clean, and each defect of a page is reported where it is.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rulec::catalog::{EventType, FieldRule, Level};
use rulec::import::{self, Imported, Options};
use rulec::source::{Source, read_sources};
use rulec::{Catalog, Checker};

use crate::common::{rulec, rulec_in, temp_dir};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn path(relative: &str) -> PathBuf {
    Path::new(ROOT).join(relative)
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(path(relative)).unwrap()
}

/// The shipped base a page is imported into: regions and envelope.
fn base() -> Vec<Source> {
    read_sources(&[path("rules/locations.rules"), path("rules/envelope.rules")]).unwrap()
}

fn checked(sources: Vec<Source>) -> Catalog {
    let mut all = Checker::new();
    for source in sources {
        all.add(source);
    }
    let checked = all.check();
    assert!(
        checked.diagnostics.is_clean(),
        "{}",
        checked
            .diagnostics
            .render(&miette::GraphicalTheme::unicode_nocolor(), 100)
    );
    checked.catalog.unwrap()
}

/// Imports a page into the shipped base (its regions and envelope), and checks the result
/// with `rest`, the rest of the catalog: clean, and in `rulec fmt`'s layout.
fn import_into(
    page: &str,
    name: &str,
    rest: &[Source],
    service: Option<&str>,
) -> (Imported, Catalog) {
    let catalog = checked(base());
    let options = Options {
        service,
        ..Options::new(name).joining(&catalog)
    };
    let imported = import::docs(page, &options).unwrap();
    assert_eq!(
        rulec::format::format(&imported.rules).unwrap(),
        imported.rules,
        "not in canonical format"
    );
    let mut sources = rest.to_vec();
    sources.push(Source::new("imported.rules", imported.rules.clone()));
    (imported, checked(sources))
}

/// A field as the catalog resolves it, descriptions included.
fn field(rule: &FieldRule) -> String {
    let values: Vec<String> = rule
        .values
        .iter()
        .map(|v| {
            format!(
                "{}{}",
                v.value,
                if v.level == Level::Allow { "" } else { " warn" }
            )
        })
        .collect();
    let patterns: Vec<String> = rule
        .patterns
        .iter()
        .map(|p| format!("/{}/ {}", p.source(), p.level()))
        .collect();
    format!(
        "{}: {:?} missing {} quoted {} invalid {} values {values:?} patterns {patterns:?} {:?}",
        rule.path, rule.ty, rule.missing, rule.quoted, rule.invalid, rule.description
    )
}

/// What a service's documentation page says of it, as a catalog holds it: per action its type,
/// description, group caption and resolved fields; the groups by caption; the locations
/// tables; the domains and overrides; the event-type policy. Group names are not on a page
/// `rulec doc` writes, so groups are compared by caption.
#[derive(Debug, PartialEq)]
struct Projection {
    display_name: Option<String>,
    collect: Vec<EventType>,
    require: Vec<EventType>,
    actions: BTreeMap<String, (EventType, String, Option<String>, Vec<String>)>,
    locations: Vec<(String, Vec<String>)>,
    domains: Vec<(String, String)>,
    overrides: Vec<(String, String)>,
    conditionals: Vec<(String, Vec<String>)>,
}

fn project(catalog: &Catalog, service: &str, display: bool, conditionals: bool) -> Projection {
    let (index, service) = catalog
        .services()
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == service)
        .unwrap_or_else(|| panic!("no service `{service}`"));
    let mut actions = BTreeMap::new();
    let mut used = Vec::new();
    for action in catalog
        .actions()
        .iter()
        .filter(|a| a.service.index() == index)
    {
        let group = action
            .group
            .map(|g| service.groups[g as usize].caption.clone());
        // A page lists a schema's fields where its table puts them: the order is not compared.
        let mut fields: Vec<String> = catalog.fields(action).iter().map(field).collect();
        fields.sort();
        actions.insert(
            action.name.to_string(),
            (
                action.event_type,
                action.description.to_string(),
                group,
                fields,
            ),
        );
        used.extend(action.conditionals.iter().copied());
    }
    used.sort_unstable();
    used.dedup();
    // The service's own `when` blocks: those of the catalog around it apply to it too.
    let conditionals = if conditionals {
        used.iter()
            .map(|&c| &catalog.conditionals()[c as usize])
            .map(|c| (c.condition.clone(), c.fields.iter().map(field).collect()))
            .collect()
    } else {
        Vec::new()
    };
    Projection {
        display_name: display.then(|| service.display_name.clone()),
        collect: service.collect.clone(),
        require: service.require.clone(),
        actions,
        locations: service
            .location_tables
            .iter()
            .map(|t| (t.caption.clone(), t.locations.clone()))
            .collect(),
        domains: service
            .domains
            .iter()
            .map(|d| (d.domain.clone(), d.region.clone()))
            .collect(),
        overrides: service.overrides.clone(),
        conditionals,
    }
}

/// The shipped catalog's `when` blocks come from prose and the domain's facts, not from a
/// page's tables, so a seed's import is compared without them. Cloudant's Chinese page does
/// not give the service's display name.
#[test]
fn each_seed_imports_as_the_shipped_catalog() {
    let shipped = checked(read_sources(&[path("rules")]).unwrap());
    for (seed, service, display) in [
        (
            "tests/fixtures/seeds/registry_at_events.txt",
            "container-registry",
            true,
        ),
        (
            "tests/fixtures/seeds/cloudant_at_events_zh.txt",
            "cloudantnosqldb",
            false,
        ),
    ] {
        let (imported, catalog) = import_into(&read(seed), seed, &base(), None);
        assert_eq!(imported.service, service);
        assert_eq!(
            project(&catalog, service, display, false),
            project(&shipped, service, display, false),
            "{seed}"
        );
        // Group names as the shipped catalog chose them are not on the page; every action
        // table is one group all the same.
        let count = |c: &Catalog| {
            c.services()
                .iter()
                .find(|s| s.name == service)
                .unwrap()
                .groups
                .len()
        };
        assert_eq!(count(&catalog), count(&shipped), "{seed}");
    }
}

#[test]
fn the_seeds_defects_are_reported_where_they_are() {
    let seed = read("tests/fixtures/seeds/cloudant_at_events_zh.txt");
    let (imported, _) = import_into(&seed, "zh", &base(), None);
    let codes: Vec<(String, String)> = imported
        .defects
        .iter()
        .map(|d| {
            let span = miette::Diagnostic::labels(d).unwrap().next().unwrap();
            (
                miette::Diagnostic::code(d).unwrap().to_string(),
                seed[span.offset()..span.offset() + span.len()].to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("import::malformed_action".to_owned(), ",".to_owned()),
            ("import::misspelled_location".to_owned(), "大坂".to_owned())
        ]
    );
    assert!(
        imported
            .rules
            .contains("action replicator-design-document.write ")
    );
    assert!(imported.omitted.is_empty(), "{:?}", imported.omitted);
    let registry = read("tests/fixtures/seeds/registry_at_events.txt");
    let (imported, _) = import_into(&registry, "registry", &base(), None);
    assert!(imported.defects.is_empty(), "{:?}", imported.defects);
}

/// The catalogs to round-trip: the shipped one, and the real-event services (each with
/// domains, groups, fields and `when` blocks of their own).
fn catalogs() -> Vec<Vec<Source>> {
    vec![
        read_sources(&[path("rules")]).unwrap(),
        read_sources(&[
            path("rules/locations.rules"),
            path("rules/envelope.rules"),
            path("tests/fixtures/real-events/catalogs"),
        ])
        .unwrap(),
    ]
}

#[test]
fn importing_a_page_rulec_doc_wrote_gives_the_catalog_again() {
    let mut services = 0;
    for sources in catalogs() {
        let catalog = checked(sources.clone());
        for page in rulec::doc::pages(&catalog).iter().skip(1) {
            let service = page.name.trim_end_matches(".md");
            // The service joins the rest of its catalog: every file but its own.
            let others: Vec<Source> = sources
                .iter()
                .filter(|s| !s.text.contains(&format!("service {service} ")))
                .cloned()
                .collect();
            let (imported, again) = import_into(&page.text, &page.name, &others, Some(service));
            assert!(
                imported.defects.is_empty(),
                "{service}: {:?}",
                imported.defects
            );
            assert_eq!(
                project(&again, service, true, true),
                project(&catalog, service, true, true),
                "{service}:\n{}",
                imported.rules
            );
            services += 1;
        }
    }
    assert!(services >= 10, "{services}");
}

/// Every hand-made page of `tests/fixtures/import`: its output, its defects and what was left
/// out, as the command prints them.
#[test]
fn each_hand_made_page_imports_as_its_snapshot() {
    let dir = path("tests/fixtures/import");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert!(pages.len() >= 16, "{pages:?}");
    for page in pages {
        let name = page.file_name().unwrap().to_str().unwrap().to_owned();
        let run = rulec_in(&dir, &["import", "docs", &name]);
        let defect = name.starts_with("defect-");
        if name == "defect-no-actions.md" {
            assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        } else {
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            assert_eq!(
                run.stderr.contains("import::"),
                defect,
                "{name}: {}",
                run.stderr
            );
            let code = name
                .trim_start_matches("defect-")
                .split('.')
                .next()
                .unwrap()
                .replace('-', "_");
            if defect {
                assert!(
                    run.stderr.contains(&format!("import::{code}")),
                    "{name}: {}",
                    run.stderr
                );
            }
            // The rules check clean with the shipped base.
            let mut sources = base();
            sources.push(Source::new(&name, run.stdout.clone()));
            checked(sources);
        }
        insta::assert_snapshot!(format!("import_{name}"), run.snapshot());
    }
}

#[test]
fn the_command_writes_a_file_takes_a_service_and_a_catalog_and_says_what_went_wrong() {
    let dir = temp_dir("import-docs");
    let seed = path("tests/fixtures/seeds/registry_at_events.txt");
    let out = dir.join("registry.rules");
    let run = rulec(&[
        "import",
        "docs",
        seed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("imported `container-registry`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(": 34 actions, 11 groups,"),
        "{}",
        run.stderr
    );
    let written = std::fs::read_to_string(&out).unwrap();

    // Into a catalog directory that already holds the file being written: it is replaced,
    // not declared twice.
    std::fs::copy(path("rules/locations.rules"), dir.join("locations.rules")).unwrap();
    let run = rulec(&[
        "import",
        "docs",
        seed.to_str().unwrap(),
        "--catalog",
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    let check = rulec(&["check", dir.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}", check.stderr);

    // Without the catalog's regions, the page's locations are not known: said, and the rest
    // imported.
    let empty = temp_dir("import-docs-empty");
    std::fs::write(empty.join("base.rules"), "region xx-one \"One\"\n").unwrap();
    let run = rulec(&[
        "import",
        "docs",
        seed.to_str().unwrap(),
        "--catalog",
        empty.to_str().unwrap(),
    ]);
    assert!(
        run.stderr.contains("import::unknown_location"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("// not imported: the location \"Dallas (us-south)\""),
        "{}",
        run.stdout
    );

    // --service names the service when the page's actions do not agree.
    let run = rulec(&[
        "import",
        "docs",
        seed.to_str().unwrap(),
        "--service",
        "registry",
    ]);
    assert!(
        run.stderr.contains("import::foreign_action"),
        "{}",
        run.stderr
    );

    let missing = rulec(&["import", "docs", "no-such-page.md"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("no-such-page.md"),
        "{}",
        missing.stderr
    );
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(empty).unwrap();
}

/// Hostile pages: nothing panics, every span is inside the page.
#[test]
fn arbitrary_pages_never_fail_and_spans_stay_in_the_page() {
    let seed = read("tests/fixtures/seeds/registry_at_events.txt");
    let zh = read("tests/fixtures/seeds/cloudant_at_events_zh.txt");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..300 {
        let source = if round % 2 == 0 { &seed } else { &zh };
        let mut page: Vec<char> = source.chars().collect();
        for _ in 0..=(next() % 8) {
            let at = usize::try_from(next() % 1_000_000).unwrap() % page.len().max(1);
            match next() % 4 {
                0 => {
                    page.remove(at);
                }
                1 => page.insert(
                    at,
                    ['|', '{', '}', '`', '\n', ',', '(', '大'][(next() % 8) as usize],
                ),
                2 => page.truncate(at),
                _ => page.insert(at, '\\'),
            }
        }
        let page: String = page.into_iter().collect();
        if let Ok(imported) = import::docs(&page, &Options::new("fuzz")) {
            for defect in &imported.defects {
                for label in miette::Diagnostic::labels(defect).into_iter().flatten() {
                    assert!(label.offset() + label.len() <= page.len());
                    assert!(page.is_char_boundary(label.offset()));
                }
            }
        }
    }
}

/// `docs/import.md` lists every placeholder and city the importer renders.
#[test]
fn the_docs_list_every_placeholder_and_city() {
    let docs = read("docs/import.md");
    for (key, words) in import::KEYWORDS {
        assert!(
            docs.contains(&format!("| `{key}` | {words} |")),
            "`{key}` is not in docs/import.md"
        );
    }
    for (city, region) in import::CITIES_ZH {
        assert!(
            docs.contains(&format!("| {city} | `{region}` |")),
            "{city} is not in docs/import.md"
        );
    }
}

/// A page that repeats itself (a copy pasted many times): each action, domain and override is
/// imported once, every repeat is said, and the rules check clean. Before the defects were
/// rendered against the page's line index, 200 copies took 75 s; now 0.6 s (release).
#[test]
fn a_page_repeated_many_times_imports_each_thing_once() {
    let seed = read("tests/fixtures/seeds/registry_at_events.txt");
    let page = seed.repeat(50);
    let (imported, catalog) = import_into(&page, "repeated", &base(), None);
    assert_eq!(imported.counts.actions, 34);
    assert_eq!(imported.counts.domains, 10);
    assert_eq!(imported.counts.overrides, 2);
    assert_eq!(
        imported.defects.len(),
        34 * 49,
        "one duplicate_action per repeated row"
    );
    let service = catalog
        .services()
        .iter()
        .find(|s| s.name == "container-registry")
        .unwrap();
    assert_eq!(service.domains.len(), 10);
    let dir = temp_dir("import-repeated");
    std::fs::write(dir.join("page.txt"), &page).unwrap();
    let run = rulec_in(&dir, &["import", "docs", "page.txt", "-o", "out.rules"]);
    assert_eq!(
        run.code,
        0,
        "{}",
        run.stderr.lines().last().unwrap_or_default()
    );
    assert_eq!(
        run.stderr.matches("import::duplicate_action").count(),
        34 * 49
    );
    std::fs::remove_dir_all(dir).unwrap();
}
