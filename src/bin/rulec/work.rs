//! `rulec work`: a NATS JetStream worker that loses no event.
//!
//! Each worker fetches batches from a durable pull consumer with explicit acks, decides each
//! event, and publishes: the decision to `P.decisions.<verdict>`, a copy of a routed event to
//! `P.route.<target>` for each of its targets, a rejected event to `P.dead` with its reasons in
//! headers. Every publish has a `Nats-Msg-Id` made of the input's stream and sequence, so a
//! redelivered event publishes nothing twice within the streams' duplicate window. An input is
//! acked only once the server has acknowledged every publish it caused; one whose publishes
//! failed is nak'ed with a delay, so it comes back. An event that used up `max_deliver` goes to
//! `P.dead` with that reason (the server's advisory says so, and every worker acts on it; the
//! message id makes it once). SIGTERM and SIGINT stop fetching, finish and ack the batch in
//! hand, and exit 0; SIGHUP reloads the catalog.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::consumer::{AckPolicy, PullConsumer, pull};
use async_nats::jetstream::stream::{self, RetentionPolicy, StorageType};
use async_nats::jetstream::{self, AckKind, Context};
use bytes::Bytes;
use futures::StreamExt as _;
use rulec::{Decision, Engine, Evaluator, Verdict};
use tokio::sync::watch;

use crate::cli::{OK, RetentionArg, USAGE, WorkArgs};
use crate::load;

/// A catalog and its hash, swapped whole on reload.
struct Loaded {
    engine: Engine,
    hash: String,
}

/// What a worker counted, for its closing line.
#[derive(Debug, Default)]
struct Counts {
    decided: AtomicU64,
    redelivered: AtomicU64,
    duplicates: AtomicU64,
    naked: AtomicU64,
    dead_by_max_deliver: AtomicU64,
}

pub(crate) fn run(args: &WorkArgs) -> u8 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(work(args)),
        Err(error) => {
            eprintln!("error: cannot start the worker's threads: {error}");
            USAGE
        }
    }
}

async fn work(args: &WorkArgs) -> u8 {
    let client = match async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(args.nats.as_str())
        .await
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: cannot connect to NATS at {}: {error}", args.nats);
            return USAGE;
        }
    };
    let js = jetstream::new(client.clone());
    if args.setup {
        return match setup(&js, args).await {
            Ok(()) => OK,
            Err(message) => {
                eprintln!("error: {message}");
                USAGE
            }
        };
    }
    let catalog = match &args.catalog_bucket {
        Some(_) if !args.catalog.paths().is_empty() => {
            eprintln!("error: give the catalog as files or as `--catalog-bucket`, not both");
            return USAGE;
        }
        Some(bucket) => match crate::bucket::get(&js, bucket).await {
            Ok(catalog) => catalog,
            Err(message) => {
                eprintln!("error: {message}");
                return USAGE;
            }
        },
        None => match load::catalog(&args.catalog.paths(), "not working", crate::cli::FAILED) {
            Ok(catalog) => catalog,
            Err(code) => return code,
        },
    };
    let loaded = Arc::new(RwLock::new(Arc::new(Loaded {
        hash: catalog.hash(),
        engine: Engine::new(catalog),
    })));
    let consumer = match open(&js, args).await {
        Ok(consumer) => consumer,
        Err(message) => {
            eprintln!("error: {message}; create them with `rulec work --setup`");
            return USAGE;
        }
    };
    let max_deliver = consumer.cached_info().config.max_deliver;
    let (stop, stopped) = watch::channel(false);
    let paths = args.catalog_bucket.is_none().then(|| args.catalog.paths());
    if let Err(error) = signals(stop, Arc::clone(&loaded), paths) {
        eprintln!("error: cannot handle signals: {error}");
        return USAGE;
    }
    let counts = Arc::new(Counts::default());
    let worker = Worker {
        js: js.clone(),
        prefix: args.subject_prefix.clone(),
        stream: args.stream.clone(),
        max_deliver,
        counts: Arc::clone(&counts),
        pass_through: args.bench_pass_through,
        pause_before_ack: args.test_pause_before_ack.map(Duration::from_millis),
        planned: match planned(args) {
            Ok(planned) => planned,
            Err(code) => return code,
        },
    };
    let advisories = tokio::spawn(dead_letters(
        client,
        worker.clone(),
        args.consumer.clone(),
        Arc::clone(&loaded),
    ));
    if let Some(bucket) = args.catalog_bucket.clone() {
        let loaded = Arc::clone(&loaded);
        tokio::spawn(crate::bucket::follow(js.clone(), bucket, move |catalog| {
            // The watch starts with the catalog in use: not a switch.
            if catalog.hash() != current(&loaded).hash {
                swap(&loaded, catalog);
            }
        }));
    }
    eprintln!(
        "rulec work: consuming `{}` of `{}` at {} (catalog {})",
        args.consumer,
        args.stream,
        args.nats,
        current(&loaded).hash
    );
    consume(&consumer, &worker, &loaded, args, stopped).await;
    advisories.abort();
    eprintln!("rulec work: stopped: {}", counts.line());
    OK
}

