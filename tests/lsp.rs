//! `rulec lsp`: the language server driven in process over an in-memory connection (real
//! JSON-RPC messages, the server's own loop), and the binary over standard input and output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::needless_pass_by_value,
    clippy::too_many_lines,
    reason = "tests"
)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

use crate::common::rulec_in;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Every wait is bounded: a server that stops answering fails the test instead of hanging it.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A scratch workspace holding a copy of the shipped `.rules` files.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rulec-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(Path::new(ROOT).join("rules")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rules") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn uri(path: &Path) -> String {
    rulec::lsp::file_uri(path).unwrap()
}

/// The protocol position (line, UTF-16 column) of the `nth` occurrence of `needle` in `text`,
/// `shift` characters in.
fn at(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let offset = text.match_indices(needle).nth(nth).expect("the needle").0;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = before[start..].chars().map(char::len_utf16).sum::<usize>()
        + needle
            .chars()
            .take(shift)
            .map(char::len_utf16)
            .sum::<usize>();
    json!({"line": line, "character": column})
}

/// A client of an in-process server.
struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<Result<(), rulec::lsp::LspError>>>,
    next: i32,
    /// The last diagnostics published per URI.
    diagnostics: HashMap<String, Vec<Value>>,
    /// How many times diagnostics were published per URI.
    publishes: HashMap<String, usize>,
}

impl Client {
    fn start(root: &Path) -> Self {
        let (server, connection) = Connection::memory();
        let server = std::thread::spawn(move || rulec::lsp::run(&server));
        let mut client = Self {
            connection,
            server: Some(server),
            next: 0,
            diagnostics: HashMap::new(),
            publishes: HashMap::new(),
        };
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": {}}),
        );
        assert_eq!(result["serverInfo"]["name"], "rulec");
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification::new(method.into(), params);
        self.connection
            .sender
            .send(Message::Notification(notification))
            .unwrap();
    }

    /// Sends a request and waits for its response, recording what is published meanwhile.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, lsp_server::ResponseError> {
        self.next += 1;
        let id = RequestId::from(self.next);
        let request = Request::new(id.clone(), method.into(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .unwrap();
        loop {
            match self
                .connection
                .receiver
                .recv_timeout(TIMEOUT)
                .expect("an answer in time")
            {
                Message::Response(response) if response.id == id => {
                    return response.response_result;
                }
                Message::Notification(notification) => self.record(notification),
                _ => {}
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e:?}"))
    }

    fn record(&mut self, notification: Notification) {
        if notification.method == "textDocument/publishDiagnostics" {
            let uri = notification.params["uri"].as_str().unwrap().to_owned();
            let list = notification.params["diagnostics"]
                .as_array()
                .unwrap()
                .clone();
            *self.publishes.entry(uri.clone()).or_default() += 1;
            self.diagnostics.insert(uri, list);
        }
    }

    /// The diagnostics of a file once the server has handled everything sent before: a
    /// request is answered only after the changes before it are checked and published.
    fn published(&mut self, uri: &str) -> Vec<Value> {
        self.request("workspace/symbol", json!({"query": "\u{1}"}));
        self.diagnostics.get(uri).cloned().unwrap_or_default()
    }

    fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "rules", "version": 1, "text": text}}),
        );
    }

    fn change(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn position(&mut self, method: &str, uri: &str, position: Value) -> Value {
        self.request(
            method,
            json!({"textDocument": {"uri": uri}, "position": position}),
        )
    }

    fn hover(&mut self, uri: &str, position: Value) -> String {
        let hover = self.position("textDocument/hover", uri, position);
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let server = self.server.take().unwrap();
        assert!(server.join().unwrap().is_ok());
    }
}

