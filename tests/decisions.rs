//! The decision corpus: one event per file in `tests/fixtures/events/`, each an edge case of
//! docs/domain.md §9, decided against the shipped catalog in `rules/`.
//!
//! A file is named `[CONTEXT__]VERDICT__CASE.json`. `CONTEXT` chooses the enabled event types:
//! none for each service's defaults, `data_enabled` for management and data, `data_only` for
//! data alone, `strict` for strict mode (every warning rejects). `VERDICT` is the verdict the case must get. [`EXPECTED`] pins, per file, the
//! location, targets or reason and every violation's code, path and level, so that accepting a
//! wrong snapshot cannot hide a wrong decision; the snapshot adds the messages and help.
//!
//! The end of the file checks route semantics the shipped routes cannot show (a `*` rule and
//! `global`, a `drop`-only match, zone rules) on small catalogs of their own.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use rulec::catalog::EventType::{Data, Management};
use rulec::eval::ViolationLevel;
use rulec::{Catalog, Context, Decision, Engine, Evaluator, Source};

/// Every fixture and what it must be decided: `VERDICT [@LOCATION] [->TARGETS | REASON]`,
/// then each violation as `E:` (error) or `W:` (warning), its code and its path.
#[rustfmt::skip]
const EXPECTED: &[(&str, &str)] = &[
    // §9.1 digest vs tag
    ("route__image_push_tag_request_digest_id", "route @us-south ->archive,logs,siem"),
    ("route__image_pull_digest_request", "route @us-south ->archive,logs,siem"),
    ("reject__image_push_success_without_digest_id", "reject @us-south E:eval::pattern_mismatch/target/id"),
    ("route__image_tag_failed_before_digest_tag_id", "route @us-south ->archive,logs"),
    ("route__image_pull_failed_before_digest_tag_id", "route @us-south ->archive,logs,siem"),
    // §9.2 aliases, §9.3 au-syd -> jp-tok, §9.4 global registry -> us-south
    ("route__alias_ap_north_is_jp_tok", "route @jp-tok ->archive,logs,siem"),
    ("route__alias_ap_south_is_au_syd_moved_to_jp_tok", "route @jp-tok ->archive,logs,siem"),
    ("route__alias_eu_central_is_eu_de", "route @eu-de ->archive,logs,siem"),
    ("route__alias_uk_south_is_eu_gb", "route @eu-gb ->archive,logs,siem"),
    ("route__cloudant_alias_ap_south_stays_au_syd", "route @au-syd ->logs"),
    ("route__registry_au_syd_moved_to_jp_tok", "route @jp-tok ->archive,logs,siem"),
    ("route__registry_zone_au_syd_1_moved_to_jp_tok", "route @jp-tok ->archive,logs,siem"),
    ("route__registry_global_moved_to_us_south", "route @us-south ->archive,logs,siem"),
    ("route__cloudant_global_stays_global_default_targets", "route @global ->archive,logs"),
    // §9.5 route semantics: fan-out, first match wins, drop rule, `global`
    ("route__fan_out_each_target_once", "route @eu-de ->archive,logs,siem"),
    ("route__registry_management_event_not_in_security_route", "route @eu-gb ->archive,logs"),
    ("data_enabled__route__cloudant_in_che_first_match_drop_rule", "route @in-che ->logs"),
    ("data_enabled__route__cloudant_global_data_event_global_rule", "route @global ->archive,siem"),
    // §9.6 hierarchical match
    ("route__zone_eu_de_2_in_region_eu_de", "route @eu-de ->archive,logs"),
    ("route__legacy_payload_wrapper", "route @eu-de ->archive,logs W:eval::legacy_payload/payload"),
    ("route__legacy_payload_paths_point_into_it", "route @eu-de ->archive,logs W:eval::legacy_payload/payload W:eval::missing_field/payload/reason/reasonType"),
    ("strict__reject__legacy_payload_wrapper", "reject @eu-de E:eval::legacy_payload/payload"),
    ("reject__log_source_crn_placeholder", "reject W:eval::type_mismatch/logSourceCRN E:eval::unroutable/logSourceCRN"),
    ("reject__bogus_location_eu_des_unroutable", "reject E:eval::unroutable/logSourceCRN"),
    ("reject__bogus_zone_eu_de_9_unroutable", "reject E:eval::unroutable/logSourceCRN"),
    // §9.7 unknown or typo'd actions
    ("reject__unknown_action_image_psuh", "reject E:eval::unknown_action/action"),
    ("reject__unknown_action_cloudant_comma_typo", "reject E:eval::unknown_action/action"),
    ("reject__unknown_action_unicode_hyphen_lookalike", "reject E:eval::unknown_action/action"),
    ("reject__unknown_action_two_parts", "reject E:eval::unknown_action/action"),
    ("reject__action_missing", "reject E:eval::missing_field/action"),
    ("reject__action_not_a_string", "reject E:eval::type_mismatch/action"),
    // §9.8 verbs outside IBM's list
    ("route__verb_retention_analyze", "route @us-south ->logs"),
    ("route__verb_csp_capture", "route @eu-gb ->archive,logs"),
    ("data_enabled__route__verb_sapi_userinfo", "route @us-east ->logs,siem"),
    // §9.9 data events while data collection is off; the data flag
    ("drop__cloudant_data_event_collection_off", "drop data-events-disabled"),
    ("data_enabled__route__cloudant_data_event", "route @us-east ->logs,siem"),
    ("data_only__drop__registry_management_event_disabled", "drop management-events-disabled"),
    ("data_only__route__cloudant_management_event_required", "route @eu-gb ->archive,logs"),
    ("strict__reject__data_flag_false_on_data_action_image_pull", "reject @us-south E:eval::data_flag_mismatch/dataEvent"),
    ("route__data_flag_false_on_data_action_image_pull", "route @us-south ->archive,logs,siem W:eval::data_flag_mismatch/dataEvent"),
    ("strict__reject__data_flag_true_on_management_action_image_tag", "reject @us-south E:eval::data_flag_mismatch/dataEvent"),
    ("route__data_flag_true_on_management_action_image_tag", "route @us-south ->archive,logs W:eval::data_flag_mismatch/dataEvent"),
    ("strict__reject__data_flag_quoted_true_on_management_action", "reject @us-south E:eval::type_mismatch/dataEvent E:eval::data_flag_mismatch/dataEvent"),
    ("route__data_flag_quoted_true_on_management_action", "route @us-south ->archive,logs W:eval::type_mismatch/dataEvent W:eval::data_flag_mismatch/dataEvent"),
    ("strict__reject__cloudant_data_event_flagged_as_management", "reject @us-east E:eval::data_flag_mismatch/dataEvent"),
    ("drop__cloudant_data_event_flagged_as_management", "drop data-events-disabled W:eval::data_flag_mismatch/dataEvent"),
    // §9.10 type sloppiness
    ("route__quoted_data_event_true_warns", "route @us-south ->archive,logs,siem W:eval::type_mismatch/dataEvent"),
    ("route__quoted_reason_code_200_warns", "route @us-south ->archive,logs,siem W:eval::type_mismatch/reason/reasonCode"),
    ("route__quoted_save_service_copy_warns", "route @us-south ->archive,logs,siem W:eval::type_mismatch/saveServiceCopy"),
    ("route__missing_data_event_warns", "route @us-south ->archive,logs,siem W:eval::missing_field/dataEvent"),
    ("strict__reject__data_event_yes_is_not_a_bool", "reject @us-south E:eval::type_mismatch/dataEvent"),
    ("route__data_event_yes_is_not_a_bool", "route @us-south ->archive,logs,siem W:eval::type_mismatch/dataEvent"),
    ("strict__reject__reason_code_not_a_number", "reject @us-south E:eval::type_mismatch/reason/reasonCode"),
    ("route__reason_code_not_a_number", "route @us-south ->archive,logs,siem W:eval::type_mismatch/reason/reasonCode"),
    ("route__include_ibm_string_true", "route @us-south ->logs"),
    ("reject__include_ibm_bool_true", "reject @us-south E:eval::type_mismatch/requestData/RequestParameters/includeIBM"),
    ("reject__include_ibm_yes", "reject @us-south E:eval::enum_mismatch/requestData/RequestParameters/includeIBM"),
    // §9.11 legitimately empty or missing fields
    ("route__target_name_empty", "route @us-south ->archive,logs,siem"),
    ("route__target_name_empty_on_failed_delete", "route @us-south ->archive,logs,siem"),
    ("strict__reject__target_name_missing", "reject @us-south E:eval::missing_field/target/name"),
    ("route__target_name_missing", "route @us-south ->archive,logs,siem W:eval::missing_field/target/name"),
    ("route__initiator_host_address_empty", "route @us-south ->archive,logs,siem"),
    ("route__initiator_id_empty_scheduled_job", "route @us-south ->archive,logs,siem"),
    ("route__target_resource_group_id_absent", "route @us-south ->logs"),
    ("route__target_resource_group_id_present", "route @us-south ->archive,logs,siem"),
    ("route__target_id_ibmid", "route @eu-gb ->archive,logs"),
    ("route__request_data_absent", "route @eu-gb ->archive,logs"),
    ("route__request_data_empty_object", "route @eu-gb ->archive,logs"),
    ("route__request_data_legacy_json_string", "route @eu-gb ->archive,logs"),
    ("reject__request_data_legacy_string_is_searched", "reject @us-south E:eval::enum_mismatch/requestData/RequestParameters/includeIBM"),
    ("strict__reject__request_data_array", "reject @eu-gb E:eval::type_mismatch/requestData"),
    ("route__request_data_array", "route @eu-gb ->archive,logs W:eval::type_mismatch/requestData"),
    // §9.12 eventTime
    ("route__event_time_no_fraction", "route @us-south ->archive,logs,siem"),
    ("route__event_time_fraction_1_digit", "route @us-south ->archive,logs,siem"),
    ("route__event_time_fraction_3_digits", "route @us-south ->archive,logs,siem"),
    ("route__event_time_fraction_6_digits", "route @us-south ->archive,logs,siem"),
    ("route__event_time_z", "route @us-south ->archive,logs,siem"),
    ("route__event_time_colon_offset", "route @us-south ->archive,logs,siem"),
    ("strict__reject__event_time_fraction_7_digits", "reject @us-south E:eval::type_mismatch/eventTime"),
    ("route__event_time_fraction_7_digits", "route @us-south ->archive,logs,siem W:eval::type_mismatch/eventTime"),
    ("strict__reject__event_time_lowercase_t", "reject @us-south E:eval::type_mismatch/eventTime"),
    ("route__event_time_lowercase_t", "route @us-south ->archive,logs,siem W:eval::type_mismatch/eventTime"),
    ("strict__reject__event_time_no_offset", "reject @us-south E:eval::type_mismatch/eventTime"),
    ("route__event_time_no_offset", "route @us-south ->archive,logs,siem W:eval::type_mismatch/eventTime"),
    ("strict__reject__event_time_space_separator", "reject @us-south E:eval::type_mismatch/eventTime"),
    ("route__event_time_space_separator", "route @us-south ->archive,logs,siem W:eval::type_mismatch/eventTime"),
    ("strict__reject__event_time_epoch_number", "reject @us-south E:eval::type_mismatch/eventTime"),
    ("route__event_time_epoch_number", "route @us-south ->archive,logs,siem W:eval::type_mismatch/eventTime"),
    // §9.13 logSourceCRN
    ("reject__log_source_in_mum_unroutable", "reject E:eval::unroutable/logSourceCRN"),
    ("route__log_source_crn_empty_trailing_segments", "route @eu-gb ->archive,logs"),
    ("route__log_source_crn_cname_staging", "route @us-south ->archive,logs,siem"),
    ("reject__log_source_crn_missing", "reject W:eval::missing_field/logSourceCRN E:eval::unroutable/logSourceCRN"),
    ("reject__log_source_crn_too_few_segments", "reject W:eval::type_mismatch/logSourceCRN E:eval::unroutable/logSourceCRN"),
    ("reject__log_source_crn_not_a_crn", "reject W:eval::type_mismatch/logSourceCRN E:eval::unroutable/logSourceCRN"),
    ("reject__log_source_crn_not_a_string", "reject W:eval::type_mismatch/logSourceCRN E:eval::unroutable/logSourceCRN"),
    ("reject__log_source_crn_empty_location", "reject E:eval::unroutable/logSourceCRN"),
    // §9.14 case-sensitive enums
    ("strict__reject__outcome_capitalised_success", "reject @us-south E:eval::enum_mismatch/outcome"),
    ("route__outcome_capitalised_success", "route @us-south ->archive,logs,siem W:eval::enum_mismatch/outcome"),
    ("strict__reject__severity_capitalised_critical", "reject @us-south E:eval::enum_mismatch/severity"),
    ("route__severity_capitalised_critical", "route @us-south ->archive,logs,siem W:eval::enum_mismatch/severity"),
    ("strict__reject__address_type_lowercase_ipv4", "reject @us-south E:eval::enum_mismatch/initiator/host/addressType"),
    ("route__address_type_lowercase_ipv4", "route @us-south ->archive,logs,siem W:eval::enum_mismatch/initiator/host/addressType"),
    ("strict__reject__observer_name_lowercase", "reject @us-south E:eval::enum_mismatch/observer/name"),
    ("route__observer_name_lowercase", "route @us-south ->archive,logs,siem W:eval::enum_mismatch/observer/name"),
    ("route__outcome_unknown_warns", "route @us-south ->archive,logs,siem W:eval::discouraged_value/outcome"),
    ("route__response_status_warn", "route @eu-gb ->archive,logs"),
    ("reject__response_status_warn_lowercase", "reject @eu-gb E:eval::enum_mismatch/responseData/status"),
    // input forms (the whole file is one input)
    ("reject__input_not_json", "reject E:eval::invalid_json"),
    ("reject__input_truncated_object", "reject E:eval::invalid_json"),
    ("reject__input_json_array", "reject E:eval::invalid_json"),
    ("reject__input_json_string", "reject E:eval::invalid_json"),
    ("reject__input_json_null", "reject E:eval::invalid_json"),
    ("reject__input_duplicate_key", "reject E:eval::duplicate_key/dataEvent"),
    ("reject__input_empty_object", "reject E:eval::missing_field/action W:eval::missing_field/outcome W:eval::missing_field/reason/reasonCode W:eval::missing_field/reason/reasonType W:eval::missing_field/severity W:eval::missing_field/eventTime W:eval::missing_field/dataEvent W:eval::missing_field/initiator/id W:eval::missing_field/initiator/name W:eval::missing_field/initiator/typeURI W:eval::missing_field/initiator/credential/type W:eval::missing_field/initiator/host/address W:eval::missing_field/initiator/host/addressType W:eval::missing_field/target/name W:eval::missing_field/target/typeURI W:eval::missing_field/observer/name W:eval::missing_field/logSourceCRN W:eval::missing_field/message W:eval::missing_field/saveServiceCopy"),
    ("route__input_pretty_printed_object", "route @us-south ->archive,logs,siem"),
    ("route__input_extra_reserved_cadf_fields", "route @us-south ->archive,logs,siem"),
];

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).expect("the shipped rules load")
});

