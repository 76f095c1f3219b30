//! Per-event cost of rulec beside its anchors, in one run, on one generated corpus.
//!
//! The corpus: 10,000 events from `rulec::sample` for the shipped catalog (10% invalid, one
//! flaw each, fixed seed). Measured: rulec deciding from bytes (all events, and the valid
//! ones alone); rulec deciding already parsed events; `serde_json` parsing into a `Value`;
//! `serde_json` parsing into a borrowed struct of the envelope fields (the parse floor); the
//! jsonschema crate validating the same events against the schema `rulec export json-schema`
//! writes, on parsed values and from bytes. Every benchmark goes through its whole corpus per
//! iteration and reports events per second.
//!
//! `cargo bench --bench eval -- --warm-up-time 1 --measurement-time 3`

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rulec::sample::{self, SampleOptions};
use rulec::{Engine, Evaluator, export};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// The corpus size, seed and invalid share (docs/performance.md quotes these).
const OPTIONS: SampleOptions = SampleOptions {
    count: 10_000,
    invalid_share: 0.1,
    seed: 20_261_120,
};

/// The envelope fields, borrowed from the input where no escape forces a copy: what a typed
/// reader of Activity Tracker events parses.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "parsed to be measured, never read")]
#[expect(
    clippy::struct_field_names,
    reason = "the names of the event's own fields"
)]
struct Event<'a> {
    #[serde(borrow)]
    action: Cow<'a, str>,
    #[serde(borrow)]
    outcome: Cow<'a, str>,
    #[serde(borrow)]
    reason: Option<Reason<'a>>,
    #[serde(borrow)]
    severity: Cow<'a, str>,
    #[serde(borrow)]
    event_time: Cow<'a, str>,
    data_event: Option<bool>,
    #[serde(borrow)]
    initiator: Initiator<'a>,
    #[serde(borrow)]
    target: Target<'a>,
    #[serde(borrow)]
    observer: Observer<'a>,
    #[serde(rename = "logSourceCRN", borrow)]
    log_source_crn: Cow<'a, str>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(borrow)]
    request_data: Option<&'a RawValue>,
    #[serde(borrow)]
    response_data: Option<&'a RawValue>,
    save_service_copy: Option<bool>,
    #[serde(borrow)]
    correlation_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tags: Option<Vec<Cow<'a, str>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "parsed to be measured, never read")]
struct Reason<'a> {
    reason_code: Option<u16>,
    #[serde(borrow)]
    reason_type: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "parsed to be measured, never read")]
struct Initiator<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(rename = "typeURI", borrow)]
    type_uri: Cow<'a, str>,
    #[serde(borrow)]
    credential: Option<Credential<'a>>,
    #[serde(borrow)]
    host: Option<Host<'a>>,
    #[serde(borrow)]
    authn_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    authn_name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "parsed to be measured, never read")]
struct Credential<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "parsed to be measured, never read")]
struct Host<'a> {
    #[serde(borrow)]
    address: Option<Cow<'a, str>>,
    #[serde(borrow)]
    address_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    agent: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "parsed to be measured, never read")]
struct Target<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(rename = "typeURI", borrow)]
    type_uri: Cow<'a, str>,
    #[serde(borrow)]
    resource_group_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    alias: Option<Cow<'a, str>>,
    #[serde(borrow)]
    host: Option<Host<'a>>,
}

#[derive(Deserialize)]
#[expect(dead_code, reason = "parsed to be measured, never read")]
struct Observer<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
}

fn shipped() -> Engine {
    match Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("cannot load the shipped rules: {error}");
            std::process::exit(2);
        }
    }
}