fn labels(list: &[Value]) -> Vec<(String, u64, u64)> {
    list.iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn diagnostics_are_rulec_check_s_with_labels_in_other_files() {
    let dir = workspace("diagnostics");
    let extra = "service container-registry \"Again\" {\n  collect management\n  management image.push \"Pushed again.\"\n}\nroute r {\n  eu-dee -> logz\n}\n";
    std::fs::write(dir.join("extra.rules"), extra).unwrap();
    let mut client = Client::start(&dir);
    let cli = rulec_in(&dir, &["check", ".", "--format", "json"]);
    let expected: Value = serde_json::from_str(&cli.stdout).unwrap();
    let expected = expected["diagnostics"].as_array().unwrap();
    assert!(expected.len() >= 4, "{}", cli.stdout);
    let extra_uri = uri(&dir.join("extra.rules"));
    let published = client.published(&extra_uri);
    assert_eq!(published.len(), expected.len(), "{published:#?}");
    for (lsp, cli) in published.iter().zip(expected) {
        assert_eq!(lsp["code"], cli["code"]);
        assert_eq!(lsp["message"], cli["message"]);
        assert_eq!(lsp["source"], "rulec");
        assert_eq!(
            lsp["range"]["start"]["line"],
            cli["line"].as_u64().unwrap() - 1
        );
        assert_eq!(
            lsp["range"]["start"]["character"],
            cli["column"].as_u64().unwrap() - 1
        );
        assert_eq!(
            lsp["range"]["end"]["line"],
            cli["end_line"].as_u64().unwrap() - 1
        );
        let severity = if cli["severity"] == "error" { 1 } else { 2 };
        assert_eq!(lsp["severity"], severity);
        // Every other label, in whatever file, is related information at its place.
        let related = lsp["relatedInformation"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for label in cli["labels"].as_array().unwrap().iter().skip(1) {
            let file = dir.join(label["file"].as_str().unwrap().trim_start_matches("./"));
            let found = related.iter().any(|r| {
                r["location"]["uri"] == uri(&file)
                    && r["location"]["range"]["start"]["line"]
                        == label["line"].as_u64().unwrap() - 1
                    && r["message"] == label["label"]
            });
            assert!(found, "{label} in {related:#?}");
        }
        if let Some(help) = cli["help"].as_str() {
            assert!(
                related
                    .iter()
                    .any(|r| r["message"] == format!("help: {help}"))
            );
        }
    }
    // The duplicate's first declaration is in another file.
    let duplicate = published
        .iter()
        .find(|d| d["message"] == "service `container-registry` is declared twice")
        .unwrap();
    assert!(
        duplicate["relatedInformation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["location"]["uri"] == uri(&dir.join("container-registry.rules")))
    );
    // Fixing the file in the editor clears them, and only the editor's text counts.
    client.open(&extra_uri, extra);
    client.change(&extra_uri, 2, "// nothing here yet\n");
    assert_eq!(client.published(&extra_uri), Vec::<Value>::new());
    // Closing it takes the disk's text again, errors and all.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": extra_uri}}),
    );
    assert_eq!(client.published(&extra_uri).len(), expected.len());
    client.stop();
}

#[test]
fn a_keystroke_re_checks_and_an_unchanged_result_is_not_published_again() {
    let dir = workspace("keystrokes");
    let mut client = Client::start(&dir);
    let file = dir.join("routes.rules");
    let routes_uri = uri(&file);
    let text = std::fs::read_to_string(&file).unwrap();
    client.open(&routes_uri, &text);
    assert!(client.published(&routes_uri).is_empty());
    let broken = text.replacen("-> logs", "-> lgos", 1);
    client.change(&routes_uri, 2, &broken);
    let list = client.published(&routes_uri);
    assert_eq!(labels(&list).len(), 1, "{list:#?}");
    assert_eq!(list[0]["code"], "rules::unknown_target");
    let position = at(&broken, "lgos", 0, 0);
    assert_eq!(list[0]["range"]["start"], position);
    // A quick fix for the did-you-mean: it writes the suggestion over the name.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": routes_uri}, "range": {"start": position, "end": position}, "context": {"diagnostics": []}}),
    );
    let edit = &actions[0]["edit"]["changes"][&routes_uri][0];
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(edit["newText"], "logs");
    assert_eq!(edit["range"]["start"], position);
    // An incremental change that types one more comment character keeps the same result:
    // nothing is published again.
    let count = client.publishes[&routes_uri];
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": routes_uri, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "//"}
        ]}),
    );
    assert_eq!(client.published(&routes_uri).len(), 1);
    assert_eq!(client.publishes[&routes_uri], count);
    client.stop();
}