/// The file name without `.json`.
fn case_name(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The context a case name asks for, and the rest of the name (`VERDICT__CASE`).
fn context_of(name: &str) -> (Context, &str) {
    if let Some(rest) = name.strip_prefix("data_enabled__") {
        (Context::with_types(&[Management, Data]), rest)
    } else if let Some(rest) = name.strip_prefix("data_only__") {
        (Context::with_types(&[Data]), rest)
    } else if let Some(rest) = name.strip_prefix("strict__") {
        (Context::defaults().strict(true), rest)
    } else {
        (Context::defaults(), name)
    }
}

/// A decision in one line: verdict, location, targets or reason, then each violation.
fn summary(decision: &Decision) -> String {
    let mut parts = vec![decision.verdict.to_string()];
    if let Some(location) = &decision.location {
        parts.push(format!("@{location}"));
    }
    if let Some(targets) = &decision.targets {
        parts.push(format!("->{}", targets.join(",")));
    }
    if let Some(reason) = decision.reason {
        parts.push(reason.as_str().to_owned());
    }
    for violation in &decision.violations {
        let level = match violation.level {
            ViolationLevel::Error => "E",
            ViolationLevel::Warning => "W",
        };
        parts.push(format!("{level}:{}{}", violation.code, violation.path));
    }
    parts.join(" ")
}

fn decide(path: &Path) -> Decision<'static> {
    let (context, _) = context_of(&case_name(path));
    let bytes = std::fs::read(path).unwrap();
    Evaluator::new(&ENGINE)
        .with_context(context)
        .evaluate(&bytes, 0)
}