/// The benchmark's decisions (`--bench-decisions`), when given.
fn planned(args: &WorkArgs) -> Result<Option<Arc<Vec<Outcome<'static>>>>, u8> {
    let Some(path) = &args.bench_decisions else {
        return Ok(None);
    };
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(Arc::new(
            text.lines().filter_map(Outcome::planned).collect(),
        ))),
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", path.display());
            Err(USAGE)
        }
    }
}

/// The durable consumer the workers share.
async fn open(js: &Context, args: &WorkArgs) -> Result<PullConsumer, String> {
    let stream = js
        .get_stream(&args.stream)
        .await
        .map_err(|e| format!("no stream `{}`: {e}", args.stream))?;
    stream.get_consumer(&args.consumer).await.map_err(|e| {
        format!(
            "no consumer `{}` on stream `{}`: {e}",
            args.consumer, args.stream
        )
    })
}

/// Fetches and handles batches until a stop; the batch in hand is finished first.
async fn consume(
    consumer: &PullConsumer,
    worker: &Worker,
    loaded: &RwLock<Arc<Loaded>>,
    args: &WorkArgs,
    stopped: watch::Receiver<bool>,
) {
    let mut stopping = stopped.clone();
    while !*stopped.borrow() {
        let batch = tokio::select! {
            _ = stopping.changed() => break,
            batch = consumer
                .fetch()
                .max_messages(args.batch.max(1))
                .expires(Duration::from_secs(1))
                .messages() => batch,
        };
        let mut batch = match batch {
            Ok(batch) => batch,
            Err(error) => {
                eprintln!("warning: cannot fetch: {error}; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        let mut messages = Vec::new();
        while let Some(message) = batch.next().await {
            match message {
                Ok(message) => messages.push(message),
                Err(error) => {
                    eprintln!("warning: a fetch ended early: {error}");
                    break;
                }
            }
        }
        if let Some(pause) = args.test_pause_after_fetch {
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
        // The batch in hand is finished even when a stop comes meanwhile.
        worker.handle(&current(loaded), messages).await;
    }
}

impl Counts {
    /// The closing line's counts.
    fn line(&self) -> String {
        let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
        format!(
            "decided {}, of which {} redelivered; {} publishes were duplicates; {} nak'ed; {} sent to dead after max_deliver",
            n(&self.decided),
            n(&self.redelivered),
            n(&self.duplicates),
            n(&self.naked),
            n(&self.dead_by_max_deliver),
        )
    }
}

/// Switches to another catalog: the batch in hand finishes with the old one, the next batch
/// uses it.
fn swap(loaded: &RwLock<Arc<Loaded>>, catalog: rulec::Catalog) {
    let next = Arc::new(Loaded {
        hash: catalog.hash(),
        engine: Engine::new(catalog),
    });
    eprintln!("rulec work: switched to the catalog {}", next.hash);
    *loaded.write().unwrap_or_else(PoisonError::into_inner) = next;
}

fn current(loaded: &RwLock<Arc<Loaded>>) -> Arc<Loaded> {
    Arc::clone(&loaded.read().unwrap_or_else(PoisonError::into_inner))
}

/// SIGTERM and SIGINT stop fetching; SIGHUP reloads the catalog from its files (a broken one is
/// not used), when it comes from files (`paths`) rather than a bucket.
fn signals(
    stop: watch::Sender<bool>,
    loaded: Arc<RwLock<Arc<Loaded>>>,
    paths: Option<Vec<std::path::PathBuf>>,
) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut hangup = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
        eprintln!("rulec work: stopping: no new fetches; finishing the batch in hand");
        let _ = stop.send(true);
    });
    tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            let Some(paths) = paths.clone() else {
                eprintln!(
                    "rulec work: SIGHUP: the catalog follows its bucket, which it takes each new artifact from"
                );
                continue;
            };
            let reloaded = tokio::task::spawn_blocking(move || {
                load::catalog(&paths, "the catalog is not reloaded; the old one stays", 1).ok()
            })
            .await
            .ok()
            .flatten();
            if let Some(catalog) = reloaded {
                swap(&loaded, catalog);
            }
        }
    });
    Ok(())
}