#[test]
fn hover_describes_actions_types_fields_locations_rules_and_targets() {
    let dir = workspace("hover");
    let mut client = Client::start(&dir);
    let registry = std::fs::read_to_string(dir.join("container-registry.rules")).unwrap();
    let registry_uri = uri(&dir.join("container-registry.rules"));
    let routes = std::fs::read_to_string(dir.join("routes.rules")).unwrap();
    let routes_uri = uri(&dir.join("routes.rules"));
    let envelope = std::fs::read_to_string(dir.join("envelope.rules")).unwrap();
    let envelope_uri = uri(&dir.join("envelope.rules"));
    let mut hovers = String::new();
    for (what, uri, position) in [
        (
            "an action",
            &registry_uri,
            at(&registry, "image.push \"", 0, 2),
        ),
        (
            "an action named in a `when`",
            &registry_uri,
            at(&registry, "image.push,", 0, 1),
        ),
        (
            "a type where it is used",
            &registry_uri,
            at(&registry, ": vulnerability_status", 0, 3),
        ),
        ("a field", &envelope_uri, at(&envelope, "outcome:", 0, 1)),
        (
            "a location in a route rule",
            &routes_uri,
            at(&routes, "eu-de,", 0, 1),
        ),
        ("a rule's arrow", &routes_uri, at(&routes, "->", 0, 0)),
        ("a target", &routes_uri, at(&routes, "target siem", 0, 8)),
    ] {
        let text = client.hover(uri, position);
        writeln!(hovers, "## {what}\n\n{text}\n").unwrap();
    }
    insta::assert_snapshot!(hovers);
    client.stop();
}

#[test]
fn definitions_and_references_cross_files() {
    let dir = workspace("definitions");
    let mut client = Client::start(&dir);
    let routes = std::fs::read_to_string(dir.join("routes.rules")).unwrap();
    let routes_uri = uri(&dir.join("routes.rules"));
    let locations_uri = uri(&dir.join("locations.rules"));
    let locations = std::fs::read_to_string(dir.join("locations.rules")).unwrap();
    // A region named in a route is declared in locations.rules.
    let definition = client.position(
        "textDocument/definition",
        &routes_uri,
        at(&routes, "eu-de,", 0, 1),
    );
    assert_eq!(definition[0]["uri"], locations_uri);
    assert_eq!(
        definition[0]["range"]["start"],
        at(&locations, "region eu-de ", 0, 7)
    );
    // Its references: every route rule and `locate` that names it, in any file, and with the
    // declaration when asked.
    let references = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": locations_uri}, "position": at(&locations, "region eu-de ", 0, 8), "context": {"includeDeclaration": true}}),
    );
    let references = references.as_array().unwrap();
    assert!(references.iter().any(|r| r["uri"] == routes_uri));
    assert!(references.iter().any(|r| r["uri"] == locations_uri));
    let count = routes.matches("eu-de,").count() + routes.matches("eu-de ").count();
    assert!(references.len() > count, "{references:#?}");
    // A target: its declaration and where routes send to it.
    let target = client.position(
        "textDocument/definition",
        &routes_uri,
        at(&routes, "-> logs", 0, 4),
    );
    assert_eq!(
        target[0]["range"]["start"],
        at(&routes, "target logs", 0, 7)
    );
    // An action named in a `when` block goes to its line in its group.
    let registry = std::fs::read_to_string(dir.join("container-registry.rules")).unwrap();
    let registry_uri = uri(&dir.join("container-registry.rules"));
    let action = client.position(
        "textDocument/definition",
        &registry_uri,
        at(&registry, "image.pull,", 0, 2),
    );
    assert_eq!(
        action[0]["range"]["start"],
        at(&registry, "image.pull \"", 0, 0)
    );
    client.stop();
}