#[test]
fn every_event_of_the_corpus_gets_its_decision() {
    insta::glob!("fixtures/events/*.json", |path| {
        let name = case_name(path);
        let decision = decide(path);
        let (_, rest) = context_of(&name);
        let (verdict, _) = rest.split_once("__").expect("VERDICT__CASE");
        assert_eq!(decision.verdict.as_str(), verdict, "{name}: verdict");
        let expected = EXPECTED
            .iter()
            .find(|(case, _)| *case == name)
            .map(|(_, expected)| *expected);
        assert_eq!(Some(summary(&decision).as_str()), expected, "{name}");
        insta::assert_snapshot!(serde_json::to_string_pretty(&decision).unwrap());
    });
}

#[test]
fn every_fixture_has_an_expectation_and_every_expectation_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events");
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| case_name(&path))
        .collect();
    let expected: BTreeSet<String> = EXPECTED.iter().map(|(c, _)| (*c).to_owned()).collect();
    assert_eq!(files, expected);
    assert_eq!(expected.len(), EXPECTED.len(), "a case listed twice");
}

#[test]
fn a_rejected_unknown_action_suggests_the_declared_one() {
    let cases = [
        (
            "reject__unknown_action_image_psuh",
            "did you mean `container-registry.image.push`?",
        ),
        (
            "reject__unknown_action_cloudant_comma_typo",
            "did you mean `cloudantnosqldb.replicator-design-document.write`?",
        ),
        (
            "reject__unknown_action_unicode_hyphen_lookalike",
            "it contains `‐` (U+2010 HYPHEN), which looks like `-`: did you mean `container-registry.image.push`?",
        ),
    ];
    for (case, help) in cases {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/events")
            .join(format!("{case}.json"));
        let decision = decide(&path);
        assert_eq!(decision.violations[0].help.as_deref(), Some(help), "{case}");
    }
}

