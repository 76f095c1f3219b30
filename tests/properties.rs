//! Properties of reading and evaluating any input: one decision per event, in order, and
//! never a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rulec::eval::EventReader;
use rulec::{Decision, Engine, Evaluator, Verdict};
use serde_json::Value;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).expect("the shipped rules load")
});

/// The first line of the examples: a valid Container Registry event.
static BASE: LazyLock<Value> = LazyLock::new(|| {
    let text = include_str!("../examples/events.ndjson");
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
});

const ACTIONS: &[&str] = &[
    "container-registry.image.push",
    "container-registry.image.pull",
    "container-registry.image.tag",
    "container-registry.namespace.list",
    "container-registry.image.psuh",
    "cloudantnosqldb.any-document.read",
    "cloudantnosqldb.database.create",
    "cloudantnosqldb,replicator-design-document.write",
];

const LOCATIONS: &[&str] = &[
    "us-south", "global", "eu-de-2", "ap-south", "au-syd", "in-mum", "eu-des", "in-che", "",
];

/// A JSON event: the base event with another action, location and data flag.
fn event() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(ACTIONS),
        prop::sample::select(LOCATIONS),
        any::<bool>(),
    )
        .prop_map(|(action, location, data)| {
            let mut event = BASE.clone();
            event["action"] = action.into();
            event["dataEvent"] = data.into();
            event["logSourceCRN"] = format!("crn:v1:bluemix:public:svc:{location}:a/1:::").into();
            event
        })
}

/// An event with one top-level field removed or replaced by a value of another type.
fn broken_event() -> impl Strategy<Value = Value> {
    (event(), any::<prop::sample::Index>(), 0..4u8).prop_map(|(mut event, index, how)| {
        let object = event.as_object_mut().unwrap();
        let key = object
            .keys()
            .nth(index.index(object.len()))
            .unwrap()
            .clone();
        match how {
            0 => {
                object.remove(&key);
            }
            1 => object[&key] = Value::Null,
            2 => object[&key] = 42.into(),
            _ => object[&key] = "true".into(),
        }
        event
    })
}

/// One input line: a valid or broken event, a cut-off event, a JSON scalar, or any text.
/// Every line has a character that is not ASCII white space, so none is blank.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        event().prop_map(|e| e.to_string()),
        broken_event().prop_map(|e| e.to_string()),
        (event(), any::<prop::sample::Index>()).prop_map(|(e, cut)| {
            let text = e.to_string();
            let end = cut.index(text.len() - 1) + 1;
            text[..end].to_owned()
        }),
        prop_oneof![
            Just("null"),
            Just("42"),
            Just("\"x\""),
            Just("[]"),
            Just("{}")
        ]
        .prop_map(str::to_owned),
        "[^\n]{1,60}",
    ]
    .prop_filter("a blank line is not an event", |line| {
        line.bytes().any(|b| !b.is_ascii_whitespace())
    })
}

/// Whether a first line makes the reader take the input as one JSON array or as pretty-printed
/// JSON instead of NDJSON: it starts with `[`, or with `{` without being JSON by itself.
fn switches_to_whole_json(line: &str) -> bool {
    // The reader drops a byte-order mark at the start of its input.
    let line = line.trim_end_matches('\r');
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    match line
        .trim_start_matches(|c: char| c.is_ascii_whitespace())
        .chars()
        .next()
    {
        Some('[') => true,
        Some('{') => serde_json::from_str::<&serde_json::value::RawValue>(line).is_err(),
        _ => false,
    }
}