fn labels_of(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn completion_offers_keywords_names_of_the_right_kind_and_enum_members() {
    let dir = workspace("completion");
    let mut client = Client::start(&dir);
    let file = dir.join("draft.rules");
    let draft_uri = uri(&file);
    let cases: [(&str, &[&str], &[&str]); 6] = [
        // A location in a route rule: regions, zones, `global`, `*`, and the keywords there.
        (
            "route draft {\n  ",
            &["eu-de", "eu-de-1", "global", "*", "types", "actions"],
            &["logs"],
        ),
        // After the arrow: targets and `drop`.
        (
            "route draft {\n  eu-de -> ",
            &["logs", "archive", "siem", "drop"],
            &["eu-de"],
        ),
        // A misspelt keyword at the start of an action line: the three that fit.
        (
            "service s \"S\" {\n  group g \"G\" {\n    managm",
            &["management", "data", "action"],
            &["service"],
        ),
        // A field's type: base types and declared ones.
        (
            "schema s {\n  a.b: ",
            &["string", "timestamp", "enum", "vulnerability_status"],
            &["logs"],
        ),
        // A compared field's enum members, quoted.
        ("when outcome == ", &["\"success\"", "\"failure\""], &[]),
        // `use` takes a schema.
        (
            "envelope {\n  use ",
            &["account_vulnerability_fields"],
            &["logs", "eu-de"],
        ),
    ];
    for (version, (text, wanted, unwanted)) in cases.iter().enumerate() {
        if version == 0 {
            client.open(&draft_uri, text);
        } else {
            client.change(&draft_uri, i32::try_from(version).unwrap() + 1, text);
        }
        let last = text.rfind('\n').map_or(0, |i| i + 1);
        let end = json!({"line": text.matches('\n').count(), "character": text[last..].encode_utf16().count()});
        let items = client.position("textDocument/completion", &draft_uri, end);
        let got = labels_of(&items);
        for label in *wanted {
            assert!(
                got.iter().any(|g| g == label),
                "{label} not in {got:?} for {text:?}"
            );
        }
        for label in *unwanted {
            assert!(
                !got.iter().any(|g| g == label),
                "{label} in {got:?} for {text:?}"
            );
        }
    }
    // Inside a service, actions are offered relative to it.
    let registry = std::fs::read_to_string(dir.join("container-registry.rules")).unwrap();
    let registry_uri = uri(&dir.join("container-registry.rules"));
    let typed = registry.replacen(
        "  when action in { image.push,",
        "  when action in { ima",
        1,
    );
    client.change(&draft_uri, 9, "");
    client.open(&registry_uri, &typed);
    let items = client.position(
        "textDocument/completion",
        &registry_uri,
        at(&typed, "{ ima", 0, 5),
    );
    let got = labels_of(&items);
    assert!(got.contains(&"image.push".to_owned()), "{got:?}");
    assert!(
        !got.iter().any(|g| g.starts_with("container-registry.")),
        "{got:?}"
    );
    let edit = &items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "image.push")
        .unwrap()["textEdit"];
    assert_eq!(edit["range"]["start"], at(&typed, "{ ima", 0, 2));
    client.stop();
}

#[test]
fn rename_formatting_symbols_and_tokens() {
    let dir = workspace("edits");
    let mut client = Client::start(&dir);
    let routes = std::fs::read_to_string(dir.join("routes.rules")).unwrap();
    let routes_uri = uri(&dir.join("routes.rules"));
    // Rename a target everywhere it is written.
    let prepared = client.position(
        "textDocument/prepareRename",
        &routes_uri,
        at(&routes, "target logs", 0, 8),
    );
    assert_eq!(prepared["start"], at(&routes, "target logs", 0, 7));
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": routes_uri}, "position": at(&routes, "target logs", 0, 8), "newName": "cloud_logs_main"}),
    );
    assert_eq!(edit["changes"].as_object().unwrap().len(), 1, "{edit:#?}");
    let edits = edit["changes"][&routes_uri].as_array().unwrap();
    assert!(edits.len() >= 3, "{edits:#?}");
    assert!(edits.iter().all(|e| e["newText"] == "cloud_logs_main"));
    // Applying the edits gives a catalog that checks clean.
    let mut renamed = routes.clone();
    let lines: Vec<&str> = routes.lines().collect();
    let mut offsets: Vec<usize> = edits
        .iter()
        .map(|e| {
            let line = usize::try_from(e["range"]["start"]["line"].as_u64().unwrap()).unwrap();
            let column =
                usize::try_from(e["range"]["start"]["character"].as_u64().unwrap()).unwrap();
            lines[..line].iter().map(|l| l.len() + 1).sum::<usize>() + column
        })
        .collect();
    offsets.sort_unstable();
    for offset in offsets.iter().rev() {
        renamed.replace_range(*offset..offset + 4, "cloud_logs_main");
    }
    std::fs::write(dir.join("routes.rules"), &renamed).unwrap();
    assert_eq!(rulec_in(&dir, &["check", "."]).code, 0);
    // An action cannot be renamed; an invalid or taken name is refused.
    assert!(client.call("textDocument/rename", json!({"textDocument": {"uri": routes_uri}, "position": at(&routes, "target logs", 0, 8), "newName": "siem"})).is_err());
    assert!(client.call("textDocument/rename", json!({"textDocument": {"uri": routes_uri}, "position": at(&routes, "target logs", 0, 8), "newName": "a b"})).is_err());
    // Formatting is exactly `rulec fmt`.
    let messy = routes.replace("\n  ", "\n      ");
    client.open(&routes_uri, &messy);
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": routes_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(edits[0]["newText"], rulec::format::format(&messy).unwrap());
    assert_eq!(edits[0]["newText"], routes);
    // Symbols: the outline of a file, and the declarations of the workspace.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": routes_uri}}),
    );
    let names = labels_of(&json!(
        symbols
            .as_array()
            .unwrap()
            .iter()
            .map(|s| json!({"label": s["name"]}))
            .collect::<Vec<_>>()
    ));
    assert!(
        names.contains(&"logs".to_owned()) && names.contains(&"regional".to_owned()),
        "{names:?}"
    );
    let found = client.request("workspace/symbol", json!({"query": "image.pu"}));
    let found = labels_of(&json!(
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|s| json!({"label": s["name"]}))
            .collect::<Vec<_>>()
    ));
    assert!(
        found.contains(&"container-registry.image.push".to_owned()),
        "{found:?}"
    );
    // Semantic tokens: five numbers each, keywords and names among them.
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": routes_uri}}),
    );
    let data = tokens["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    assert!(data.len() / 5 > 50);
    client.stop();
}

