//! `rulec import atracker` and `rulec export atracker`: an account's Activity Tracker Event
//! Routing definitions (as its v2 API and CLI return them) to `.rules` and back.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::fmt::Write as _;
use std::path::Path;

use rulec::atracker::{self, Import};
use rulec::{Catalog, Source};
use serde_json::{Value, json};

use crate::common::{rulec, temp_dir};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/atracker");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(DIR).join(name)).unwrap()
}

fn imported() -> String {
    let (routes, targets, settings) = (
        fixture("routes.json"),
        fixture("targets.json"),
        fixture("settings.json"),
    );
    atracker::import(&Import {
        routes: ("routes.json", &routes),
        targets: Some(("targets.json", &targets)),
        settings: Some(("settings.json", &settings)),
    })
    .unwrap()
}

/// The imported rules with the shipped locations, as a catalog.
fn catalog_of(rules: &str) -> Catalog {
    let locations = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/locations.rules"
    ))
    .unwrap();
    Catalog::compile(vec![
        Source::new("locations.rules", locations),
        Source::new("imported.rules", rules),
    ])
    .unwrap()
}

/// A route's rules: `(locations, sorted target ids)`.
type Rules = Vec<(Vec<String>, Vec<String>)>;

/// The routes of a v2 API document, by their rules.
fn route_sets(document: &Value) -> Vec<Rules> {
    document["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|route| {
            route["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|rule| {
                    let strings = |v: &Value| -> Vec<String> {
                        v.as_array()
                            .unwrap()
                            .iter()
                            .map(|s| s.as_str().unwrap().to_owned())
                            .collect()
                    };
                    let mut ids = strings(&rule["target_ids"]);
                    ids.sort();
                    (strings(&rule["locations"]), ids)
                })
                .collect()
        })
        .collect()
}

#[test]
fn import_writes_targets_with_ids_routes_and_default_targets() {
    insta::assert_snapshot!(imported());
}

