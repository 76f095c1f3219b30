//! A load generator for `rulec serve`, on plain sockets so that the client costs little.
//!
//! ```sh
//! cargo build --release
//! target/release/rulec serve &
//! cargo run --release --example serve_load -- batch  http://127.0.0.1:8181 EVENTS.ndjson 1000 4 20
//! cargo run --release --example serve_load -- single http://127.0.0.1:8181 EVENTS.ndjson 5000 10
//! ```
//!
//! `batch URL FILE EVENTS CONNECTIONS SECONDS`: NDJSON bodies of EVENTS events each, over
//! CONNECTIONS keep-alive connections for SECONDS; prints events per second.
//!
//! `single URL FILE RATE SECONDS [CONNECTIONS]`: one event per request at RATE requests per second,
//! spread over CONNECTIONS (8) keep-alive connections, each request sent on schedule; prints the p50, p99 and max latency,
//! measured from when each request was due (so a late server cannot hide its queue).

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a measuring tool: a failed request ends the run, and counts stay far below 2^52"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (Some(mode), Some(url), Some(file)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: serve_load batch|single URL EVENTS.ndjson ...");
        std::process::exit(2);
    };
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let events: Vec<String> = std::fs::read_to_string(file)
        .unwrap_or_else(|e| {
            eprintln!("cannot read {file}: {e}");
            std::process::exit(2)
        })
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    match mode.as_str() {
        "batch" => batch(
            &address,
            &events,
            number(4, 1000),
            number(5, 4),
            number(6, 20),
        ),
        "single" => single(
            &address,
            &events,
            number(4, 5000),
            number(5, 10),
            number(6, 8),
        ),
        _ => {
            eprintln!("unknown mode {mode}");
            std::process::exit(2);
        }
    }
}

/// One keep-alive connection and a response reader.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(address: &str) -> Self {
        let stream = TcpStream::connect(address).expect("connects");
        stream.set_nodelay(true).ok();
        Self {
            writer: stream.try_clone().expect("a second handle"),
            reader: BufReader::new(stream),
        }
    }

    /// Sends a POST and reads the whole response; returns the body's length.
    fn post(&mut self, content_type: &str, body: &[u8]) -> usize {
        let head = format!(
            "POST /v1/decide HTTP/1.1\r\nHost: load\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        // One write: a request split in two segments can wait on the peer's delayed ACK.
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        self.writer.write_all(&request).expect("sends");
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut line = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("reads");
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse().ok();
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
            if line == "\r\n" {
                break;
            }
        }
        if !chunked {
            let mut body = vec![0; length.unwrap_or(0)];
            self.reader.read_exact(&mut body).expect("reads");
            return body.len();
        }
        let mut total = 0;
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("reads");
            let size = usize::from_str_radix(line.trim(), 16).expect("a chunk size");
            let mut chunk = vec![0; size + 2];
            self.reader.read_exact(&mut chunk).expect("reads");
            if size == 0 {
                return total;
            }
            total += size;
        }
    }
}

fn batch(address: &str, events: &[String], per_body: u64, connections: u64, seconds: u64) {
    let mut body = String::new();
    for event in events
        .iter()
        .cycle()
        .take(usize::try_from(per_body).unwrap_or(1000))
    {
        body.push_str(event);
        body.push('\n');
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (address, body) = (address.to_owned(), body.clone());
            std::thread::spawn(move || {
                let mut client = Client::connect(&address);
                let mut bodies = 0u64;
                while Instant::now() < deadline {
                    client.post("application/x-ndjson", body.as_bytes());
                    bodies += 1;
                }
                bodies
            })
        })
        .collect();
    let bodies: u64 = workers.into_iter().map(|w| w.join().unwrap_or(0)).sum();
    let elapsed = started.elapsed().as_secs_f64();
    let decided = bodies * per_body;
    println!(
        "batch: {decided} events in {bodies} bodies of {per_body} over {connections} connections in {elapsed:.1} s: {:.0} events/s",
        decided as f64 / elapsed
    );
}

fn single(address: &str, events: &[String], rate: u64, seconds: u64, connections: u64) {
    let connections = connections.max(1);
    let per_connection = rate.max(1).div_ceil(connections);
    let interval = Duration::from_secs_f64(1.0 / per_connection as f64);
    let total = per_connection * seconds;
    let start = Instant::now() + Duration::from_millis(200);
    let workers: Vec<_> = (0..connections)
        .map(|c| {
            let address = address.to_owned();
            let events = events.to_vec();
            std::thread::spawn(move || {
                let mut client = Client::connect(&address);
                let mut latencies = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
                // Each connection's schedule is offset, so that requests spread evenly.
                let offset = interval.mul_f64(c as f64 / connections as f64);
                for i in 0..total {
                    let due = start + offset + interval.mul_f64(i as f64);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let event = &events[usize::try_from(i).unwrap_or(0) % events.len()];
                    let sent = Instant::now();
                    client.post("application/json", event.as_bytes());
                    latencies.push((due.elapsed(), sent.elapsed()));
                }
                latencies
            })
        })
        .collect();
    let pairs: Vec<(Duration, Duration)> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap_or_default())
        .collect();
    let mut all: Vec<Duration> = pairs.iter().map(|p| p.0).collect();
    let mut trips: Vec<Duration> = pairs.iter().map(|p| p.1).collect();
    all.sort();
    trips.sort();
    let trip_p99 = trips[((trips.len() as f64 * 0.99) as usize).min(trips.len() - 1)];
    let at = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    println!(
        "single: {} requests at {} req/s: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (from when each was due; round trip alone: p99 {:.3} ms)",
        all.len(),
        per_connection * connections,
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        all.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        trip_p99.as_secs_f64() * 1e3
    );
}
