//! Feeds events to `rulec work` and prints their decisions: publishes each line of an NDJSON
//! file to `at.events.feed` on the events stream, then reads `at.decisions.>` from the output
//! stream until every event has its decision, and prints them in input order.
//!
//! ```sh
//! rulec work --setup && rulec work rules/ &
//! cargo run --release --example work_feed -- nats://127.0.0.1:4222 examples/events.ndjson
//! ```
//!
//! Each event's `Nats-Msg-Id` is the run's start time and the line number, so feeding the same
//! file again is a new run, not a duplicate.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a command-line tool: a failure ends the run with its message"
)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_nats::jetstream::{self, consumer::pull};
use futures::StreamExt as _;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: work_feed NATS-URL EVENTS.ndjson");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(file).expect("the events file");
    let events: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = async_nats::connect(url.as_str())
            .await
            .expect("a NATS server");
        let js = jetstream::new(client);
        // The stream sequence of each event: its decision names it.
        let mut sequences = BTreeMap::new();
        for (line, event) in events.iter().enumerate() {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", format!("feed-{run}-{line}").as_str());
            let ack = js
                .publish_with_headers("at.events.feed", headers, event.to_string().into())
                .await
                .expect("the events stream (rulec work --setup)")
                .await
                .expect("the event stored");
            sequences.insert(ack.sequence, line);
        }
        let stream = js
            .get_stream("AT_EVENTS-OUT")
            .await
            .expect("the output stream");
        let consumer: jetstream::consumer::PullConsumer = stream
            .create_consumer(pull::Config {
                filter_subject: "at.decisions.>".into(),
                ack_policy: jetstream::consumer::AckPolicy::None,
                ..Default::default()
            })
            .await
            .unwrap();
        let mut decisions: BTreeMap<usize, String> = BTreeMap::new();
        let start = Instant::now();
        while decisions.len() < events.len() && start.elapsed() < Duration::from_secs(30) {
            let mut batch = consumer
                .fetch()
                .max_messages(1000)
                .expires(Duration::from_millis(500))
                .messages()
                .await
                .unwrap();
            while let Some(Ok(message)) = batch.next().await {
                let sequence = message
                    .headers
                    .as_ref()
                    .and_then(|h| h.get("Rulec-Source-Sequence"))
                    .and_then(|v| v.as_str().parse::<u64>().ok());
                if let Some(line) = sequence.and_then(|s| sequences.get(&s)) {
                    decisions.insert(*line, String::from_utf8_lossy(&message.payload).into());
                }
            }
        }
        for decision in decisions.values() {
            println!("{decision}");
        }
        if decisions.len() < events.len() {
            eprintln!(
                "{} of {} events decided within 30 s: is a `rulec work` running?",
                decisions.len(),
                events.len()
            );
            std::process::exit(1);
        }
    });
}
