//! `rulec serve` over real HTTP: a server on an ephemeral loopback port per test, a real client
//! (ureq), and one test from Python's standard library.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{rulec_with_stdin, temp_dir};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLES: &str = include_str!("../examples/events.ndjson");

/// A `rulec serve` process, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(args: &[&str]) -> Self {
        Self::start_in(Path::new(ROOT), args)
    }

    fn start_in(dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rulec"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rulec serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().expect("a first line").unwrap();
        let base = first
            .split("listening on ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .expect("an address in the first line")
            .to_owned();
        // Keep reading stderr so that the server never blocks on it.
        std::thread::spawn(move || for _ in lines {});
        Self { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit, at most `limit`.
    fn wait(&mut self, limit: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Status, headers of interest and body of a POST.
fn post(url: &str, content_type: &str, body: &str) -> (u16, String, String) {
    let mut response = agent()
        .post(url)
        .header("Content-Type", content_type)
        .send(body)
        .unwrap();
    let hash = response
        .headers()
        .get("rulec-catalog-hash")
        .map(|h| h.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let status = response.status().as_u16();
    (status, hash, response.body_mut().read_to_string().unwrap())
}

/// The status of a GET, or `None` when the server cannot be reached.
fn status(url: &str) -> Option<u16> {
    agent().get(url).call().ok().map(|r| r.status().as_u16())
}

fn get(url: &str) -> (u16, String) {
    let mut response = agent().get(url).call().unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

fn eval_lines(args: &[&str], input: &str) -> Vec<String> {
    let mut all = vec!["eval"];
    all.extend_from_slice(args);
    let run = rulec_with_stdin(&all, input);
    run.stdout.lines().map(str::to_owned).collect()
}

#[test]
fn one_event_gets_the_decision_rulec_eval_gives_it() {
    let server = Server::start(&[]);
    let expected = eval_lines(&[], EXAMPLES);
    for (index, event) in EXAMPLES.lines().enumerate() {
        let (status, hash, body) = post(&server.url("/v1/decide"), "application/json", event);
        assert_eq!(status, 200, "{body}");
        assert!(hash.starts_with("sha256:"), "{hash}");
        // The CLI numbers events by position; one request is one event, index 0.
        let mut decision: Value = serde_json::from_str(&body).unwrap();
        decision["index"] = Value::from(index);
        let want: Value = serde_json::from_str(&expected[index]).unwrap();
        assert_eq!(decision, want, "{event}");
    }
}

#[test]
fn an_ndjson_body_streams_one_decision_per_line_in_order() {
    let server = Server::start(&[]);
    let input = EXAMPLES.repeat(50);
    let (status, _, body) = post(
        &server.url("/v1/decide?types=management,data&strict=true"),
        "application/x-ndjson",
        &input,
    );
    assert_eq!(status, 200);
    let got: Vec<&str> = body.lines().collect();
    let want = eval_lines(&["--types", "management,data", "--strict"], &input);
    assert_eq!(got.len(), EXAMPLES.lines().count() * 50);
    assert_eq!(got, want);
}

#[test]
fn explain_returns_the_account_rulec_eval_explain_prints() {
    let server = Server::start(&[]);
    let event = EXAMPLES.lines().next().unwrap();
    let (status, _, body) = post(
        &server.url("/v1/decide?explain=true"),
        "application/json",
        event,
    );
    assert_eq!(status, 200);
    let want = rulec_with_stdin(&["eval", "--explain"], &format!("{event}\n")).stdout;
    assert_eq!(format!("{body}\n"), want);
}

#[test]
fn malformed_requests_get_json_errors_with_stable_codes() {
    let server = Server::start(&["--max-event-bytes", "2000"]);
    let event = EXAMPLES.lines().next().unwrap();
    let cases: [(&str, &str, &str, u16, &str); 6] = [
        (
            "/v1/decide?types=logs",
            "application/json",
            event,
            400,
            "http::bad_request",
        ),
        (
            "/v1/decide?strict=maybe",
            "application/json",
            event,
            400,
            "http::bad_request",
        ),
        (
            "/v1/decide?verbose=1",
            "application/json",
            event,
            400,
            "http::bad_request",
        ),
        (
            "/v1/decide",
            "text/plain",
            event,
            415,
            "http::unsupported_media_type",
        ),
        (
            "/v1/nothing",
            "application/json",
            event,
            404,
            "http::not_found",
        ),
        (
            "/healthz",
            "application/json",
            event,
            405,
            "http::method_not_allowed",
        ),
    ];
    for (path, content_type, body, status, code) in cases {
        let (got, _, text) = post(&server.url(path), content_type, body);
        let error: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (got, error["code"].as_str()),
            (status, Some(code)),
            "{path}: {text}"
        );
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let big = format!("{{\"action\": \"{}\"}}", "x".repeat(3000));
    let (status, _, text) = post(&server.url("/v1/decide"), "application/json", &big);
    assert_eq!(status, 413, "{text}");
    // An NDJSON event past the limit is a decision, and the stream goes on.
    let stream = format!("{big}\n{event}\n");
    let (status, _, text) = post(&server.url("/v1/decide"), "application/x-ndjson", &stream);
    assert_eq!(status, 200);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["violations"][0]["code"], "eval::event_too_large");
    assert_eq!(lines[1]["verdict"], "route");
    // A reject is a decision: 200.
    let (status, _, text) = post(&server.url("/v1/decide"), "application/json", "{not json");
    assert_eq!(status, 200);
    assert!(text.contains("eval::invalid_json"));
}

#[test]
fn catalog_health_and_metrics_describe_the_server() {
    let server = Server::start(&[]);
    for event in EXAMPLES.lines() {
        post(&server.url("/v1/decide"), "application/json", event);
    }
    let (status, body) = get(&server.url("/v1/catalog"));
    assert_eq!(status, 200);
    let catalog: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(catalog["counts"]["actions"], 97);
    assert_eq!(catalog["rulec_version"], env!("CARGO_PKG_VERSION"));
    let hash = catalog["catalog_hash"].as_str().unwrap().to_owned();
    let (_, header, _) = post(&server.url("/v1/decide"), "application/json", "{}");
    assert_eq!(header, hash);
    assert_eq!(get(&server.url("/healthz")).0, 200);
    assert_eq!(get(&server.url("/readyz")).0, 200);
    let (status, metrics) = get(&server.url("/metrics"));
    assert_eq!(status, 200);
    for line in [
        "rulec_decisions_total{verdict=\"route\"} 11".to_owned(),
        "rulec_decisions_total{verdict=\"reject\"} 5".to_owned(),
        "rulec_decisions_by_location_total{location=\"us-south\"} 3".to_owned(),
        "rulec_decisions_by_target_total{target=\"logs\"} 11".to_owned(),
        "rulec_violations_total{code=\"eval::unknown_action\",level=\"error\"} 2".to_owned(),
        "rulec_request_duration_seconds_count{path=\"/v1/decide\"} 17".to_owned(),
        "rulec_reloads_total{result=\"failure\"} 0".to_owned(),
        format!("rulec_catalog_info{{hash=\"{hash}\""),
    ] {
        assert!(metrics.contains(&line), "{line}\n{metrics}");
    }
}

/// A scratch copy of the shipped rules, to change under a running server.
fn scratch(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for file in [
        "envelope.rules",
        "locations.rules",
        "routes.rules",
        "container-registry.rules",
        "cloudant.rules",
    ] {
        std::fs::copy(Path::new(ROOT).join("rules").join(file), dir.join(file)).unwrap();
    }
    dir
}

fn catalog_hash(server: &Server) -> String {
    let (_, body) = get(&server.url("/v1/catalog"));
    let catalog: Value = serde_json::from_str(&body).unwrap();
    catalog["catalog_hash"].as_str().unwrap().to_owned()
}

/// Waits until `check` holds, at most ten seconds.
fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

const EXTRA_ROUTE: &str = "route extra {\n  * -> logs\n}\n";

#[test]
fn sighup_reloads_and_a_broken_catalog_keeps_the_old_one() {
    let dir = scratch("serve-reload");
    let server = Server::start_in(&dir, &["--rules", "."]);
    let before = catalog_hash(&server);
    std::fs::write(dir.join("extra.rules"), EXTRA_ROUTE).unwrap();
    server.signal("HUP");
    assert!(
        eventually(|| catalog_hash(&server) != before),
        "not reloaded"
    );
    let after = catalog_hash(&server);
    std::fs::write(dir.join("broken.rules"), "route broken {\n  * -> nowhere\n").unwrap();
    server.signal("HUP");
    assert!(eventually(|| get(&server.url("/metrics"))
        .1
        .contains("rulec_reloads_total{result=\"failure\"} 1")));
    assert_eq!(catalog_hash(&server), after, "a broken catalog was loaded");
}

#[test]
fn watch_reloads_when_a_file_changes() {
    let dir = scratch("serve-watch");
    let server = Server::start_in(&dir, &["--rules", ".", "--watch"]);
    let before = catalog_hash(&server);
    std::fs::write(dir.join("extra.rules"), EXTRA_ROUTE).unwrap();
    assert!(
        eventually(|| catalog_hash(&server) != before),
        "not reloaded"
    );
}

#[test]
fn no_request_fails_during_twenty_reloads_under_load() {
    let dir = scratch("serve-load");
    let server = Server::start_in(&dir, &["--rules", "."]);
    let url = server.url("/v1/decide");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (url, stop) = (url.clone(), std::sync::Arc::clone(&stop));
            std::thread::spawn(move || {
                // Per response: its catalog's hash, and whether its decisions are those of the
                // catalog with the extra route.
                let mut seen = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let (status, hash, body) = post(&url, "application/x-ndjson", EXAMPLES);
                    assert_eq!(status, 200, "{body}");
                    assert_eq!(body.lines().count(), EXAMPLES.lines().count());
                    let routed = body
                        .lines()
                        .filter(|l| l.contains("\"verdict\":\"route\""))
                        .count();
                    let extra = body
                        .lines()
                        .filter(|l| l.contains("\"route\":\"extra\""))
                        .count();
                    assert!(
                        extra == 0 || extra == routed,
                        "one response, two catalogs: {body}"
                    );
                    seen.push((hash, extra > 0));
                }
                seen
            })
        })
        .collect();
    let reloads = |metrics: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with("rulec_reloads_total{result=\"success\"}"))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    };
    for round in 0..20 {
        let text = if round % 2 == 0 { EXTRA_ROUTE } else { "" };
        std::fs::write(dir.join("extra.rules"), text).unwrap();
        server.signal("HUP");
        // Each reload is done before the next begins, with requests in flight throughout.
        assert!(
            eventually(|| reloads(&get(&server.url("/metrics")).1) == round + 1),
            "reload {round} did not happen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen: Vec<(String, bool)> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    assert!(seen.len() > 20, "{}", seen.len());
    let metrics = get(&server.url("/metrics")).1;
    assert!(
        metrics.contains("rulec_reloads_total{result=\"failure\"} 0"),
        "{metrics}"
    );
    assert_eq!(reloads(&metrics), 20, "{metrics}");
    // Both catalogs answered, and each hash always with its own catalog's decisions.
    let by_hash: std::collections::BTreeMap<&str, std::collections::BTreeSet<bool>> =
        seen.iter().fold(
            std::collections::BTreeMap::default(),
            |mut map, (hash, extra)| {
                map.entry(hash.as_str()).or_default().insert(*extra);
                map
            },
        );
    assert!(by_hash.len() >= 2, "{by_hash:?}");
    assert!(
        by_hash.values().all(|kinds| kinds.len() == 1),
        "{by_hash:?}"
    );
}

/// SIGTERM while a request streams: the server stops accepting, and the request in flight
/// gets every decision before the process exits 0.
#[test]
fn sigterm_finishes_what_is_in_flight_and_exits_0() {
    let mut server = Server::start(&[]);
    assert_eq!(get(&server.url("/readyz")).0, 200);
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let lines: Vec<&str> = EXAMPLES.lines().collect();
    let (first, rest) = lines.split_at(lines.len() / 2);
    let chunk = |lines: &[&str]| {
        let text = format!("{}\n", lines.join("\n"));
        format!("{:x}\r\n{text}\r\n", text.len())
    };
    stream.write_all(chunk(first).as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    // New connections are refused while the one in flight goes on.
    assert_eq!(status(&server.url("/healthz")), None);
    stream.write_all(chunk(rest).as_bytes()).unwrap();
    stream.write_all(b"0\r\n\r\n").unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(
        answer.matches("\"verdict\":").count(),
        lines.len(),
        "{answer}"
    );
    assert_eq!(server.wait(Duration::from_secs(15)), Some(0));
}

/// SIGINT stops it the same way; a request that outlives `--shutdown-timeout` does not keep it
/// from exiting 0.
#[test]
fn sigint_and_the_shutdown_deadline() {
    let mut server = Server::start(&[]);
    server.signal("INT");
    assert_eq!(server.wait(Duration::from_secs(15)), Some(0));
    let mut server = Server::start(&["--shutdown-timeout", "1"]);
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).unwrap();
    // A stream that never ends.
    stream
        .write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    server.signal("TERM");
    assert_eq!(server.wait(Duration::from_secs(15)), Some(0));
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "{:?}",
        asked.elapsed()
    );
}

#[test]
fn a_slow_client_does_not_hold_the_server() {
    let server = Server::start(&[
        "--header-timeout",
        "1",
        "--body-timeout",
        "1",
        "--max-connections",
        "4",
    ]);
    let address = server.base.trim_start_matches("http://").to_owned();
    // Four connections that never finish their headers take every slot...
    let mut slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut stream = TcpStream::connect(&address).unwrap();
            stream
                .write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            stream
        })
        .collect();
    // ...until the header timeout closes them (a read that timed out would be an error).
    let started = Instant::now();
    for stream in &mut slow {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = Vec::new();
        assert!(
            stream.read_to_end(&mut buf).is_ok(),
            "a slow connection was kept"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(8));
    assert_eq!(get(&server.url("/healthz")).0, 200);
    // A body that stops arriving is given up.
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("http::timeout"), "{answer}");
}