#[test]
fn positions_are_utf16_on_lines_with_chinese_text() {
    let dir = workspace("utf16");
    let mut client = Client::start(&dir);
    let file = dir.join("draft.rules");
    let draft_uri = uri(&file);
    // A line whose text before the name is not ASCII: the column counts UTF-16 units.
    let line = "locations t \"中文 𝄞 描述\" { eu-dee }";
    let service = format!(
        "service demo \"Demo\" {{\n  collect management\n  {line}\n  management thing.read \"读取\"\n}}\n"
    );
    client.open(&draft_uri, &service);
    let list = client.published(&draft_uri);
    let unknown = list
        .iter()
        .find(|d| d["code"] == "rules::unknown_location")
        .expect("an unknown location");
    assert_eq!(unknown["range"]["start"], at(&service, "eu-dee", 0, 0));
    assert_eq!(unknown["range"]["end"], at(&service, "eu-dee", 0, 6));
    // Hover after the Chinese description finds the name.
    let hover = client.hover(&draft_uri, at(&service, "eu-dee", 0, 3));
    assert!(hover.contains("`eu-dee` is not declared"), "{hover}");
    client.stop();
}

/// Writes one framed message.
fn frame(stdin: &mut impl std::io::Write, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

/// Reads framed messages on a thread, so that every wait can time out.
fn reader(stdout: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<Value> {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut stdout = BufReader::new(stdout);
        loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                // Only `Content-Length` headers: anything else on stdout is a stray log.
                let value = line.strip_prefix("Content-Length: ").expect("a header");
                length = Some(value.parse::<usize>().unwrap());
            }
            let mut body = vec![0; length.unwrap()];
            stdout.read_exact(&mut body).unwrap();
            if send.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    });
    receive
}