// ---------------------------------------------------------------- route semantics on small catalogs

/// Regions, targets and one service with a management action, then `routes`.
fn catalog(routes: &str) -> Engine {
    let text = format!(
        r#"
region eu-de "Frankfurt" {{ zones eu-de-1, eu-de-2 }}
region eu-des "A region whose name extends eu-de"
region us-south "Dallas"
target a cloud_logs
target b event_streams
target c cloud_object_storage
service svc "Service" {{
  management thing.read "Read a thing."
}}
{routes}
"#
    );
    Engine::new(
        Catalog::compile(vec![Source::new("test.rules", text)]).expect("the test catalog checks"),
    )
}

/// The summary of the decision for a `svc.thing.read` event located at `location`.
fn route_at(catalog: &Engine, location: &str) -> String {
    let event = format!(
        r#"{{"action":"svc.thing.read","dataEvent":false,"logSourceCRN":"crn:v1:bluemix:public:svc:{location}:a/1:::"}}"#
    );
    summary(&catalog.evaluate(event.as_bytes()))
}

#[test]
fn a_star_rule_matches_global_events() {
    let catalog = catalog("route r { * -> a }");
    assert_eq!(route_at(&catalog, "global"), "route @global ->a");
}

#[test]
fn a_region_rule_does_not_match_global_events() {
    let catalog = catalog("route r { us-south, eu-de, eu-des -> a }");
    assert_eq!(
        route_at(&catalog, "global"),
        "drop @global no-matching-route"
    );
}