#[test]
fn garbage_on_the_socket_never_brings_the_server_down() {
    let server = Server::start(&[]);
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..200 {
        let mut bytes = Vec::new();
        let length = 1 + round * 7 % 3000;
        for _ in 0..length {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(u8::try_from(seed % 256).unwrap());
        }
        if round % 3 == 0 {
            let mut request = b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            request.extend_from_slice(&bytes);
            bytes = request;
        }
        if let Ok(mut stream) = TcpStream::connect(&address) {
            let _ = stream.write_all(&bytes);
            let _ = stream.shutdown(std::net::Shutdown::Write);
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut sink = Vec::new();
            let _ = stream.read_to_end(&mut sink);
        }
    }
    assert_eq!(get(&server.url("/healthz")).0, 200);
    let (status, _, body) = post(
        &server.url("/v1/decide"),
        "application/json",
        EXAMPLES.lines().next().unwrap(),
    );
    assert_eq!((status, body.contains("\"route\"")), (200, true));
}

#[test]
fn a_non_loopback_address_needs_allow_remote() {
    let run = crate::common::rulec(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--allow-remote"), "{}", run.stderr);
}

#[test]
fn python_s_standard_library_decides_through_it() {
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "python3 is needed under CI=true"
        );
        eprintln!(
            "SKIPPED: python3 is not installed; this test shows a Python host using rulec serve"
        );
        return;
    }
    let server = Server::start(&[]);
    let script = r#"