#[test]
fn the_binary_speaks_json_rpc_over_stdio() {
    let dir = workspace("stdio");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rulec"))
        .arg("lsp")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let messages = reader(child.stdout.take().unwrap());
    let next =
        |id: i32, stdin: &mut std::process::ChildStdin, method: &str, params: Value| -> Value {
            frame(
                stdin,
                &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
            );
            loop {
                let message = messages.recv_timeout(TIMEOUT).expect("an answer in time");
                if message["id"] == id && message.get("method").is_none() {
                    return message;
                }
            }
        };
    let init = next(
        1,
        &mut stdin,
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {}}),
    );
    assert_eq!(init["result"]["capabilities"]["hoverProvider"], true);
    frame(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let file_uri = uri(&dir.join("routes.rules"));
    let good = std::fs::read_to_string(dir.join("routes.rules")).unwrap();
    let bad = good.replacen("-> logs", "-> lgos", 1);
    frame(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": file_uri, "languageId": "rules", "version": 1, "text": bad}}}),
    );
    let published = |expect_empty: bool| loop {
        let message = messages.recv_timeout(TIMEOUT).expect("diagnostics in time");
        if message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == file_uri
        {
            let list = message["params"]["diagnostics"].as_array().unwrap().clone();
            assert_eq!(list.is_empty(), expect_empty, "{list:#?}");
            return list;
        }
    };
    let list = published(false);
    assert_eq!(list[0]["code"], "rules::unknown_target");
    frame(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": file_uri, "version": 2}, "contentChanges": [{"text": good}]}}),
    );
    published(true);
    let position = at(&good, "-> logs", 0, 4);
    let hover = next(
        2,
        &mut stdin,
        "textDocument/hover",
        json!({"textDocument": {"uri": file_uri}, "position": position}),
    );
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("**target** `logs`")
    );
    let definition = next(
        3,
        &mut stdin,
        "textDocument/definition",
        json!({"textDocument": {"uri": file_uri}, "position": position}),
    );
    assert_eq!(
        definition["result"][0]["range"]["start"],
        at(&good, "target logs", 0, 7)
    );
    let completion = next(
        4,
        &mut stdin,
        "textDocument/completion",
        json!({"textDocument": {"uri": file_uri}, "position": position}),
    );
    assert!(
        completion["result"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "archive")
    );
    let formatting = next(
        5,
        &mut stdin,
        "textDocument/formatting",
        json!({"textDocument": {"uri": file_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(formatting["result"], json!([]));
    let shutdown = next(6, &mut stdin, "shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    frame(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < TIMEOUT, "rulec lsp did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn hostile_requests_get_errors_and_the_server_stays_up() {
    let dir = workspace("hostile");
    let mut client = Client::start(&dir);
    let routes_uri = uri(&dir.join("routes.rules"));
    let elsewhere = uri(&dir.join("nowhere.rules"));
    let anywhere = json!({"line": 0, "character": 0});
    // A file the server does not know, and a scheme it cannot read.
    let error = client
        .call(
            "textDocument/hover",
            json!({"textDocument": {"uri": elsewhere}, "position": anywhere}),
        )
        .unwrap_err();
    assert_eq!(error.code, -32602, "{error:?}");
    client.open("untitled:Untitled-1", "route {");
    assert!(
        client
            .call(
                "textDocument/hover",
                json!({"textDocument": {"uri": "untitled:Untitled-1"}, "position": anywhere})
            )
            .is_err()
    );
    // Parameters of the wrong shape, and a method it does not have.
    assert_eq!(
        client
            .call("textDocument/hover", json!({}))
            .unwrap_err()
            .code,
        -32602
    );
    assert_eq!(
        client.call("rulec/nothing", json!({})).unwrap_err().code,
        -32601
    );
    // Positions past the end of a line or of the file are its end, and edits there too.
    let far = json!({"line": 100_000, "character": 100_000});
    assert_eq!(
        client.position("textDocument/hover", &routes_uri, far.clone()),
        Value::Null
    );
    let text = std::fs::read_to_string(dir.join("routes.rules")).unwrap();
    client.open(&routes_uri, &text);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": routes_uri, "version": 2}, "contentChanges": [
            {"range": {"start": far, "end": far}, "text": "\n// appended"},
            {"range": {"start": {"line": 3, "character": 500}, "end": {"line": 1, "character": 0}}, "text": ""}
        ]}),
    );
    assert!(client.published(&routes_uri).is_empty());
    // A change for a file that was never opened, and a close of one never opened: ignored.
    client.change(&elsewhere, 2, "route x {");
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": elsewhere}}),
    );
    // Still serving.
    let hover = client.hover(&routes_uri, at(&text, "target siem", 0, 8));
    assert!(hover.contains("**target** `siem`"), "{hover}");
    // `exit` before `shutdown` ends the server with an error, as the protocol says (code 1).
    client.notify("exit", Value::Null);
    let server = client.server.take().unwrap();
    assert!(matches!(
        server.join().unwrap(),
        Err(rulec::lsp::LspError::ExitWithoutShutdown)
    ));
}