#[test]
fn a_global_rule_matches_only_global_events() {
    let catalog = catalog("route r { global -> a }\ndefault targets b");
    assert_eq!(route_at(&catalog, "global"), "route @global ->a");
    assert_eq!(route_at(&catalog, "us-south"), "route @us-south ->b");
}

#[test]
fn a_region_rule_matches_the_zones_of_the_region() {
    let catalog = catalog("route r { eu-de -> a }");
    assert_eq!(route_at(&catalog, "eu-de-2"), "route @eu-de ->a");
}

#[test]
fn a_region_rule_does_not_match_a_region_whose_name_extends_it() {
    let catalog = catalog("route r { eu-de -> a }");
    assert_eq!(
        route_at(&catalog, "eu-des"),
        "drop @eu-des no-matching-route"
    );
}

#[test]
fn a_zone_rule_matches_only_its_zone() {
    let catalog = catalog("route r { eu-de-1 -> a }");
    assert_eq!(route_at(&catalog, "eu-de-1"), "route @eu-de ->a");
    assert_eq!(
        route_at(&catalog, "eu-de-2"),
        "drop @eu-de no-matching-route"
    );
    assert_eq!(route_at(&catalog, "eu-de"), "drop @eu-de no-matching-route");
}

#[test]
fn within_a_route_the_first_matching_rule_wins() {
    let catalog = catalog("route r {\n  eu-de -> a\n  * -> b\n}");
    assert_eq!(route_at(&catalog, "eu-de-1"), "route @eu-de ->a");
    assert_eq!(route_at(&catalog, "us-south"), "route @us-south ->b");
}

#[test]
fn every_matching_route_fires_and_each_target_gets_one_copy() {
    let catalog =
        catalog("route r1 { * -> b, a }\nroute r2 { eu-de -> a, c }\nroute r3 { us-south -> c }");
    assert_eq!(route_at(&catalog, "eu-de"), "route @eu-de ->a,b,c");
}

#[test]
fn a_match_with_only_drop_rules_drops_and_skips_the_default_targets() {
    let catalog = catalog("route r { eu-de -> drop\n * -> a }\ndefault targets b");
    assert_eq!(
        route_at(&catalog, "eu-de-2"),
        "drop @eu-de dropped-by-route"
    );
}