fn per_event(c: &mut Criterion) {
    let engine = shipped();
    let catalog = engine.catalog();
    let samples: Vec<sample::Sample> = sample::samples(catalog, &OPTIONS).collect();
    let valid: Vec<&str> = samples
        .iter()
        .filter(|s| s.flaw.is_none())
        .map(|s| s.text.as_str())
        .collect();
    let corpus: Vec<String> = samples.iter().map(|s| s.text.clone()).collect();
    let parsed: Vec<Value> = corpus
        .iter()
        .filter_map(|e| serde_json::from_str(e).ok())
        .collect();
    let bytes: usize = corpus.iter().map(String::len).sum();
    println!(
        "corpus: {} events, {} parse as JSON, {} bytes in all, {} bytes median",
        corpus.len(),
        parsed.len(),
        bytes,
        median_len(&corpus)
    );
    let Ok(validator) = jsonschema::validator_for(&export::json_schema(catalog)) else {
        eprintln!("the exported schema does not compile");
        std::process::exit(2);
    };
    let evaluator = Evaluator::new(&engine);
    let all = corpus.len() as u64;
    let parseable = parsed.len() as u64;
    interleaved(&evaluator, &corpus, &valid);

    let mut group = c.benchmark_group("per_event");
    group.sample_size(20);
    group.throughput(Throughput::Elements(all));
    group.bench_function("rulec_evaluate_bytes", |b| {
        b.iter(|| {
            for (i, event) in corpus.iter().enumerate() {
                black_box(evaluator.evaluate(event.as_bytes(), i as u64));
            }
        });
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            for event in &corpus {
                black_box(serde_json::from_slice::<Value>(event.as_bytes()).ok());
            }
        });
    });
    group.bench_function("serde_borrowed_struct", |b| {
        b.iter(|| {
            for event in &corpus {
                black_box(serde_json::from_slice::<Event<'_>>(event.as_bytes()).ok());
            }
        });
    });
    group.bench_function("jsonschema_parse_and_validate_bytes", |b| {
        b.iter(|| {
            for event in &corpus {
                let value = serde_json::from_slice::<Value>(event.as_bytes()).ok();
                black_box(value.is_some_and(|v| validator.is_valid(&v)));
            }
        });
    });
    group.throughput(Throughput::Elements(valid.len() as u64));
    group.bench_function("rulec_evaluate_bytes_valid_only", |b| {
        b.iter(|| {
            for (i, event) in valid.iter().enumerate() {
                black_box(evaluator.evaluate(event.as_bytes(), i as u64));
            }
        });
    });
    group.throughput(Throughput::Elements(parseable));
    group.bench_function("rulec_evaluate_parsed_value", |b| {
        b.iter(|| {
            for (i, event) in parsed.iter().enumerate() {
                black_box(evaluator.evaluate_value(event, i as u64));
            }
        });
    });
    group.bench_function("jsonschema_is_valid_parsed_value", |b| {
        b.iter(|| {
            for event in &parsed {
                black_box(validator.is_valid(event));
            }
        });
    });
    group.finish();
}

/// A benchmark of [`interleaved`]: its name, its events, and what it does with them.
type Contender<'a> = (&'a str, &'a [&'a str], &'a dyn Fn(&[&str]));

/// Rounds of [`interleaved`].
const ROUNDS: usize = 15;

/// The per-event cost of rulec and of parsing into a `Value`, on all events and on the valid
/// ones, measured in alternation for [`ROUNDS`] rounds, the fastest round of each kept: on a
/// noisy machine, the ratios of these minimums are steadier than those of separate means.
fn interleaved(evaluator: &Evaluator<'_>, corpus: &[String], valid: &[&str]) {
    let all: Vec<&str> = corpus.iter().map(String::as_str).collect();
    let value = |events: &[&str]| {
        for event in events {
            black_box(serde_json::from_slice::<Value>(event.as_bytes()).ok());
        }
    };
    let borrowed = |events: &[&str]| {
        for event in events {
            black_box(serde_json::from_slice::<Event<'_>>(event.as_bytes()).ok());
        }
    };
    let rulec = |events: &[&str]| {
        for (i, event) in events.iter().enumerate() {
            black_box(evaluator.evaluate(event.as_bytes(), i as u64));
        }
    };
    let contenders: [Contender<'_>; 6] = [
        ("serde_json_value (all)", &all, &value),
        ("serde_borrowed_struct (all)", &all, &borrowed),
        ("rulec_evaluate_bytes (all)", &all, &rulec),
        ("serde_json_value (valid)", valid, &value),
        ("serde_borrowed_struct (valid)", valid, &borrowed),
        ("rulec_evaluate_bytes (valid)", valid, &rulec),
    ];
    let mut best = [f64::INFINITY; 6];
    for _ in 0..ROUNDS {
        for ((_, events, run), best) in contenders.iter().zip(&mut best) {
            let start = Instant::now();
            run(events);
            let ns = start.elapsed().as_secs_f64() * 1e9
                / f64::from(u32::try_from(events.len().max(1)).unwrap_or(u32::MAX));
            *best = best.min(ns);
        }
    }
    println!(
        "interleaved, fastest of {ROUNDS} rounds, ns/event (ratio to serde_json_value on the same events):"
    );
    for (i, ((name, _, _), ns)) in contenders.iter().zip(best).enumerate() {
        let floor = if i < 3 { best[0] } else { best[3] };
        println!("  {name:32} {ns:8.0}  {:.2}x", ns / floor);
    }
}

fn median_len(corpus: &[String]) -> usize {
    let mut sizes: Vec<usize> = corpus.iter().map(String::len).collect();
    sizes.sort_unstable();
    sizes.get(sizes.len() / 2).copied().unwrap_or(0)
}

criterion_group!(benches, per_event);
criterion_main!(benches);