/// Every event of `text`, as the reader yields them, decided in order.
fn evaluate_all(text: &str) -> (Vec<String>, Vec<Decision<'static>>) {
    let evaluator = Evaluator::new(&ENGINE);
    let mut reader = EventReader::new(text.as_bytes());
    let mut events = Vec::new();
    let mut decisions = Vec::new();
    while let Some(event) = reader.next_event().unwrap() {
        let index = u64::try_from(decisions.len()).unwrap();
        decisions.push(evaluator.evaluate(event, index));
        events.push(String::from_utf8_lossy(event).into_owned());
    }
    (events, decisions)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/properties.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ndjson_gives_one_decision_per_line_in_order(
        mut lines in prop::collection::vec(line(), 1..24),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        if switches_to_whole_json(&lines[0]) {
            lines.insert(0, "{}".to_owned());
        }
        let mut text = lines.join(if crlf { "\r\n" } else { "\n" });
        if final_newline {
            text.push('\n');
        }
        let (events, decisions) = evaluate_all(&text);
        let mut expected: Vec<&str> = lines.iter().map(|l| l.trim_end_matches('\r')).collect();
        if let Some(first) = expected.first_mut() {
            *first = first.strip_prefix('\u{feff}').unwrap_or(first);
        }
        prop_assert_eq!(&events, &expected);
        let indexes: Vec<u64> = decisions.iter().map(|d| d.index).collect();
        let in_order: Vec<u64> = (0..).take(lines.len()).collect();
        prop_assert_eq!(indexes, in_order);
    }

    #[test]
    fn a_line_that_is_not_a_json_object_is_rejected_as_invalid_json(
        lines in prop::collection::vec(line(), 1..12),
    ) {
        let text = format!("{{}}\n{}", lines.join("\n"));
        let (events, decisions) = evaluate_all(&text);
        for (event, decision) in events.iter().zip(&decisions) {
            let is_object = serde_json::from_str::<Value>(event).is_ok_and(|v| v.is_object());
            if !is_object {
                prop_assert_eq!(decision.verdict, Verdict::Reject);
                prop_assert_eq!(decision.violations.len(), 1);
                prop_assert_eq!(decision.violations[0].code, "eval::invalid_json");
            }
        }
    }

    #[test]
    fn a_json_array_gives_one_decision_per_item(
        items in prop::collection::vec(prop_oneof![event(), broken_event()], 0..12),
        pretty in any::<bool>(),
    ) {
        let array = Value::Array(items.clone());
        let text = if pretty {
            serde_json::to_string_pretty(&array).unwrap()
        } else {
            array.to_string()
        };
        let (events, decisions) = evaluate_all(&text);
        prop_assert_eq!(decisions.len(), items.len());
        for (event, item) in events.iter().zip(&items) {
            prop_assert_eq!(&serde_json::from_str::<Value>(event).unwrap(), item);
        }
    }

    #[test]
    fn any_bytes_give_one_decision_that_serialises(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let decision = ENGINE.evaluate(&bytes);
        prop_assert_eq!(decision.index, 0);
        let json: Value = serde_json::from_str(&decision.to_json()).unwrap();
        prop_assert_eq!(json["verdict"].as_str(), Some(decision.verdict.as_str()));
        if serde_json::from_slice::<Value>(&bytes).is_err() {
            prop_assert_eq!(decision.verdict, Verdict::Reject);
            prop_assert_eq!(decision.violations.len(), 1);
        }
    }

    #[test]
    fn any_event_shaped_input_never_panics_and_routes_only_with_targets(
        event in prop_oneof![event(), broken_event()],
    ) {
        let decision = ENGINE.evaluate(event.to_string().as_bytes());
        prop_assert_eq!(decision.verdict == Verdict::Route, decision.targets.is_some());
        prop_assert_eq!(decision.verdict == Verdict::Reject, decision.has_errors());
    }
}

proptest! {
    #![proptest_config(config())]

    /// The fast path (one scan, no tree) and the reference evaluator (a strict parse, then
    /// every check) give the same decision, whatever the line.
    #[test]
    fn the_fast_path_decides_as_the_reference_does(
        line in prop_oneof![line(), line().prop_map(|l| l.replacen(':', ": ", 3))],
        data_only in any::<bool>(),
    ) {
        let context = if data_only {
            rulec::Context::with_types(&[rulec::catalog::EventType::Data])
        } else {
            rulec::Context::defaults()
        };
        let evaluator = Evaluator::new(&ENGINE).with_context(context);
        prop_assert_eq!(
            evaluator.evaluate(line.as_bytes(), 3),
            evaluator.evaluate_reference(line.as_bytes(), 3)
        );
    }

    #[test]
    fn the_fast_path_decides_any_bytes_as_the_reference_does(
        bytes in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let evaluator = Evaluator::new(&ENGINE);
        prop_assert_eq!(evaluator.evaluate(&bytes, 0), evaluator.evaluate_reference(&bytes, 0));
    }
}

proptest! {
    #![proptest_config(config())]

    /// Reading events into a caller's buffer gives the same events as reading them one by one,
    /// whatever the input's form (NDJSON with blank lines and CRLF, pretty JSON, an array).
    #[test]
    fn next_event_into_reads_the_same_events(
        lines in prop::collection::vec(prop_oneof![line(), Just(String::new()), Just(" \t".to_owned())], 1..24),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let mut text = lines.join(if crlf { "\r\n" } else { "\n" });
        if bom {
            text.insert(0, '\u{feff}');
        }
        let mut one_by_one = Vec::new();
        let mut reader = EventReader::new(text.as_bytes());
        while let Some(event) = reader.next_event().unwrap() {
            one_by_one.push(event.to_vec());
        }
        let mut into = Vec::new();
        let mut reader = EventReader::new(text.as_bytes());
        let mut buffer = b"kept".to_vec();
        let mut start = buffer.len();
        while reader.next_event_into(&mut buffer).unwrap() {
            into.push(buffer[start..].to_vec());
            start = buffer.len();
        }
        prop_assert_eq!(&buffer[..4], b"kept");
        prop_assert_eq!(into, one_by_one);
    }
}