#[test]
fn a_drop_rule_in_one_route_does_not_stop_another_route() {
    let catalog = catalog("route r1 { eu-de -> drop }\nroute r2 { * -> a }");
    assert_eq!(route_at(&catalog, "eu-de"), "route @eu-de ->a");
}

#[test]
fn default_targets_receive_only_what_no_route_matched() {
    let catalog = catalog("route r { us-south -> a }\ndefault targets b, c");
    assert_eq!(route_at(&catalog, "us-south"), "route @us-south ->a");
    assert_eq!(route_at(&catalog, "eu-de"), "route @eu-de ->b,c");
}

#[test]
fn without_routes_or_default_targets_an_event_is_dropped() {
    let catalog = catalog("");
    assert_eq!(
        route_at(&catalog, "us-south"),
        "drop @us-south no-matching-route"
    );
}

#[test]
fn the_order_of_targets_does_not_depend_on_the_order_of_files() {
    let files = [
        (
            "a.rules",
            "target zeta cloud_logs\ntarget alpha cloud_logs\nroute r1 { * -> zeta }\n",
        ),
        (
            "b.rules",
            "target mid cloud_logs\nroute r2 { * -> mid, alpha }\n",
        ),
    ];
    let base =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/envelope.rules"))
            .unwrap();
    let regions = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/locations.rules"
    ))
    .unwrap();
    let registry = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/container-registry.rules"
    ))
    .unwrap();
    let decide_with = |order: [usize; 2]| {
        let mut sources = vec![
            Source::new("envelope.rules", base.clone()),
            Source::new("locations.rules", regions.clone()),
            Source::new("container-registry.rules", registry.clone()),
        ];
        sources.extend(order.iter().map(|&i| Source::new(files[i].0, files[i].1)));
        let engine = Engine::new(Catalog::compile(sources).unwrap());
        let event = include_str!("../examples/events.ndjson")
            .lines()
            .next()
            .unwrap();
        engine
            .evaluate(event.as_bytes())
            .targets
            .map(|t| t.to_vec())
    };
    let expected = Some(vec![
        "alpha".to_owned(),
        "mid".to_owned(),
        "zeta".to_owned(),
    ]);
    assert_eq!(decide_with([0, 1]), expected);
    assert_eq!(decide_with([1, 0]), expected);
}

/// A catalog of one regional service with one action, whose fields are `fields`.
fn one_action(fields: &str) -> Result<Engine, rulec::Diagnostics> {
    let text = format!(
        "region us-south \"Dallas\"\nenvelope {{ action: string\n logSourceCRN: crn }}\nservice svc \"S\" {{\n  collect management\n  management thing.read \"Read.\"\n  fields thing.read {{ {fields} }}\n}}\ntarget logs cloud_logs\ndefault targets logs\n"
    );
    Catalog::compile(vec![Source::new("s.rules", text)]).map(Engine::new)
}

#[test]
fn invalid_warn_makes_a_wrong_value_a_warning_and_strict_rejects_it() {
    let engine =
        one_action("state: enum { on, off } invalid warn\n count: integer invalid warn").unwrap();
    let event = br#"{"action":"svc.thing.read","logSourceCRN":"crn:v1:bluemix:public:svc:us-south:a/1::thing:1","state":"ON","count":"12"}"#;
    let lenient = Evaluator::new(&engine).evaluate(event, 0);
    assert_eq!(
        summary(&lenient),
        "route @us-south ->logs W:eval::enum_mismatch/state W:eval::type_mismatch/count"
    );
    let strict = Evaluator::new(&engine)
        .with_context(Context::defaults().strict(true))
        .evaluate(event, 0);
    assert_eq!(
        summary(&strict),
        "reject @us-south E:eval::enum_mismatch/state E:eval::type_mismatch/count"
    );
    let clean = br#"{"action":"svc.thing.read","logSourceCRN":"crn:v1:bluemix:public:svc:us-south:a/1::thing:1","state":"on","count":12}"#;
    let strict_clean = Evaluator::new(&engine)
        .with_context(Context::defaults().strict(true))
        .evaluate(clean, 0);
    assert_eq!(summary(&strict_clean), "route @us-south ->logs");
}

#[test]
fn level_clauses_that_change_nothing_are_refused_with_help() {
    for (fields, message) in [
        ("a: string invalid allow", "`invalid allow` checks nothing"),
        (
            "a: string invalid",
            "`invalid` without `warn` changes nothing",
        ),
        (
            "a: string invalid error",
            "`invalid` without `warn` changes nothing",
        ),
        (
            "a: string invalid warn invalid warn",
            "`invalid` is written twice",
        ),
        (
            "a: string missing",
            "`missing` without `warn` changes nothing",
        ),
        (
            "a: string missing allow",
            "`missing allow` is what `?` says",
        ),
    ] {
        let diagnostics = one_action(fields).unwrap_err();
        let messages: Vec<String> = diagnostics.list().iter().map(ToString::to_string).collect();
        assert!(
            matches!(messages.as_slice(), [one] if one.starts_with(message)),
            "{fields}: {messages:?}"
        );
    }
}