#[test]
fn an_export_of_an_import_has_the_account_s_routes_and_an_import_of_it_is_the_same_rules() {
    let rules = imported();
    let exported = atracker::export(&catalog_of(&rules)).unwrap();
    let original: Value = serde_json::from_str(&fixture("routes.json")).unwrap();
    assert_eq!(route_sets(&exported), route_sets(&original));
    assert_eq!(
        exported["settings"]["default_targets"],
        json!(["50375218-0000-4234-bbb4-171bebab8408"])
    );
    // Round trip: the exported bodies imported again give the same rules.
    let targets = serde_json::to_string(&exported["targets"]).unwrap();
    let routes = serde_json::to_string(&exported["routes"]).unwrap();
    let settings = serde_json::to_string(&exported["settings"]).unwrap();
    let again = atracker::import(&Import {
        routes: ("routes.json", &routes),
        targets: Some(("targets.json", &targets)),
        settings: Some(("settings.json", &settings)),
    })
    .unwrap();
    let body = |text: &str| {
        text.lines()
            .skip(1)
            .filter(|l| !l.starts_with("// Route id") && !l.starts_with("// Named "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&again), body(&rules));
}

#[test]
fn import_reads_the_cli_rules_file_with_its_documented_singular_location_key() {
    let (routes, targets) = (fixture("update-file.json"), fixture("targets.json"));
    let rules = atracker::import(&Import {
        routes: ("update-file.json", &routes),
        targets: Some(("targets.json", &targets)),
        settings: None,
    })
    .unwrap();
    assert!(
        rules.contains("route updateFile {\n  eu-de, eu-gb -> Cloud-Logs-us-south\n}"),
        "{rules}"
    );
}

#[test]
fn import_says_which_file_and_where_an_input_is_wrong() {
    let run = rulec(&[
        "import",
        "atracker",
        "tests/fixtures/atracker/docs-put-example.json",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("docs-put-example.json: not JSON: ") && run.stderr.contains("line 6"),
        "{}",
        run.stderr
    );
    let run = rulec(&["import", "atracker", "tests/fixtures/atracker/routes.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("target id `281f78a2-3333-4444-5555-e896f03cb403` needs a name and a type: give `--targets FILE`"), "{}", run.stderr);
    for (text, expected) in [
        (
            r#"{"name": "r", "rules": [{"target_ids": ["a"]}]}"#,
            "/rules/0: a rule has `locations`",
        ),
        (
            r#"{"name": "r", "rules": [{"locations": "us-south"}]}"#,
            "/rules/0/locations: expected an array of strings",
        ),
        (r#"{"rules": []}"#, "/name: a route has a name"),
        (
            r#"{"routes": [{"name": "r", "rules": [{"locations": [1]}]}]}"#,
            "/routes/0/rules/0/locations/0: expected a string",
        ),
        ("42", "not a route"),
    ] {
        let error = atracker::import(&Import {
            routes: ("r.json", text),
            targets: None,
            settings: None,
        })
        .unwrap_err();
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
}

#[test]
fn export_refuses_filters_and_targets_without_ids_with_codes() {
    let run = rulec(&["export", "atracker"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    for expected in [
        "error[export::route_filter]: route `security` filters by types (data)",
        "error[export::route_filter]: route `images` filters by actions (container-registry.image.*)",
        "error[export::target_id]: target `logs` has no id",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    let explained = rulec(&["explain", "export::route_filter"]);
    assert_eq!(explained.code, 0);
}

#[test]
fn import_then_check_and_export_from_the_command_line() {
    let dir = temp_dir("atracker");
    let out = dir.join("account.rules");
    let run = rulec(&[
        "import",
        "atracker",
        "tests/fixtures/atracker/routes.json",
        "--targets",
        "tests/fixtures/atracker/targets.json",
        "--settings",
        "tests/fixtures/atracker/settings.json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Route names the service gave (`my-route`, `europe and japan`) are written as names it
    // takes, and said: the check is clean, without a limit warning.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("route myRoute {"), "{text}");
    assert!(text.contains("route europeAndJapan {"), "{text}");
    assert!(
        text.contains("// Named \"europe and japan\" in Activity Tracker Event Routing"),
        "{text}"
    );
    let check = rulec(&["check", "rules/locations.rules", out.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("0 errors, 0 warnings"),
        "{}",
        check.stderr
    );
    let export = rulec(&[
        "export",
        "atracker",
        "rules/locations.rules",
        out.to_str().unwrap(),
    ]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let bodies: Value = serde_json::from_str(&export.stdout).unwrap();
    assert_eq!(bodies["targets"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        bodies["routes"][1]["rules"][0],
        json!({"locations": ["in-che"], "target_ids": []})
    );
}

/// Every limit of the service's table refuses an export, each with its code.
#[test]
fn export_refuses_what_the_service_s_limits_refuse() {
    let target = |i: usize| format!("target t{i} cloud_logs id \"id-{i}\"\n");
    let mut text: String = (0..17).map(target).collect();
    text.push_str("default targets t0, t1, t2\n");
    for r in 0..31 {
        let _ = writeln!(text, "route r{r} {{\n  eu-de -> t0\n}}");
    }
    text.push_str("route long {\n");
    for _ in 0..11 {
        text.push_str("  eu-de -> t0\n");
    }
    text.push_str(
        "  us-south, us-east, eu-de, eu-gb, eu-es, jp-tok, jp-osa, au-syd, br-sao -> t0\n",
    );
    text.push_str("  ca-tor -> t0, t1, t2, t3\n}\n");
    let _ = writeln!(
        text,
        "route {} {{\n  eu-de -> t0\n}}\nroute my-route {{\n  eu-de -> t0\n}}",
        "a".repeat(181)
    );
    let dir = temp_dir("atracker-limits");
    std::fs::write(dir.join("account.rules"), text).unwrap();
    let run = rulec(&[
        "export",
        "atracker",
        "rules/locations.rules",
        dir.join("account.rules").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    for expected in [
        "34 routes, and an account has at most 30",
        "route `long` has 13 rules, and a route has at most 10",
        "rule 12 of route `long` has 9 locations, and a rule has at most 8",
        "rule 13 of route `long` sends to 4 targets, and a rule sends to at most 3",
        "17 targets, and an account has at most 16",
        "3 default targets, and an account has at most 2",
        "route `my-route`: a route name has at most 180 characters",
        &format!("route `{}`: a route name", "a".repeat(181)),
    ] {
        assert!(
            run.stderr
                .contains(&format!("error[export::limit_exceeded]: {expected}")),
            "{expected}\n{}",
            run.stderr
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}