/// What deciding and publishing need.
#[derive(Clone)]
struct Worker {
    js: Context,
    prefix: String,
    stream: String,
    max_deliver: i64,
    counts: Arc<Counts>,
    /// The benchmark's pass-through: republish without deciding.
    pass_through: bool,
    /// The tests' window between publishing and acking.
    pause_before_ack: Option<Duration>,
    /// The benchmark's decisions, by stream position: published without deciding.
    planned: Option<Arc<Vec<Outcome<'static>>>>,
}

/// What the publishes of an event need of its decision.
struct Outcome<'d> {
    verdict: Verdict,
    /// The location, or empty.
    location: Cow<'d, str>,
    targets: Cow<'d, [String]>,
    /// The decision as `rulec eval` writes it.
    json: Bytes,
    /// A reject's errors, for the dead letter: `CODE message; ...`.
    reasons: String,
}

impl<'d> Outcome<'d> {
    /// The outcome of a decision, borrowing its location and targets.
    fn of(decision: &'d Decision<'_>) -> Self {
        let reasons: Vec<String> = decision
            .violations
            .iter()
            .filter(|v| v.level == rulec::ViolationLevel::Error)
            .map(|v| format!("{} {}", v.code, one_line(&v.message)))
            .collect();
        Outcome {
            verdict: decision.verdict,
            location: Cow::Borrowed(decision.location.as_deref().unwrap_or_default()),
            targets: Cow::Borrowed(decision.targets.as_deref().unwrap_or_default()),
            json: Bytes::from(decision.to_json()),
            reasons: reasons.join("; "),
        }
    }

    /// An outcome from a decision `rulec eval` wrote, for the benchmark's pass-through.
    fn planned(line: &str) -> Option<Outcome<'static>> {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        let verdict = match value.get("verdict")?.as_str()? {
            "route" => Verdict::Route,
            "drop" => Verdict::Drop,
            _ => Verdict::Reject,
        };
        let text = |key: &str| {
            value
                .get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let reasons: Vec<String> = value
            .get("violations")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter(|v| v.get("level").and_then(serde_json::Value::as_str) == Some("error"))
            .map(|v| {
                let field = |key: &str| {
                    v.get(key)
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                };
                format!("{} {}", field("code"), one_line(field("message")))
            })
            .collect();
        Some(Outcome {
            verdict,
            location: Cow::Owned(text("location")),
            targets: Cow::Owned(
                value
                    .get("targets")
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
            ),
            json: Bytes::from(line.to_owned()),
            reasons: reasons.join("; "),
        })
    }
}

/// One publish an input causes.
struct Publish {
    subject: String,
    headers: HeaderMap,
    payload: Bytes,
}

