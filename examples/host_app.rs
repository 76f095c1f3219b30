//! A host application: load the shipped catalog once, share its engine across threads, and decide
//! what happens to each audit event.
//!
//! Run with `cargo run --example host_app`.

use std::sync::Arc;
use std::thread;

use rulec::{Context, Engine, EventType};

/// Realistic events from both services, some invalid, one per line.
const EVENTS: &str = include_str!("events.ndjson");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Load: a directory of `.rules` files, or an artifact written by `rulec compile`.
    let engine = Arc::new(Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))?);

    // Evaluate: one decision per event, with each service's default event types.
    let first = EVENTS.lines().next().unwrap_or_default();
    println!("{}", engine.evaluate(first.as_bytes()).to_json());

    // Two workers share the engine; these instances have enabled data events too.
    let context = Context::with_types(&[EventType::Management, EventType::Data]);
    let lines: Vec<&'static str> = EVENTS.lines().collect();
    let workers: Vec<_> = lines
        .chunks(lines.len().div_ceil(2))
        .map(<[&str]>::to_vec)
        .enumerate()
        .map(|(worker, chunk)| {
            let engine = Arc::clone(&engine);
            thread::spawn(move || {
                let evaluator = engine.evaluator().with_context(context);
                let offset = worker * chunk.len();
                chunk
                    .iter()
                    .enumerate()
                    .map(|(i, line)| evaluator.evaluate(line.as_bytes(), (offset + i) as u64))
                    .map(|d| {
                        format!(
                            "{:>2} {:<6} {}",
                            d.index,
                            d.verdict,
                            d.action.unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for worker in workers {
        for line in worker.join().map_err(|_| "a worker panicked")? {
            println!("{line}");
        }
    }
    Ok(())
}
