//! The language server after a keystroke, in a workspace of 10,000 actions: how long from the
//! `didChange` to the `publishDiagnostics` it causes, with the server in process over an
//! in-memory connection (real JSON-RPC messages, the server's own loop).
//!
//! Two layouts: the synthetic services one per file (50 files of 200 actions), and all of them
//! in one file (the keystroke then re-parses 10,000 actions). Two keystrokes, each typed and
//! undone in turn so that every one changes the diagnostics: a misspelt schema name (a semantic
//! error) and a misspelt keyword (a syntax error, which the parser recovers from).
//!
//! `cargo run --release --example lsp_keystroke [-- KEYSTROKES [FILTER]]`, where FILTER keeps
//! the cases whose name contains it (`per file`, `syntax`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "a benchmark program"
)]

use std::path::Path;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

const ACTIONS: usize = 10_000;

fn main() {
    let keystrokes: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    let filter = std::env::args().nth(2).unwrap_or_default();
    let sources = synthetic::synthetic(ACTIONS);
    println!(
        "{ACTIONS} actions; {keystrokes} keystrokes per case; milliseconds from didChange to publishDiagnostics"
    );
    println!(
        "{:<32} {:>8} {:>8} {:>8} {:>8}",
        "case", "median", "p90", "max", "files"
    );
    for split in [true, false] {
        let dir =
            std::env::temp_dir().join(format!("rulec-lsp-bench-{}-{split}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut edited = String::new();
        for source in &sources {
            if split && source.name == "services.rules" {
                for (index, service) in source.text.split_inclusive("\n}\n").enumerate() {
                    let name = format!("service{index:03}.rules");
                    std::fs::write(dir.join(&name), service).unwrap();
                    if index == 25 {
                        edited = name;
                    }
                }
            } else {
                std::fs::write(dir.join(&source.name), &source.text).unwrap();
            }
        }
        if !split {
            edited = "services.rules".into();
        }
        let files = std::fs::read_dir(&dir).unwrap().count();
        for (case, find, typo) in [
            (
                "misspelt schema (semantic)",
                "use read_fields",
                "use read_fieldz",
            ),
            (
                "misspelt keyword (syntax)",
                "    data object",
                "    dta  object",
            ),
        ] {
            let layout = if split { "per file" } else { "one file" };
            let name = format!("{case}, {layout}");
            if !name.contains(&filter) {
                continue;
            }
            let times = run(&dir, &edited, find, typo, keystrokes);
            let at = |percent: usize| times[(times.len() - 1) * percent / 100];
            println!(
                "{:<32} {:>8.1} {:>8.1} {:>8.1} {:>8}",
                name,
                at(50),
                at(90),
                times[times.len() - 1],
                files
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Types `typo` over `find` in `file` and undoes it, `keystrokes` times; the sorted latencies.
fn run(dir: &Path, file: &str, find: &str, typo: &str, keystrokes: usize) -> Vec<f64> {
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || rulec::lsp::run(&server));
    let root = rulec::lsp::file_uri(dir).unwrap();
    let uri = rulec::lsp::file_uri(&dir.join(file)).unwrap();
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let offset = text.find(find).unwrap();
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let request = |id: i32, method: &str, params: Value| {
        let request = Request::new(RequestId::from(id), method.into(), params);
        client.sender.send(Message::Request(request)).unwrap();
        loop {
            if let Message::Response(r) = client
                .receiver
                .recv_timeout(Duration::from_secs(60))
                .unwrap()
            {
                if r.id == RequestId::from(id) {
                    return;
                }
            }
        }
    };
    let notify = |method: &str, params: Value| {
        let notification = Notification::new(method.into(), params);
        client
            .sender
            .send(Message::Notification(notification))
            .unwrap();
    };
    request(
        1,
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}}),
    );
    notify("initialized", json!({}));
    notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rules", "version": 1, "text": text}}),
    );
    request(2, "workspace/symbol", json!({"query": "\u{1}"}));
    let mut times = Vec::with_capacity(keystrokes);
    for keystroke in 0..keystrokes {
        let (old, new) = if keystroke % 2 == 0 {
            (find, typo)
        } else {
            (typo, find)
        };
        let range = json!({"start": {"line": line, "character": column}, "end": {"line": line, "character": column + old.len()}});
        let version = i32::try_from(keystroke).unwrap() + 2;
        let start = Instant::now();
        notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": new}]}),
        );
        loop {
            let message = client
                .receiver
                .recv_timeout(Duration::from_secs(60))
                .unwrap();
            if let Message::Notification(n) = message {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                    break;
                }
            }
        }
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    request(3, "shutdown", Value::Null);
    notify("exit", Value::Null);
    thread.join().unwrap().unwrap();
    times.sort_by(f64::total_cmp);
    times
}