import json, sys, urllib.request
event = sys.stdin.readline()
request = urllib.request.Request(sys.argv[1] + "/v1/decide", data=event.encode(), headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request) as response:
    decision = json.load(response)
    print(decision["verdict"], ",".join(decision["targets"]), response.headers["Rulec-Catalog-Hash"][:7])
"#;
    let mut child = Command::new("python3")
        .args(["-c", script, &server.base])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(EXAMPLES.lines().next().unwrap().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "route archive,logs,siem sha256:\n"
    );
}

#[test]
fn with_a_drain_delay_readyz_says_503_before_the_server_stops() {
    let mut server = Server::start(&["--drain-delay", "10"]);
    server.signal("TERM");
    assert!(eventually(|| status(&server.url("/readyz")) == Some(503)));
    let (_, body) = get(&server.url("/readyz"));
    assert!(body.contains("http::not_ready"), "{body}");
    assert_eq!(get(&server.url("/healthz")).0, 200);
    assert_eq!(server.wait(Duration::from_secs(30)), Some(0));
}

/// Every path, method and status `docs/openapi.yaml` documents, and a request that gets it.
#[test]
fn every_documented_path_and_status_is_exercised() {
    let spec: serde_yaml::Value =
        serde_yaml::from_str(include_str!("../docs/openapi.yaml")).unwrap();
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in spec["paths"].as_mapping().unwrap() {
        for (method, operation) in item.as_mapping().unwrap() {
            for status in operation["responses"].as_mapping().unwrap().keys() {
                documented.insert((
                    method.as_str().unwrap().to_uppercase(),
                    path.as_str().unwrap().to_owned(),
                    status.as_str().unwrap().parse::<u16>().unwrap(),
                ));
            }
        }
    }
    let server = Server::start(&["--max-event-bytes", "2000", "--body-timeout", "1"]);
    let event = EXAMPLES.lines().next().unwrap();
    let request = |method: &str, path: &str, content_type: &str, body: &str| -> u16 {
        let url = server.url(path);
        let response = match method {
            "GET" => agent().get(&url).call(),
            "PUT" => agent()
                .put(&url)
                .header("Content-Type", content_type)
                .send(body),
            _ => agent()
                .post(&url)
                .header("Content-Type", content_type)
                .send(body),
        };
        response.unwrap().status().as_u16()
    };
    let big = "x".repeat(3000);
    let mut exercised = std::collections::BTreeSet::new();
    let mut check = |method: &str, path: &str, status: u16, got: u16| {
        assert_eq!(got, status, "{method} {path}");
        exercised.insert((method.to_owned(), path.to_owned(), status));
    };
    check(
        "POST",
        "/v1/decide",
        200,
        request("POST", "/v1/decide", "application/json", event),
    );
    check(
        "POST",
        "/v1/decide",
        400,
        request("POST", "/v1/decide?strict=maybe", "application/json", event),
    );
    check(
        "POST",
        "/v1/decide",
        405,
        request("PUT", "/v1/decide", "application/json", event),
    );
    check(
        "POST",
        "/v1/decide",
        413,
        request("POST", "/v1/decide", "application/json", &big),
    );
    check(
        "POST",
        "/v1/decide",
        415,
        request("POST", "/v1/decide", "text/csv", event),
    );
    let address = server.base.trim_start_matches("http://").to_owned();
    // A body that stops arriving, and a head over the limit.
    let slow = b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{";
    check("POST", "/v1/decide", 408, raw_status(&address, slow));
    let mut head = b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    head.extend(std::iter::repeat_n(b'a', 40_000));
    head.extend_from_slice(b"\r\n\r\n");
    check("POST", "/v1/decide", 431, raw_status(&address, &head));
    for path in ["/v1/catalog", "/healthz", "/readyz", "/metrics"] {
        check("GET", path, 200, request("GET", path, "", ""));
        check(
            "GET",
            path,
            405,
            request("POST", path, "application/json", "{}"),
        );
    }
    drop(server);
    let mut draining = Server::start(&["--drain-delay", "10"]);
    draining.signal("TERM");
    assert!(eventually(|| status(&draining.url("/readyz")) == Some(503)));
    exercised.insert(("GET".to_owned(), "/readyz".to_owned(), 503));
    assert_eq!(draining.wait(Duration::from_secs(30)), Some(0));
    assert_eq!(documented, exercised);
}

/// A body trickled in slower than `--min-body-rate` is given up, and other clients are served
/// while trickling connections are open.
#[test]
fn a_body_trickled_in_is_given_up_and_others_are_served_meanwhile() {
    let server = Server::start(&[
        "--body-timeout",
        "1",
        "--min-body-rate",
        "100",
        "--max-connections",
        "4",
    ]);
    let address = server.base.trim_start_matches("http://").to_owned();
    let trickles: Vec<_> = (0..2)
        .map(|_| {
            let address = address.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&address).unwrap();
                stream
                    .write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .unwrap();
                // A byte every 300 ms: never silent for the body timeout, far under the floor.
                let started = Instant::now();
                while started.elapsed() < Duration::from_secs(6) {
                    if stream.write_all(b"1\r\n \r\n").is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(300));
                }
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
                (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let (status, _, body) = post(
        &server.url("/v1/decide"),
        "application/json",
        EXAMPLES.lines().next().unwrap(),
    );
    assert_eq!((status, body.contains("\"route\"")), (200, true));
    for trickle in trickles {
        let (answer, _) = trickle.join().unwrap();
        assert!(answer.contains("http::timeout"), "{answer}");
        assert!(
            answer.contains("slower than the 100 bytes per second"),
            "{answer}"
        );
    }
}

/// The limits answer with their statuses: a declared body past `--max-body-bytes` 413, a head
/// past `--max-header-bytes` 431, and a request line that is not HTTP 400.
#[test]
fn the_body_and_header_limits_answer_413_and_431() {
    let server = Server::start(&["--max-body-bytes", "1000", "--max-header-bytes", "8192"]);
    let address = server.base.trim_start_matches("http://").to_owned();
    let raw = |request: &[u8]| {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(request).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };
    let answer = raw(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-ndjson\r\nContent-Length: 5000\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("http::payload_too_large"), "{answer}");
    // A streamed body (no length declared) that goes past the limit ends with an error line.
    let line = format!("{}\n", "x".repeat(1500));
    let mut request = b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    request.extend_from_slice(format!("{:x}\r\n{line}\r\n0\r\n\r\n", line.len()).as_bytes());
    let answer = raw(&request);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("http::payload_too_large"), "{answer}");
    let mut head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    head.extend(std::iter::repeat_n(b'a', 20_000));
    head.extend_from_slice(b"\r\n\r\n");
    let answer = raw(&head);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let answer = raw(b"NOT A REQUEST\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(get(&server.url("/healthz")).0, 200);
}

/// Well-framed requests with arbitrary paths, query strings, content types and bodies: each
/// gets a documented status, and every error a JSON body with a code.
#[test]
fn arbitrary_requests_get_documented_statuses_and_json_errors() {
    let server = Server::start(&["--max-event-bytes", "4096"]);
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pick = |n: u64, items: &[&'static str]| items[usize::try_from(n).unwrap() % items.len()];
    let event = EXAMPLES.lines().next().unwrap();
    for _ in 0..300 {
        let path = pick(
            next(),
            &[
                "/v1/decide",
                "/v1/decide",
                "/v1/catalog",
                "/metrics",
                "/x",
                "/v1/decide/",
            ],
        );
        let query = pick(
            next(),
            &[
                "",
                "?types=data",
                "?types=",
                "?strict=true",
                "?strict=1",
                "?explain=true",
                "?types=data,logs",
                "?%zz",
                "?types=management&types=data",
                "?explain",
            ],
        );
        let content_type = pick(
            next(),
            &[
                "application/json",
                "application/x-ndjson",
                "application/jsonl",
                "text/plain",
                "application/json; charset=utf-8",
                "",
            ],
        );
        let mut body: Vec<u8> = match next() % 4 {
            0 => event.as_bytes().to_vec(),
            1 => EXAMPLES.as_bytes().to_vec(),
            2 => (0..next() % 6000)
                .map(|_| u8::try_from(next() % 256).unwrap())
                .collect(),
            _ => Vec::new(),
        };
        if next() % 5 == 0 {
            body.truncate(usize::try_from(next() % 200).unwrap());
        }
        let mut request = agent().post(&format!("{}{path}{query}", server.base));
        if !content_type.is_empty() {
            request = request.header("Content-Type", content_type);
        }
        let mut response = request.send(&body[..]).unwrap();
        let status = response.status().as_u16();
        assert!(
            [200, 400, 404, 405, 413, 415].contains(&status),
            "{path}{query} {content_type}: {status}"
        );
        assert!(response.headers().contains_key("rulec-catalog-hash"));
        let text = response.body_mut().read_to_string().unwrap_or_default();
        if status != 200 {
            let error: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: {text}"));
            assert!(
                error["code"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("http::")),
                "{text}"
            );
        }
    }
    assert_eq!(get(&server.url("/healthz")).0, 200);
}

/// The status of the answer to raw bytes written to a connection.
fn raw_status(address: &str, request: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.get(9..12).unwrap().parse().unwrap()
}

/// A body far larger than the server keeps: 64 MiB of events streamed through it, decided as
/// they arrive, in memory a fraction of the body's size.
#[test]
fn a_large_ndjson_body_is_decided_in_bounded_memory() {
    let server = Server::start(&[]);
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).unwrap();
    let reader = {
        let mut stream = stream.try_clone().unwrap();
        std::thread::spawn(move || {
            stream
                .set_read_timeout(Some(Duration::from_secs(60)))
                .unwrap();
            let mut counted = 0_usize;
            let mut buffer = vec![0; 1 << 16];
            let mut tail = Vec::new();
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buffer[..n]);
                counted += tail.windows(11).filter(|w| w == b"\"verdict\":\"").count();
                let keep = tail.len().saturating_sub(10);
                tail.drain(..keep);
            }
            counted
        })
    };
    stream
        .write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = EXAMPLES.repeat(64);
    let mut sent = 0;
    let mut events = 0;
    while sent < 64 << 20 {
        stream
            .write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes())
            .unwrap();
        sent += chunk.len();
        events += chunk.lines().count();
    }
    stream.write_all(b"0\r\n\r\n").unwrap();
    assert_eq!(reader.join().unwrap(), events);
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let peak: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap();
    assert!(
        peak < 48 << 10,
        "peak resident {peak} kB for a {} MiB body",
        sent >> 20
    );
}
