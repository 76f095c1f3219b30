//! Throughput of `rulec work`: events per second for N workers against two pass-throughs that
//! ack each event without deciding. `pass` republishes each event once; `same` publishes what
//! the worker publishes for it (its decision, one copy per target, a dead letter per reject),
//! from the decisions `rulec eval` wrote for the events beforehand, outside the timed run: the
//! cost of everything but the engine.
//!
//! ```sh
//! cargo build --release --bin rulec --example work_bench
//! nats-server -a 127.0.0.1 -p 14333 -js -sd bench-js &
//! target/release/examples/work_bench nats://127.0.0.1:14333 events.ndjson 20000 1 decide
//! target/release/examples/work_bench nats://127.0.0.1:14333 events.ndjson 20000 1 same
//! target/release/examples/work_bench nats://127.0.0.1:14333 events.ndjson 20000 1 pass
//! ```
//!
//! Each run deletes and creates the streams (`rulec work --setup`), publishes the events, starts
//! the workers (`target/release/rulec`, or `$RULEC`) and times them until the consumer has
//! nothing pending and nothing awaiting an ack.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    reason = "a measuring tool: a failure ends the run"
)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, consumer::pull};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: work_bench URL EVENTS.ndjson COUNT WORKERS decide|same|pass");
        std::process::exit(2);
    };
    let count: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let workers: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(1);
    let mode = args.get(5).map_or("decide", String::as_str).to_owned();
    let rulec = std::env::var("RULEC").unwrap_or_else(|_| "target/release/rulec".into());
    let lines: Vec<String> = std::fs::read_to_string(file)
        .expect("the events")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = async_nats::connect(url.as_str()).await.unwrap();
        let js = jetstream::new(client);
        for stream in ["AT_EVENTS", "AT_EVENTS-OUT"] {
            let _ = js.delete_stream(stream).await;
        }
        let setup = Command::new(&rulec)
            .args([
                "work",
                "--nats",
                url,
                "--setup",
                "--max-ack-pending",
                "2000",
            ])
            .status()
            .unwrap();
        assert!(setup.success());
        let mut acks = Vec::new();
        for (i, event) in lines.iter().cycle().take(count).enumerate() {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", format!("bench-{i}").as_str());
            acks.push(
                js.publish_with_headers("at.events.bench", headers, event.clone().into())
                    .await
                    .unwrap(),
            );
            if acks.len() == 1000 {
                for ack in acks.drain(..) {
                    ack.await.unwrap();
                }
            }
        }
        for ack in acks {
            ack.await.unwrap();
        }
        let decisions = decided_beforehand(&rulec, file, &mode);
        let started = Instant::now();
        let mut children: Vec<_> = (0..workers)
            .map(|_| {
                let mut command = Command::new(&rulec);
                command.args(["work", "--nats", url, "--batch", "200"]);
                match mode.as_str() {
                    "pass" => {
                        command.arg("--bench-pass-through");
                    }
                    "same" => {
                        command.args(["--bench-decisions", &decisions]);
                    }
                    _ => {}
                }
                command.stderr(Stdio::null()).spawn().unwrap()
            })
            .collect();
        let stream = js.get_stream("AT_EVENTS").await.unwrap();
        let mut consumer = stream.get_consumer::<pull::Config>("rulec").await.unwrap();
        loop {
            let info = consumer.info().await.unwrap();
            if info.num_pending == 0 && info.num_ack_pending == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let elapsed = started.elapsed().as_secs_f64();
        for child in &mut children {
            let _ = child.kill();
            let _ = child.wait();
        }
        println!(
            "{}: {count} events, {workers} worker(s), {elapsed:.2} s: {:.0} events/s",
            match mode.as_str() {
                "pass" => "pass-through (one publish)",
                "same" => "pass-through (the same publishes)",
                _ => "decide",
            },
            count as f64 / elapsed
        );
    });
}

/// What the workers would publish, decided before the clock starts (`same`): the path of the
/// decisions `rulec eval` writes for the events.
fn decided_beforehand(rulec: &str, file: &str, mode: &str) -> String {
    let decisions = format!("{file}.decisions");
    if mode == "same" {
        let eval = Command::new(rulec)
            .args(["eval", "--input", "ndjson", file])
            .stdout(std::fs::File::create(&decisions).unwrap())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(eval.code().is_some_and(|c| c <= 1));
    }
    decisions
}