const SERVICE_ENVELOPE: &str = r#"
region us-south "Dallas"
envelope {
  action: string
  logSourceCRN: crn
  observer.name: enum { ActivityTracker }
  target.id?: string
}
service cloud-object-storage "Cloud Object Storage" {
  collect management
  // IBM's own COS sample events carry no `observer`; and COS names its target always.
  envelope {
    observer.name?: enum { ActivityTracker }
    target.id: string
  }
  management bucket.create "Create a bucket."
}
service other "Other" {
  collect management
  management thing.read "Read a thing."
}
target logs cloud_logs
default targets logs
"#;

#[test]
fn a_service_declares_envelope_fields_again_for_its_own_events() {
    let catalog = Catalog::compile(vec![Source::new("s.rules", SERVICE_ENVELOPE)]).unwrap();
    let engine = Engine::new(catalog);
    let event = |action: &str, service: &str, extra: &str| {
        format!(
            r#"{{"action":"{action}","logSourceCRN":"crn:v1:bluemix:public:{service}:us-south:a/1::x:1"{extra}}}"#
        )
    };
    let cos = event(
        "cloud-object-storage.bucket.create",
        "cloud-object-storage",
        r#","target":{"id":"crn:v1:bluemix:public:cloud-object-storage:global:a/1::bucket:b"}"#,
    );
    let other = event("other.thing.read", "other", "");
    let strict = Evaluator::new(&engine).with_context(Context::defaults().strict(true));
    for evaluator in [Evaluator::new(&engine), strict] {
        for (text, expected) in [
            (cos.as_str(), "route @us-south ->logs"),
            (
                other.as_str(),
                "reject @us-south E:eval::missing_field/observer/name",
            ),
        ] {
            let fast = evaluator.evaluate(text.as_bytes(), 0);
            let reference = evaluator.evaluate_reference(text.as_bytes(), 0);
            assert_eq!(summary(&fast), expected, "{text}");
            assert_eq!(fast, reference, "{text}");
        }
    }
    // Tightened: COS requires `target.id`, the others do not.
    let untargeted = event(
        "cloud-object-storage.bucket.create",
        "cloud-object-storage",
        "",
    );
    assert_eq!(
        summary(&engine.evaluate(untargeted.as_bytes())),
        "reject @us-south E:eval::missing_field/target/id"
    );
}

