//! The requests `rulec serve` answers. Every response carries the hash of the catalog that
//! answered it (`Rulec-Catalog-Hash`); every error body is `{"code": "...", "message": "..."}`
//! with a code of `docs/serve.md`.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use rulec::{Context, Evaluator, EventType};
use serde_json::json;
use tokio::sync::mpsc;

use super::metrics::Tally;
use super::state::{Loaded, State};

/// A response body: whole, or streamed from a channel.
pub(crate) type ResponseBody = BoxBody<Bytes, Infallible>;

/// The limits a request is read under.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_event_bytes: usize,
    pub(crate) max_body_bytes: u64,
    pub(crate) body_timeout: Duration,
    /// Bytes per second an NDJSON body must at least arrive at, over each body timeout.
    pub(crate) min_body_rate: u64,
}

/// Marks a streamed response: its latency is observed when its last decision is sent.
#[derive(Clone, Copy)]
struct Streamed;

/// The header that names the catalog of a response.
const CATALOG_HASH: &str = "rulec-catalog-hash";

/// Decisions buffered between the thread that decides an NDJSON stream and the connection.
const STREAM_BUFFER: usize = 16;

/// Answers one request.
pub(crate) async fn handle(
    request: Request<Incoming>,
    state: Arc<State>,
    limits: Limits,
) -> Result<Response<ResponseBody>, Infallible> {
    let started = Instant::now();
    let loaded = state.current();
    let path = request.uri().path().to_owned();
    let (label, mut response) = match (request.method(), path.as_str()) {
        (&Method::POST, "/v1/decide") => (
            "/v1/decide",
            decide(request, &state, &loaded, limits, started).await,
        ),
        (&Method::GET, "/v1/catalog") => ("/v1/catalog", catalog(&state, &loaded)),
        (&Method::GET, "/healthz") => (
            "/healthz",
            json_response(StatusCode::OK, &json!({"status": "ok"})),
        ),
        (&Method::GET, "/readyz") => ("/readyz", ready(&state)),
        (&Method::GET, "/metrics") => ("/metrics", metrics(&state, &loaded)),
        (_, "/v1/decide" | "/v1/catalog" | "/healthz" | "/readyz" | "/metrics") => {
            let allow = if path == "/v1/decide" { "POST" } else { "GET" };
            let mut response = error(
                StatusCode::METHOD_NOT_ALLOWED,
                "http::method_not_allowed",
                &format!("{path} takes {allow}, not {}", request.method()),
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static(allow));
            ("other", response)
        }
        _ => (
            "other",
            error(
                StatusCode::NOT_FOUND,
                "http::not_found",
                &format!(
                    "no such path: {path}; the paths are POST /v1/decide, GET /v1/catalog, /healthz, /readyz and /metrics"
                ),
            ),
        ),
    };
    if let Ok(hash) = HeaderValue::from_str(&loaded.hash) {
        response.headers_mut().insert(CATALOG_HASH, hash);
    }
    if response.extensions().get::<Streamed>().is_none() {
        state.metrics.observe(label, started.elapsed());
    }
    Ok(response)
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> Response<ResponseBody> {
    let mut text = body.to_string();
    text.push('\n');
    respond(status, "application/json", Bytes::from(text))
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<ResponseBody> {
    let mut response = Response::new(Full::new(body).boxed());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An error response: `{"code": "...", "message": "..."}`.
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response<ResponseBody> {
    json_response(status, &json!({"code": code, "message": message}))
}

fn ready(state: &State) -> Response<ResponseBody> {
    if state.is_ready() {
        json_response(StatusCode::OK, &json!({"status": "ready"}))
    } else {
        error(
            StatusCode::SERVICE_UNAVAILABLE,
            "http::not_ready",
            "the server is shutting down",
        )
    }
}

fn catalog(state: &State, loaded: &Loaded) -> Response<ResponseBody> {
    let catalog = loaded.engine.catalog();
    let (succeeded, failed) = state.metrics.reloads();
    json_response(
        StatusCode::OK,
        &json!({
            "format_version": rulec::artifact::FORMAT_VERSION,
            "rulec_version": env!("CARGO_PKG_VERSION"),
            "catalog_hash": loaded.hash,
            "loaded_at": loaded.since,
            "counts": {
                "services": catalog.services().len(),
                "actions": catalog.actions().len(),
                "regions": catalog.regions().len(),
                "geographies": catalog.geographies().len(),
                "targets": catalog.targets().len(),
                "routes": catalog.routes().len(),
            },
            "reloads": {"succeeded": succeeded, "failed": failed},
        }),
    )
}

fn metrics(state: &State, loaded: &Loaded) -> Response<ResponseBody> {
    respond(
        StatusCode::OK,
        "text/plain; version=0.0.4; charset=utf-8",
        Bytes::from(state.metrics.render(&loaded.hash)),
    )
}

/// The options of `POST /v1/decide`: `types`, `strict`, `explain`.
#[derive(Debug, Clone, Copy)]
struct Options {
    context: Context,
    explain: bool,
}

fn options(query: Option<&str>) -> Result<Options, String> {
    let mut types: Option<Vec<EventType>> = None;
    let (mut strict, mut explain) = (false, false);
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value)?;
        let flag = |value: &str| match value {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(format!("`{key}` is `true` or `false`, not `{other}`")),
        };
        match key {
            "types" => {
                let mut list = Vec::new();
                for name in value.split(',').filter(|n| !n.is_empty()) {
                    list.push(match name {
                        "management" => EventType::Management,
                        "data" => EventType::Data,
                        other => {
                            return Err(format!(
                                "unknown event type `{other}` in `types`: write `management`, `data` or both"
                            ));
                        }
                    });
                }
                types = Some(list);
            }
            "strict" => strict = flag(&value)?,
            "explain" => explain = flag(&value)?,
            other => {
                return Err(format!(
                    "unknown parameter `{other}`: the parameters are `types`, `strict` and `explain`"
                ));
            }
        }
    }
    let context = types
        .as_deref()
        .map_or_else(Context::defaults, Context::with_types)
        .strict(strict);
    Ok(Options { context, explain })
}

/// A query value with its `%XX` escapes and `+` decoded.
fn decode(value: &str) -> Result<String, String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("`{value}` has a `%` that starts no escape"))?;
                out.push(hex);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{value}` is not UTF-8 once decoded"))
}

/// Which body `POST /v1/decide` got.
enum Form {
    One,
    Stream,
}

async fn decide(
    request: Request<Incoming>,
    state: &Arc<State>,
    loaded: &Arc<Loaded>,
    limits: Limits,
    started: Instant,
) -> Response<ResponseBody> {
    let options = match options(request.uri().query()) {
        Ok(options) => options,
        Err(message) => return error(StatusCode::BAD_REQUEST, "http::bad_request", &message),
    };
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let form = match content_type.as_deref() {
        Some("application/json") => Form::One,
        // `application/jsonl` is the other name JSON Lines goes by.
        Some("application/x-ndjson" | "application/jsonl") => Form::Stream,
        other => {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "http::unsupported_media_type",
                &format!(
                    "the body is `{}`: send one event as `application/json` or a stream as `application/x-ndjson`",
                    other.unwrap_or("without a Content-Type")
                ),
            );
        }
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = match form {
        Form::One => limits.max_event_bytes as u64,
        Form::Stream => limits.max_body_bytes,
    };
    if declared.is_some_and(|n| n > limit) {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "http::payload_too_large",
            &format!(
                "the body is larger than {limit} bytes; split it, or raise the server's limit"
            ),
        );
    }
    match form {
        Form::One => one(request.into_body(), state, loaded, limits, &options).await,
        Form::Stream => stream(request.into_body(), state, loaded, limits, options, started),
    }
}

/// One event: the whole body, within the event size limit.
async fn one(
    body: Incoming,
    state: &State,
    loaded: &Loaded,
    limits: Limits,
    options: &Options,
) -> Response<ResponseBody> {
    let read = tokio::time::timeout(
        limits.body_timeout,
        Limited::new(body, limits.max_event_bytes).collect(),
    )
    .await;
    let bytes = match read {
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                "http::timeout",
                "the body did not arrive in time",
            );
        }
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "http::payload_too_large",
                &format!(
                    "the event is larger than {} bytes; trim it at its producer, or raise the server's limit",
                    limits.max_event_bytes
                ),
            );
        }
        Ok(Err(e)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "http::bad_request",
                &format!("the body could not be read: {e}"),
            );
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    let evaluator = Evaluator::new(&loaded.engine)
        .with_context(options.context)
        .with_max_event_bytes(limits.max_event_bytes);
    let decision = evaluator.evaluate(&bytes, 0);
    let mut tally = Tally::default();
    tally.add(&decision);
    state.metrics.merge(tally);
    if options.explain {
        let text = evaluator.explain_decision(&bytes, decision).to_string();
        return respond(
            StatusCode::OK,
            "text/plain; charset=utf-8",
            Bytes::from(text),
        );
    }
    let mut text = decision.to_json();
    text.push('\n');
    respond(StatusCode::OK, "application/json", Bytes::from(text))
}

/// An NDJSON stream: decided line by line as it arrives, answered line by line in order, in
/// memory bounded by the event size limit and the channel.
fn stream(
    body: Incoming,
    state: &Arc<State>,
    loaded: &Arc<Loaded>,
    limits: Limits,
    options: Options,
    started: Instant,
) -> Response<ResponseBody> {
    let (sender, receiver) = mpsc::channel::<Bytes>(STREAM_BUFFER);
    let state = Arc::clone(state);
    let loaded = Arc::clone(loaded);
    tokio::spawn(async move {
        let mut decider = Decider {
            evaluator: Evaluator::new(&loaded.engine)
                .with_context(options.context)
                .with_max_event_bytes(limits.max_event_bytes),
            explain: options.explain,
            line: Vec::new(),
            cut: None,
            index: 0,
            out: Vec::new(),
            tally: Tally::default(),
        };
        let mut body = body;
        let mut total: u64 = 0;
        // The bytes of the current window of one body timeout, for the rate floor.
        let (mut window, mut window_bytes) = (Instant::now(), 0_u64);
        let floor = limits.min_body_rate * limits.body_timeout.as_secs();
        let ending = loop {
            let frame = tokio::time::timeout(limits.body_timeout, body.frame()).await;
            let data = match frame {
                Err(_) => break Some(("http::timeout", "the body stopped arriving".to_owned())),
                Ok(None) => break None,
                Ok(Some(Err(e))) => {
                    break Some((
                        "http::bad_request",
                        format!("the body could not be read: {e}"),
                    ));
                }
                Ok(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => data,
                    Err(_) => continue,
                },
            };
            total += data.len() as u64;
            window_bytes += data.len() as u64;
            if window.elapsed() >= limits.body_timeout {
                if window_bytes < floor {
                    break Some((
                        "http::timeout",
                        format!(
                            "the body arrived at {window_bytes} bytes in {} s, slower than the {} bytes per second the server waits for",
                            window.elapsed().as_secs(),
                            limits.min_body_rate
                        ),
                    ));
                }
                (window, window_bytes) = (Instant::now(), 0);
            }
            if total > limits.max_body_bytes {
                break Some((
                    "http::payload_too_large",
                    format!(
                        "the body went past {} bytes; the events after the last decision were not decided",
                        limits.max_body_bytes
                    ),
                ));
            }
            decider.feed(&data);
            if !decider.flush(&sender, &state).await {
                return;
            }
        };
        match ending {
            None => decider.finish(),
            Some((code, message)) => {
                decider.out.extend_from_slice(
                    json!({"code": code, "message": message})
                        .to_string()
                        .as_bytes(),
                );
                decider.out.push(b'\n');
            }
        }
        decider.flush(&sender, &state).await;
        state.metrics.observe("/v1/decide", started.elapsed());
    });
    let mut response = Response::new(ChannelBody { receiver }.boxed());
    response.extensions_mut().insert(Streamed);
    let content_type = if options.explain {
        "text/plain; charset=utf-8"
    } else {
        "application/x-ndjson"
    };
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Decides the lines of a stream as its bytes arrive.
struct Decider<'c> {
    evaluator: Evaluator<'c>,
    explain: bool,
    /// The line so far.
    line: Vec<u8>,
    /// The size of a line past the event limit, whose bytes are not kept.
    cut: Option<u64>,
    index: u64,
    /// Decisions not yet sent.
    out: Vec<u8>,
    tally: Tally,
}

impl<'c> Decider<'c> {
    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let (part, rest, ended) = match memchr::memchr(b'\n', data) {
                Some(at) => (
                    data.get(..at).unwrap_or_default(),
                    data.get(at + 1..).unwrap_or_default(),
                    true,
                ),
                None => (data, &[][..], false),
            };
            if let Some(size) = &mut self.cut {
                *size += part.len() as u64;
            } else if self.line.len() + part.len() > self.evaluator_limit() {
                self.cut = Some((self.line.len() + part.len()) as u64);
                self.line = Vec::new();
            } else {
                self.line.extend_from_slice(part);
            }
            if ended {
                self.end_line();
            }
            data = rest;
        }
    }

    fn evaluator_limit(&self) -> usize {
        // A line is kept up to the limit and one byte more, which is what tells "too large".
        self.evaluator.max_event_bytes().saturating_add(1)
    }

    /// Decides the line that just ended; a blank line is no event.
    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        if let Some(size) = self.cut.take() {
            let decision = self.evaluator.too_large(size, self.index);
            self.emit(&[], decision);
            return;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let decision = self.evaluator.evaluate(line, self.index);
        self.emit(line, decision);
    }

    fn emit(&mut self, event: &[u8], decision: rulec::Decision<'c>) {
        self.index += 1;
        self.tally.add(&decision);
        if self.explain {
            let text = self.evaluator.explain_decision(event, decision).to_string();
            self.out.extend_from_slice(text.as_bytes());
            self.out.push(b'\n');
        } else {
            let _ = decision.write_json(&mut self.out);
            self.out.push(b'\n');
        }
    }

    /// The last line, when the body does not end with a line feed.
    fn finish(&mut self) {
        if !self.line.is_empty() || self.cut.is_some() {
            self.end_line();
        }
    }

    /// Sends what was decided; false when the client has gone.
    async fn flush(&mut self, sender: &mpsc::Sender<Bytes>, state: &State) -> bool {
        state.metrics.merge(std::mem::take(&mut self.tally));
        if self.out.is_empty() {
            return true;
        }
        let chunk = Bytes::from(std::mem::take(&mut self.out));
        sender.send(chunk).await.is_ok()
    }
}

/// A response body fed by a channel: it ends when the sender is dropped.
struct ChannelBody {
    receiver: mpsc::Receiver<Bytes>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.receiver
            .poll_recv(cx)
            .map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}
