//! What `GET /metrics` reports, in the Prometheus text format: decisions by verdict, location
//! and target, violations by code, request latency, reloads, and the catalog on an info metric.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rulec::{Decision, Verdict};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5, 10.0,
];

/// Decisions counted together before they reach the shared counters.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    verdicts: [u64; 3],
    locations: BTreeMap<String, u64>,
    targets: BTreeMap<String, u64>,
    violations: BTreeMap<(&'static str, &'static str), u64>,
}

impl Tally {
    pub(crate) fn add(&mut self, decision: &Decision<'_>) {
        let verdict = match decision.verdict {
            Verdict::Route => 0,
            Verdict::Drop => 1,
            Verdict::Reject => 2,
        };
        if let Some(slot) = self.verdicts.get_mut(verdict) {
            *slot += 1;
        }
        if let Some(location) = decision.location.as_deref() {
            bump(&mut self.locations, location);
        }
        for target in decision.targets.as_deref().unwrap_or_default() {
            bump(&mut self.targets, target);
        }
        for violation in &decision.violations {
            *self
                .violations
                .entry((violation.code, violation.level.as_str()))
                .or_default() += 1;
        }
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(count) => *count += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

/// Request latency per path.
#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
struct Inner {
    decisions: Tally,
    latency: BTreeMap<&'static str, Histogram>,
    reloads: [u64; 2],
}

/// The server's counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Adds decisions counted elsewhere.
    pub(crate) fn merge(&self, tally: Tally) {
        self.with(|inner| {
            let mine = &mut inner.decisions;
            for (slot, n) in mine.verdicts.iter_mut().zip(tally.verdicts) {
                *slot += n;
            }
            for (key, n) in tally.locations {
                *mine.locations.entry(key).or_default() += n;
            }
            for (key, n) in tally.targets {
                *mine.targets.entry(key).or_default() += n;
            }
            for (key, n) in tally.violations {
                *mine.violations.entry(key).or_default() += n;
            }
        });
    }

    pub(crate) fn observe(&self, path: &'static str, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        self.with(|inner| {
            let histogram = inner.latency.entry(path).or_default();
            for (bound, count) in BUCKETS.iter().zip(histogram.counts.iter_mut()) {
                if seconds <= *bound {
                    *count += 1;
                }
            }
            histogram.count += 1;
            histogram.sum += seconds;
        });
    }

    pub(crate) fn reloaded(&self, ok: bool) {
        self.with(|inner| {
            if let Some(slot) = inner.reloads.get_mut(usize::from(!ok)) {
                *slot += 1;
            }
        });
    }

    /// Reloads that succeeded and that failed.
    pub(crate) fn reloads(&self) -> (u64, u64) {
        self.with(|inner| {
            let [succeeded, failed] = inner.reloads;
            (succeeded, failed)
        })
    }

    /// The Prometheus text exposition of every metric.
    pub(crate) fn render(&self, catalog_hash: &str) -> String {
        self.with(|inner| {
            let mut out = String::new();
            let d = &inner.decisions;
            family(&mut out, "rulec_decisions_total", "counter", "Decisions by verdict.");
            for (verdict, n) in ["route", "drop", "reject"].iter().zip(d.verdicts) {
                let _ = writeln!(out, "rulec_decisions_total{{verdict=\"{verdict}\"}} {n}");
            }
            family(&mut out, "rulec_decisions_by_location_total", "counter", "Decisions by the location the event was located in.");
            for (location, n) in &d.locations {
                let _ = writeln!(out, "rulec_decisions_by_location_total{{location=\"{}\"}} {n}", label(location));
            }
            family(&mut out, "rulec_decisions_by_target_total", "counter", "Routed events by target.");
            for (target, n) in &d.targets {
                let _ = writeln!(out, "rulec_decisions_by_target_total{{target=\"{}\"}} {n}", label(target));
            }
            family(&mut out, "rulec_violations_total", "counter", "Violations by code and level.");
            for ((code, level), n) in &d.violations {
                let _ = writeln!(out, "rulec_violations_total{{code=\"{code}\",level=\"{level}\"}} {n}");
            }
            family(&mut out, "rulec_request_duration_seconds", "histogram", "Time to answer a request, by path.");
            for (path, histogram) in &inner.latency {
                for (bound, count) in BUCKETS.iter().zip(histogram.counts) {
                    let _ = writeln!(out, "rulec_request_duration_seconds_bucket{{path=\"{path}\",le=\"{bound}\"}} {count}");
                }
                let _ = writeln!(out, "rulec_request_duration_seconds_bucket{{path=\"{path}\",le=\"+Inf\"}} {}", histogram.count);
                let _ = writeln!(out, "rulec_request_duration_seconds_sum{{path=\"{path}\"}} {}", histogram.sum);
                let _ = writeln!(out, "rulec_request_duration_seconds_count{{path=\"{path}\"}} {}", histogram.count);
            }
            family(&mut out, "rulec_reloads_total", "counter", "Catalog reloads, by result.");
            let [succeeded, failed] = inner.reloads;
            let _ = writeln!(out, "rulec_reloads_total{{result=\"success\"}} {succeeded}");
            let _ = writeln!(out, "rulec_reloads_total{{result=\"failure\"}} {failed}");
            family(&mut out, "rulec_catalog_info", "gauge", "The catalog in use, by hash.");
            let _ = writeln!(
                out,
                "rulec_catalog_info{{hash=\"{}\",rulec_version=\"{}\"}} 1",
                label(catalog_hash),
                env!("CARGO_PKG_VERSION")
            );
            out
        })
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value escaped as the text format wants: `\`, `"` and line feeds.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