#[test]
fn a_service_envelope_names_only_envelope_fields_once() {
    let text = SERVICE_ENVELOPE.replace(
        "    target.id: string\n",
        "    target.id: string\n    observer.nmae: string\n    target.id?: string\n",
    );
    let diagnostics = Catalog::compile(vec![Source::new("s.rules", text)]).unwrap_err();
    let messages: Vec<String> = diagnostics
        .list()
        .iter()
        .map(|d| {
            format!(
                "{d} / {}",
                miette::Diagnostic::help(d)
                    .map(|h| h.to_string())
                    .unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with(
            "`observer.nmae` is not a field of the envelope / did you mean `observer.name`?"
        ),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("`target.id` is declared twice in this service's envelope"),
        "{messages:?}"
    );
}

const GEOGRAPHIES: &str = r#"
region jp-tok "Tokyo" { zones jp-tok-1 aliases ap-north }
region jp-osa "Osaka" { zones jp-osa-1 }
region eu-de "Frankfurt" { zones eu-de-1 }
geography jp "Japan" { ap-north, jp-osa }
envelope { action: string  logSourceCRN: crn }
service s "S" {
  collect management
  management thing.read "Read."
}
target japan cloud_logs
target rest cloud_logs
default targets rest
"#;

fn with_routes(routes: &str) -> (Engine, Vec<String>) {
    let text = format!("{GEOGRAPHIES}{routes}");
    let checked = {
        let mut checker = rulec::Checker::new();
        checker.add(Source::new("g.rules", text));
        checker.check()
    };
    let messages = checked
        .diagnostics
        .list()
        .iter()
        .map(ToString::to_string)
        .collect();
    (Engine::new(checked.catalog.unwrap()), messages)
}

#[test]
fn a_geography_in_a_route_rule_matches_each_of_its_regions_and_their_zones() {
    let (engine, messages) = with_routes("route r {\n  jp -> japan\n}\n");
    assert!(messages.is_empty(), "{messages:?}");
    for (location, expected) in [
        ("jp-tok-1", "route @jp-tok ->japan"),
        ("ap-north", "route @jp-tok ->japan"),
        ("jp-osa", "route @jp-osa ->japan"),
        ("eu-de-1", "route @eu-de ->rest"),
        ("global", "route @global ->rest"),
    ] {
        let event = format!(
            r#"{{"action":"s.thing.read","logSourceCRN":"crn:v1:bluemix:public:s:{location}:a/1::x:1"}}"#
        );
        let fast = Evaluator::new(&engine).evaluate(event.as_bytes(), 0);
        let reference = Evaluator::new(&engine).evaluate_reference(event.as_bytes(), 0);
        assert_eq!(summary(&fast), expected, "{location}");
        assert_eq!(fast, reference, "{location}");
    }
}

#[test]
fn geographies_are_checked_for_shadowing_like_regions() {
    let (_, after) =
        with_routes("route r {\n  jp-tok -> rest\n  jp-osa -> rest\n  jp -> japan\n}\n");
    assert_eq!(
        after,
        vec!["route rule can never match".to_owned()],
        "{after:?}"
    );
    let (_, before) = with_routes("route r {\n  jp -> japan\n  jp-osa-1 -> rest\n}\n");
    assert_eq!(
        before,
        vec!["route rule can never match".to_owned()],
        "{before:?}"
    );
    let (_, partly) = with_routes("route r {\n  jp-tok -> rest\n  jp -> japan\n}\n");
    assert!(partly.is_empty(), "{partly:?}");
}

#[test]
fn a_geography_lists_known_regions_once_and_is_no_place_of_events() {
    for (declaration, message) in [
        (
            "geography x \"X\" { jp-tok-1 }",
            "`jp-tok-1` is a zone; a geography lists regions",
        ),
        (
            "geography x \"X\" { jp-tok, ap-north }",
            "`ap-north` is listed twice in geography `x`",
        ),
        ("geography x \"X\" { }", "geography `x` lists no region"),
        (
            "geography x \"X\" { jp }",
            "`jp` is a geography; a geography lists regions",
        ),
        ("geography x \"X\" { jp-tk }", "unknown location `jp-tk`"),
        (
            "geography jp-osa \"X\" { jp-tok }",
            "location `jp-osa` is declared twice",
        ),
        (
            "service t \"T\" {\n  management a.b \"x\"\n  locate jp -> jp-tok\n}",
            "`jp` is a geography: events are located in a region or `global`",
        ),
    ] {
        let text = format!("{GEOGRAPHIES}{declaration}\n");
        let diagnostics = Catalog::compile(vec![Source::new("g.rules", text)]).unwrap_err();
        let messages: Vec<String> = diagnostics.list().iter().map(ToString::to_string).collect();
        assert!(
            messages.iter().any(|m| m.starts_with(message)),
            "{declaration}: {messages:?}"
        );
    }
}

/// A route rule that names an unknown geography is an unknown location; a geography's regions
/// count as covered.
#[test]
fn geographies_in_route_rules_are_checked_as_regions_are() {
    let base = "region jp-tok \"Tokyo\"\nregion jp-osa \"Osaka\"\nregion eu-de \"Frankfurt\"\ngeography jp \"Japan\" { jp-tok, jp-osa }\ntarget japan cloud_logs\ntarget rest cloud_logs\n";
    let check = |routes: &str| {
        let mut all = rulec::Checker::new();
        all.add(rulec::Source::new("r.rules", format!("{base}{routes}")));
        all.check()
            .diagnostics
            .list()
            .iter()
            .map(|d| miette::Diagnostic::code(d).unwrap().to_string() + ": " + &d.to_string())
            .collect::<Vec<_>>()
    };
    let unknown = check("route r {\n  japn -> japan\n  eu-de -> rest\n}\n");
    assert!(
        unknown
            .iter()
            .any(|d| d.starts_with("rules::unknown_location")),
        "{unknown:?}"
    );
    // `jp` covers jp-tok and jp-osa; only eu-de is uncovered.
    let uncovered = check("route r {\n  jp -> japan\n}\n");
    let uncovered: Vec<&String> = uncovered
        .iter()
        .filter(|d| d.starts_with("rules::uncovered_location"))
        .collect();
    assert_eq!(uncovered.len(), 1, "{uncovered:?}");
    assert!(uncovered[0].contains("eu-de"), "{uncovered:?}");
}