impl Worker {
    /// Decides a batch, publishes everything it causes, then acks each input whose publishes
    /// all succeeded and naks the others.
    async fn handle(&self, loaded: &Loaded, messages: Vec<jetstream::Message>) {
        let evaluator = Evaluator::new(&loaded.engine);
        let mut pending = Vec::with_capacity(messages.len());
        for message in messages {
            // The message ids come from the stream sequence: without it, nothing can be
            // published exactly once, so the event waits to be delivered again.
            let Ok((sequence, delivered)) =
                message.info().map(|i| (i.stream_sequence, i.delivered))
            else {
                eprintln!("warning: a message without JetStream metadata; nak'ed");
                self.counts.naked.fetch_add(1, Ordering::Relaxed);
                let _ = message
                    .ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
                    .await;
                continue;
            };
            if delivered > 1 {
                self.counts.redelivered.fetch_add(1, Ordering::Relaxed);
            }
            let index = sequence.saturating_sub(1);
            let publishes = if self.pass_through {
                let mut headers = HeaderMap::new();
                headers.insert(
                    "Nats-Msg-Id",
                    format!("{}-{sequence}-pass", self.stream).as_str(),
                );
                vec![Publish {
                    subject: format!("{}.pass", self.prefix),
                    headers,
                    payload: message.payload.clone(),
                }]
            } else {
                // The benchmark's fair pass-through: the same publishes, not decided.
                let planned = self.planned.as_deref().and_then(|planned| {
                    let i = usize::try_from(index).ok()?;
                    planned.get(i % planned.len().max(1))
                });
                if let Some(outcome) = planned {
                    self.publishes(loaded, &message.payload, outcome, sequence, delivered)
                } else {
                    let decision = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        evaluator.evaluate(&message.payload, index)
                    }))
                    .unwrap_or_else(|_| Decision::internal(index));
                    let outcome = Outcome::of(&decision);
                    self.publishes(loaded, &message.payload, &outcome, sequence, delivered)
                }
            };
            let mut acks = Vec::with_capacity(publishes.len());
            let mut sent = true;
            for publish in publishes {
                match self
                    .js
                    .publish_with_headers(publish.subject, publish.headers, publish.payload)
                    .await
                {
                    Ok(ack) => acks.push(ack),
                    Err(error) => {
                        eprintln!("warning: cannot publish for sequence {sequence}: {error}");
                        sent = false;
                        break;
                    }
                }
            }
            pending.push((message, acks, sent));
        }
        if let Some(pause) = self.pause_before_ack {
            tokio::time::sleep(pause).await;
        }
        // Each event waits only for its own publishes: the events of a batch are settled
        // together, each acked once all of its publishes are stored.
        let settled = pending
            .into_iter()
            .map(|(message, acks, sent)| self.settle(message, acks, sent));
        futures::future::join_all(settled).await;
    }

    /// Acks an event once the server acknowledged each of its publishes, or naks it.
    async fn settle(
        &self,
        message: jetstream::Message,
        acks: Vec<async_nats::jetstream::context::PublishAckFuture>,
        sent: bool,
    ) {
        let mut confirmed = sent;
        for ack in acks {
            match ack.await {
                Ok(ack) => {
                    if ack.duplicate {
                        self.counts.duplicates.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Err(error) => {
                    eprintln!("warning: a publish was not acknowledged: {error}");
                    confirmed = false;
                }
            }
        }
        if confirmed {
            self.counts.decided.fetch_add(1, Ordering::Relaxed);
            if let Err(error) = message.double_ack().await {
                // Not acked: it comes back, and its publishes are duplicates then.
                eprintln!("warning: cannot ack: {error}");
            }
        } else {
            self.counts.naked.fetch_add(1, Ordering::Relaxed);
            let _ = message
                .ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
                .await;
        }
    }

    /// The publishes one decision causes, each with its message id.
    fn publishes(
        &self,
        loaded: &Loaded,
        event: &Bytes,
        outcome: &Outcome<'_>,
        sequence: u64,
        delivered: i64,
    ) -> Vec<Publish> {
        let id = |kind: &str| format!("{}-{sequence}-{kind}", self.stream);
        let headers = |id: String| {
            let mut headers = HeaderMap::new();
            headers.insert("Nats-Msg-Id", id.as_str());
            headers.insert("Rulec-Catalog-Hash", loaded.hash.as_str());
            headers.insert("Rulec-Verdict", outcome.verdict.as_str());
            headers.insert("Rulec-Location", &*outcome.location);
            headers.insert("Rulec-Source-Sequence", sequence.to_string().as_str());
            headers.insert("Rulec-Delivered", delivered.to_string().as_str());
            headers
        };
        let mut out = vec![Publish {
            subject: format!("{}.decisions.{}", self.prefix, outcome.verdict.as_str()),
            headers: headers(id("decision")),
            payload: outcome.json.clone(),
        }];
        match outcome.verdict {
            Verdict::Route => {
                for target in outcome.targets.iter() {
                    out.push(Publish {
                        subject: format!("{}.route.{target}", self.prefix),
                        headers: headers(id(&format!("route-{target}"))),
                        payload: event.clone(),
                    });
                }
            }
            Verdict::Reject => {
                let mut dead = headers(id("dead"));
                dead.insert("Rulec-Reasons", outcome.reasons.as_str());
                out.push(Publish {
                    subject: format!("{}.dead", self.prefix),
                    headers: dead,
                    payload: event.clone(),
                });
            }
            Verdict::Drop => {}
        }
        out
    }
}

/// A header value: one line.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// Events whose deliveries ran out (`max_deliver`): the server says so in an advisory, and the
/// event goes to `P.dead` from the stream, with that reason.
async fn dead_letters(
    client: async_nats::Client,
    worker: Worker,
    consumer: String,
    loaded: Arc<RwLock<Arc<Loaded>>>,
) {
    let subject = format!(
        "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{}.{consumer}",
        worker.stream
    );
    let Ok(mut advisories) = client.subscribe(subject).await else {
        eprintln!("warning: cannot follow max_deliver advisories");
        return;
    };
    while let Some(advisory) = advisories.next().await {
        let sequence = serde_json::from_slice::<serde_json::Value>(&advisory.payload)
            .ok()
            .and_then(|a| a.get("stream_seq").and_then(serde_json::Value::as_u64));
        let Some(sequence) = sequence else { continue };
        let Ok(stream) = worker.js.get_stream(&worker.stream).await else {
            continue;
        };
        let Ok(message) = stream.get_raw_message(sequence).await else {
            continue;
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            "Nats-Msg-Id",
            format!("{}-{sequence}-dead", worker.stream).as_str(),
        );
        headers.insert("Rulec-Source-Sequence", sequence.to_string().as_str());
        // Not decided: rejected, at no location, by the catalog in use.
        headers.insert("Rulec-Catalog-Hash", current(&loaded).hash.as_str());
        headers.insert("Rulec-Verdict", Verdict::Reject.as_str());
        headers.insert("Rulec-Location", "");
        headers.insert(
            "Rulec-Reasons",
            format!(
                "max_deliver: delivered {} times without being decided and published",
                worker.max_deliver
            )
            .as_str(),
        );
        let published = worker
            .js
            .publish_with_headers(format!("{}.dead", worker.prefix), headers, message.payload)
            .await;
        if let Ok(ack) = published {
            if ack.await.is_ok() {
                worker
                    .counts
                    .dead_by_max_deliver
                    .fetch_add(1, Ordering::Relaxed);
                let _ = stream.delete_message(sequence).await;
            }
        }
    }
}

/// Creates the input stream, the output stream and the durable consumer.
async fn setup(js: &Context, args: &WorkArgs) -> Result<(), String> {
    let window = Duration::from_secs(args.duplicate_window);
    let input_subjects = if args.subjects.is_empty() {
        vec![format!("{}.events.>", args.subject_prefix)]
    } else {
        args.subjects.clone()
    };
    let retention = match args.retention {
        RetentionArg::Workqueue => RetentionPolicy::WorkQueue,
        RetentionArg::Limits => RetentionPolicy::Limits,
    };
    let input = stream::Config {
        name: args.stream.clone(),
        subjects: input_subjects,
        retention,
        storage: StorageType::File,
        duplicate_window: window,
        ..Default::default()
    };
    let p = &args.subject_prefix;
    let output = stream::Config {
        name: format!("{}-OUT", args.stream),
        subjects: vec![
            format!("{p}.decisions.>"),
            format!("{p}.route.>"),
            format!("{p}.dead"),
            format!("{p}.pass"),
        ],
        retention: RetentionPolicy::Limits,
        storage: StorageType::File,
        duplicate_window: window,
        ..Default::default()
    };
    for config in [input, output] {
        let name = config.name.clone();
        js.get_or_create_stream(config)
            .await
            .map_err(|e| format!("cannot create stream `{name}`: {e}"))?;
        eprintln!("rulec work: stream `{name}` is ready");
    }
    let stream = js
        .get_stream(&args.stream)
        .await
        .map_err(|e| format!("cannot open stream `{}`: {e}", args.stream))?;
    stream
        .get_or_create_consumer(
            &args.consumer,
            pull::Config {
                durable_name: Some(args.consumer.clone()),
                ack_policy: AckPolicy::Explicit,
                ack_wait: Duration::from_secs(args.ack_wait),
                max_deliver: args.max_deliver,
                max_ack_pending: args.max_ack_pending,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| format!("cannot create consumer `{}`: {e}", args.consumer))?;
    eprintln!("rulec work: consumer `{}` is ready", args.consumer);
    Ok(())
}
