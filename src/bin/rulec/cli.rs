//! The command-line interface: subcommands, flags and their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code: success.
pub(crate) const OK: u8 = 0;
/// Exit code: the input had errors (or warnings, with `--deny-warnings`).
pub(crate) const FAILED: u8 = 1;
/// Exit code: bad usage or an I/O error.
pub(crate) const USAGE: u8 = 2;

/// A rules engine for cloud audit events (IBM Cloud Activity Tracker, CADF).
#[derive(Debug, Parser)]
#[command(name = "rulec", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check `.rules` files and report every problem.
    Check(CheckArgs),
    /// Compile `.rules` files into a versioned catalog artifact.
    Compile(CompileArgs),
    /// Decide route, drop or reject for each event of NDJSON (or JSON) input.
    Eval(EvalArgs),
    /// Run the YAML test cases (`*.test.yaml`) beside the rules, with coverage.
    Test(TestArgs),
    /// Write Markdown documentation of a catalog: one page per service, and an index.
    Doc(DocArgs),
    /// Rewrite `.rules` files in the canonical layout, keeping their comments.
    Fmt(FmtArgs),
    /// Instance configuration, checked as the service's API does.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Explain a diagnostic code: what it means, why it matters, a wrong and a corrected
    /// example.
    Explain(ExplainArgs),
    /// Print deterministic sample events for a catalog as NDJSON: valid events for every
    /// action, and a share of invalid ones that each break one rule.
    Sample(SampleArgs),
    /// Where would an event go? The targets of an action's events from a location, and the
    /// routes and rules that send them, without an event.
    Route(RouteArgs),
    /// Serve decisions over HTTP: `POST /v1/decide` for one event or an NDJSON stream, plus
    /// catalog, health and Prometheus metrics; reloads on SIGHUP or `--watch`.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Decide events from a NATS JetStream consumer, publish decisions, routed copies and dead
    /// letters, and ack only what the server has stored.
    #[cfg(feature = "work")]
    Work(WorkArgs),
    /// Run the language server for `.rules` files, over standard input and output (editors
    /// start it; see docs/editors.md).
    #[cfg(feature = "lsp")]
    Lsp(LspArgs),
    /// Compare two catalogs: what a change breaks for producers, what it widens, which events
    /// it sends elsewhere, and what only documents. `OLD NEW`, or `--git BASE [CATALOG]`.
    Diff(DiffArgs),
    /// Import definitions from elsewhere as `.rules`.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export a catalog in another format.
    #[command(subcommand)]
    Export(ExportCommand),
}

/// The catalog a subcommand reads, given the same way to every subcommand: positionally, or
/// with `--rules` (which `rulec eval`, whose positional arguments are its inputs, needs).
#[derive(Debug, clap::Args)]
pub(crate) struct CatalogArgs {
    /// The catalog: `.rules` files, directories of them, or one compiled artifact [default:
    /// rules]
    #[arg(value_name = "CATALOG")]
    catalog: Vec<PathBuf>,
    #[command(flatten)]
    flag: CatalogFlag,
}

impl CatalogArgs {
    /// The paths given, positionally or with `--rules`; empty for the default.
    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        self.catalog
            .iter()
            .chain(&self.flag.rules)
            .cloned()
            .collect()
    }
}

/// The `.rules` text a subcommand works on (`check`, `compile`, `fmt`), given as the catalog
/// is: positionally or with `--rules`.
#[derive(Debug, clap::Args)]
pub(crate) struct SourcesArgs {
    /// `.rules` files and directories of them [default: rules]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// `.rules` files and directories of them, as a flag (repeat for several)
    #[arg(long = "rules", short = 'r', value_name = "PATH")]
    rules: Vec<PathBuf>,
}

impl SourcesArgs {
    /// The paths given, positionally or with `--rules`; empty for the default.
    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        self.paths.iter().chain(&self.rules).cloned().collect()
    }
}

/// `--rules CATALOG`, repeatable.
#[derive(Debug, clap::Args)]
pub(crate) struct CatalogFlag {
    /// The catalog: `.rules` files, directories of them, or one compiled artifact (repeat for
    /// several files) [default: rules]
    #[arg(long = "rules", short = 'r', value_name = "CATALOG")]
    pub(crate) rules: Vec<PathBuf>,
}

/// `rulec fmt`
#[derive(Debug, clap::Args)]
pub(crate) struct FmtArgs {
    #[command(flatten)]
    pub(crate) sources: SourcesArgs,
    /// Change nothing: print a diff of what would change and exit 1 if anything would.
    #[arg(long)]
    pub(crate) check: bool,
}

/// `rulec compile`
#[derive(Debug, clap::Args)]
pub(crate) struct CompileArgs {
    #[command(flatten)]
    pub(crate) sources: SourcesArgs,
    /// Where to write the artifact.
    #[arg(short, long)]
    pub(crate) output: PathBuf,
    /// The artifact's format.
    #[arg(long, value_enum, default_value_t = ArtifactFormat::Json)]
    pub(crate) format: ArtifactFormat,
    /// Also put the artifact in this NATS object store bucket (object `catalog`), where
    /// `rulec work --catalog-bucket` workers take it from; the bucket is created if needed.
    #[cfg(feature = "work")]
    #[arg(long, value_name = "BUCKET", requires = "nats")]
    pub(crate) catalog_bucket: Option<String>,
    /// The NATS server of `--catalog-bucket`.
    #[cfg(feature = "work")]
    #[arg(long, value_name = "URL")]
    pub(crate) nats: Option<String>,
}

/// Formats of `rulec compile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ArtifactFormat {
    /// Pretty-printed JSON.
    Json,
    /// YAML.
    Yaml,
}

/// `rulec eval`
#[derive(Debug, clap::Args)]
pub(crate) struct EvalArgs {
    #[command(flatten)]
    pub(crate) catalog: CatalogFlag,
    /// Event types the instances have enabled (default: each service's defaults); a service's
    /// required types are always enabled.
    #[arg(long, value_delimiter = ',', value_enum)]
    pub(crate) types: Option<Vec<EventTypeArg>>,
    /// Reject on any warning, not only on what cannot be decided or breaks an error-level
    /// constraint: every warning becomes an error (for checking a producer's own events).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Instead of JSON decisions, print for each event how it was decided: every constraint
    /// checked (passed, warning, failed), its location, every route and rule tried.
    #[arg(long)]
    pub(crate) explain: bool,
    /// Exit 1 if any event gets this verdict.
    #[arg(long, value_enum)]
    pub(crate) fail_on: Option<FailOn>,
    /// Write the input of each rejected event here, verbatim, one per line.
    #[arg(long)]
    pub(crate) dead_letter: Option<PathBuf>,
    /// Reject events larger than this many bytes (`eval::event_too_large`); the stream goes on.
    #[arg(long, default_value_t = rulec::eval::MAX_EVENT_BYTES, value_name = "BYTES")]
    pub(crate) max_event_bytes: usize,
    /// How the input is split into events: `auto` decides by the first line that is not blank
    /// (NDJSON unless that line opens multi-line JSON, or is a one-line array that is the whole
    /// input), `ndjson` takes every line as one event, `json` every top-level value and every
    /// item of a top-level array.
    #[arg(long, value_enum, default_value_t = InputArg::Auto)]
    pub(crate) input: InputArg,
    /// Evaluate on this many threads (output order is kept; memory stays bounded).
    #[arg(long, short = 'j', default_value = "1", value_name = "N")]
    pub(crate) jobs: std::num::NonZeroUsize,
    /// Input files; `-` or none for standard input.
    pub(crate) inputs: Vec<PathBuf>,
}

/// `--input` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputArg {
    /// By the first line that is not blank.
    Auto,
    /// One event per line.
    Ndjson,
    /// JSON text: values and the items of arrays.
    Json,
}

/// `--types` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EventTypeArg {
    /// Management events.
    Management,
    /// Data events.
    Data,
}

impl EventTypeArg {
    pub(crate) fn event_type(self) -> rulec::EventType {
        match self {
            EventTypeArg::Management => rulec::EventType::Management,
            EventTypeArg::Data => rulec::EventType::Data,
        }
    }

    /// The context `--types` asks for: these types enabled, or each service's defaults.
    pub(crate) fn context(types: Option<&[EventTypeArg]>) -> rulec::Context {
        types.map_or_else(rulec::Context::defaults, |types| {
            let types: Vec<rulec::EventType> = types.iter().map(|t| t.event_type()).collect();
            rulec::Context::with_types(&types)
        })
    }
}

/// `--fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Any rejected event.
    Reject,
    /// Any rejected or dropped event.
    Drop,
}

/// `rulec config`
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Check an event-type configuration body as Cloudant's
    /// `POST /_api/v2/user/activity_tracker/events` does; prints `{"ok":true}` or
    /// `{"code":400,"error":"..."}`.
    Check {
        /// The body, e.g. `{"types":["management","data"]}`; `-` reads standard input.
        body: String,
    },
}

/// `rulec check`
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) sources: SourcesArgs,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
}

/// Output formats of `rulec check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// miette's report on stderr, with the source underlined.
    Human,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions workflow commands (`::error file=...`) on stdout.
    Github,
    /// SARIF 2.1.0 on stdout, for code-scanning tools such as GitHub code scanning.
    Sarif,
}

/// `rulec doc`
#[derive(Debug, clap::Args)]
pub(crate) struct DocArgs {
    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
    /// Write the pages into this directory (created if needed); without it, print them.
    #[arg(short, long)]
    pub(crate) output: Option<PathBuf>,
}

/// `rulec test`
#[derive(Debug, clap::Args)]
pub(crate) struct TestArgs {
    /// Directories or files holding the `*.test.yaml` cases, and the `.rules` files beside
    /// them unless `--rules` names the catalog (a suite file's catalog is its directory's)
    /// [default: rules]
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) catalog: CatalogFlag,
    /// Print the coverage of actions, locations, fields, enum members, patterns, conditional
    /// constraints and route rules, with what the cases missed.
    #[arg(long)]
    pub(crate) coverage: bool,
    /// Fail when the cases exercise less than this percentage of those items.
    #[arg(long, value_name = "PERCENT")]
    pub(crate) min_coverage: Option<f64>,
    /// Run only the cases whose name, or `FILE :: NAME`, contains this text.
    #[arg(long, value_name = "TEXT")]
    pub(crate) filter: Option<String>,
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub(crate) format: TestFormat,
    /// Also write the coverage, line by line in the `.rules` files, for CI tools (needs
    /// `.rules` sources, not a compiled artifact).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) coverage_format: Option<CoverageFormat>,
    /// Where `--coverage-format` writes [default: lcov.info for lcov, cobertura.xml for
    /// cobertura]
    #[arg(long, value_name = "FILE", requires = "coverage_format")]
    pub(crate) coverage_output: Option<PathBuf>,
}

/// Coverage file formats of `rulec test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CoverageFormat {
    /// LCOV tracefile (genhtml, Codecov, Coveralls, `SonarQube`).
    Lcov,
    /// Cobertura XML (GitLab, Jenkins, Azure `DevOps`).
    Cobertura,
}

impl CoverageFormat {
    /// The file written when `--coverage-output` is not given.
    pub(crate) fn default_output(self) -> &'static str {
        match self {
            CoverageFormat::Lcov => "lcov.info",
            CoverageFormat::Cobertura => "cobertura.xml",
        }
    }
}

/// Output formats of `rulec test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TestFormat {
    /// One line per case, what differed, coverage and a summary, on stdout.
    Human,
    /// One JSON document on stdout: `{"results": [...], "summary": {...}}`.
    Json,
    /// `JUnit` XML on stdout, one test suite per suite file, for CI test reports.
    Junit,
}

/// `rulec explain`
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub(crate) struct ExplainArgs {
    /// A diagnostic code, e.g. `rules::unknown_action`; the prefix may be left out when only
    /// one code has that name (`unused_type`).
    pub(crate) code: Option<String>,
    /// List every code with its level and one-line summary.
    #[arg(long)]
    pub(crate) list: bool,
}

/// `rulec serve`
#[cfg(feature = "serve")]
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8181", value_name = "ADDR")]
    pub(crate) listen: std::net::SocketAddr,
    /// Allow a `--listen` address other than loopback (without it, one is refused).
    #[arg(long)]
    pub(crate) allow_remote: bool,
    /// Reload the catalog when one of its files changes (checked every second).
    #[arg(long)]
    pub(crate) watch: bool,
    /// The largest event, and the largest `application/json` body (413 past it); an NDJSON
    /// event past it is decided `eval::event_too_large`.
    #[arg(long, default_value_t = rulec::eval::MAX_EVENT_BYTES, value_name = "BYTES")]
    pub(crate) max_event_bytes: usize,
    /// The largest NDJSON body (413 when its Content-Length says more; a stream that goes past
    /// it ends with an error line).
    #[arg(long, default_value_t = 1 << 30, value_name = "BYTES")]
    pub(crate) max_body_bytes: u64,
    /// The largest request head (request line and headers); larger ones get 431.
    #[arg(long, default_value_t = 16 << 10, value_name = "BYTES")]
    pub(crate) max_header_bytes: usize,
    /// Connections served at once; more wait in the listen queue.
    #[arg(long, default_value_t = 512, value_name = "N")]
    pub(crate) max_connections: usize,
    /// Seconds a client has to send a request's headers; also how long a connection may sit
    /// idle between requests.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub(crate) header_timeout: u64,
    /// Seconds a request body may go without a byte before the request is given up (408); a
    /// connection without traffic either way for this and `--header-timeout` together is
    /// closed.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub(crate) body_timeout: u64,
    /// The slowest an NDJSON body may arrive, in bytes per second, averaged over each
    /// `--body-timeout`: a client that trickles its body slower is given up (408), so that it
    /// cannot hold a connection; 0 for no floor.
    #[arg(long, default_value_t = 64, value_name = "BYTES")]
    pub(crate) min_body_rate: u64,
    /// Seconds to go on accepting after SIGTERM or SIGINT with `/readyz` answering 503, so
    /// that a load balancer stops sending first.
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    pub(crate) drain_delay: u64,
    /// Seconds the requests in flight get to finish at SIGTERM or SIGINT.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub(crate) shutdown_timeout: u64,
    /// Worker threads [default: one per core].
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<std::num::NonZeroUsize>,
}

/// `rulec work`
#[cfg(feature = "work")]
#[derive(Debug, clap::Args)]
pub(crate) struct WorkArgs {
    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
    /// The NATS server.
    #[arg(long, default_value = "nats://127.0.0.1:4222", value_name = "URL")]
    pub(crate) nats: String,
    /// The stream the events are in.
    #[arg(long, default_value = "AT_EVENTS", value_name = "NAME")]
    pub(crate) stream: String,
    /// The durable pull consumer the workers share.
    #[arg(long, default_value = "rulec", value_name = "NAME")]
    pub(crate) consumer: String,
    /// The prefix P of the subjects written: `P.decisions.<verdict>`, `P.route.<target>`,
    /// `P.dead` (and, with `--setup`, the events' `P.events.>`).
    #[arg(long, default_value = "at", value_name = "P")]
    pub(crate) subject_prefix: String,
    /// Events fetched at a time.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub(crate) batch: usize,
    /// Create the streams and the consumer (the settings below), then exit.
    #[arg(long)]
    pub(crate) setup: bool,
    /// With `--setup`: the subjects of the events' stream [default: P.events.>].
    #[arg(long, value_name = "SUBJECT")]
    pub(crate) subjects: Vec<String>,
    /// With `--setup`: the events' stream keeps an event until it is acked (`workqueue`), or by
    /// its limits, for replay (`limits`).
    #[arg(long, value_enum, default_value_t = RetentionArg::Workqueue)]
    pub(crate) retention: RetentionArg,
    /// With `--setup`: seconds in which the streams drop a repeated `Nats-Msg-Id`; longer than
    /// the ack wait times max deliver, so that every redelivery is deduplicated.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub(crate) duplicate_window: u64,
    /// With `--setup`: seconds before an unacked event is delivered again.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub(crate) ack_wait: u64,
    /// With `--setup`: deliveries of an event before it goes to `P.dead`.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub(crate) max_deliver: i64,
    /// With `--setup`: events delivered and not yet acked, across all workers.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub(crate) max_ack_pending: i64,
    /// Take the catalog from this NATS object store bucket (object `catalog`, put there by
    /// `rulec compile --catalog-bucket`), and switch to each new one put there.
    #[arg(long, value_name = "BUCKET")]
    pub(crate) catalog_bucket: Option<String>,
    /// For the benchmark: republish each event once, to `P.pass`, and ack it, without deciding
    /// (the cost of everything but the engine).
    #[arg(long, hide = true)]
    pub(crate) bench_pass_through: bool,
    /// For the benchmark: publish what these decisions cause (`rulec eval`'s output for the
    /// events, taken by stream position), without deciding: the cost of everything but the
    /// engine, with the same publishes as deciding.
    #[arg(long, hide = true, value_name = "FILE")]
    pub(crate) bench_decisions: Option<std::path::PathBuf>,
    /// For the tests that kill a worker holding events: milliseconds to wait after each fetch.
    #[arg(long, hide = true, value_name = "MS")]
    pub(crate) test_pause_after_fetch: Option<u64>,
    /// For the tests that kill a worker between its publishes and its acks: milliseconds to
    /// wait after a batch's publishes are sent, before they are confirmed and the events acked.
    #[arg(long, hide = true, value_name = "MS")]
    pub(crate) test_pause_before_ack: Option<u64>,
}

/// Retention of the events' stream.
#[cfg(feature = "work")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RetentionArg {
    /// Keep an event until a worker acks it; no other consumer may read the stream.
    Workqueue,
    /// Keep events by the stream's limits: replayable, and other consumers may read them.
    Limits,
}

/// `rulec route`
#[derive(Debug, clap::Args)]
pub(crate) struct RouteArgs {
    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
    /// The action, in full (`container-registry.image.push`).
    #[arg(long, value_name = "NAME")]
    pub(crate) action: String,
    /// The location as a CRN writes it: a region, a zone, an alias, `global`, or `empty` for
    /// an empty location segment.
    #[arg(long, value_name = "LOC")]
    pub(crate) location: String,
    /// Ask about the other event type than the catalog gives the action.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub(crate) event_type: Option<EventTypeArg>,
    /// Event types the instances have enabled (default: each service's defaults).
    #[arg(long, value_delimiter = ',', value_enum)]
    pub(crate) types: Option<Vec<EventTypeArg>>,
    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = RouteFormat::Human)]
    pub(crate) format: RouteFormat,
}

/// Output formats of `rulec route`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RouteFormat {
    /// The location, each matching route and rule, and the targets.
    Human,
    /// The decision routing gives such an event, as `rulec eval` writes decisions.
    Json,
}

/// `rulec sample`
#[derive(Debug, clap::Args)]
pub(crate) struct SampleArgs {
    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
    /// How many events to print.
    #[arg(long, default_value_t = 100)]
    pub(crate) count: usize,
    /// The share of invalid events, from 0 to 1; each breaks one rule, cycling through the
    /// kinds (unknown action, missing field, type, enum, pattern, location, JSON,
    /// duplicate key).
    #[arg(long, default_value_t = 0.1, value_parser = share)]
    pub(crate) invalid_share: f64,
    /// The seed: the same seed, catalog and options give the same events.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
}

/// A number from 0 to 1.
fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!("`{text}` is not a number from 0 to 1")),
    }
}

/// `rulec export`
#[derive(Debug, Subcommand)]
pub(crate) enum ExportCommand {
    /// Print a JSON Schema (draft 2020-12) of the events the catalog accepts, for producers
    /// that validate in other languages.
    JsonSchema(CatalogArgs),
    /// Print Activity Tracker Event Routing's v2 API request bodies for the catalog's targets,
    /// routes and default targets; refuse what the service cannot express.
    Atracker(CatalogArgs),
}

/// `rulec import`
#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// Write `.rules` for an Activity Tracker Event Routing account's routes, targets and
    /// settings, from its v2 API or `ibmcloud atracker ... --output json`.
    Atracker(ImportAtrackerArgs),
    /// Write `.rules` for a service from its Activity Tracker documentation page (rendered
    /// text or Markdown source), with what was not imported listed.
    Docs(ImportDocsArgs),
}

/// `rulec import docs`
#[derive(Debug, clap::Args)]
pub(crate) struct ImportDocsArgs {
    /// The page: as a browser renders it to text, or its Markdown source.
    #[arg(value_name = "PAGE")]
    pub(crate) page: PathBuf,
    /// The service's CRN name [default: the first part of most of the page's action names].
    #[arg(long, value_name = "NAME")]
    pub(crate) service: Option<String>,
    /// The catalog the service joins: its regions name the page's locations, and the
    /// imported rules are checked with it [default: the shipped locations and envelope].
    #[arg(long, value_name = "DIR")]
    pub(crate) catalog: Option<PathBuf>,
    /// Write the rules here instead of to standard output.
    #[arg(short, long, value_name = "FILE.rules")]
    pub(crate) output: Option<PathBuf>,
}

/// `rulec import atracker`
#[derive(Debug, clap::Args)]
pub(crate) struct ImportAtrackerArgs {
    /// The routes: a route, `{"routes": [...]}`, an array of routes, or one route's rules
    /// array (then named after the file).
    #[arg(value_name = "ROUTES.json")]
    pub(crate) routes: PathBuf,
    /// The targets the routes name (`ibmcloud atracker target ls --output json`).
    #[arg(long, value_name = "FILE")]
    pub(crate) targets: Option<PathBuf>,
    /// The account settings, for the default targets.
    #[arg(long, value_name = "FILE")]
    pub(crate) settings: Option<PathBuf>,
    /// Write the rules here instead of to standard output.
    #[arg(short, long, value_name = "FILE.rules")]
    pub(crate) output: Option<PathBuf>,
}

/// `rulec lsp`.
#[cfg(feature = "lsp")]
#[derive(Debug, clap::Args)]
pub(crate) struct LspArgs {
    /// Accepted for editors that pass it; standard input and output are the only transport.
    #[arg(long)]
    pub(crate) stdio: bool,
}

/// `rulec diff`
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// `OLD NEW`: each a directory of `.rules` files, one `.rules` file, or a compiled
    /// artifact. With `--git`, at most one: the catalog in the working tree [default: rules].
    #[arg(value_name = "CATALOG")]
    pub(crate) paths: Vec<std::path::PathBuf>,
    /// Compare the working tree's catalog with the same paths at this git revision (a branch,
    /// tag or commit): the pull-request check.
    #[arg(long, value_name = "BASE")]
    pub(crate) git: Option<String>,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub(crate) format: DiffFormat,
    /// Exit 1 when a change of this class exists (`any`: any change at all).
    #[arg(long, value_enum, value_name = "CLASS")]
    pub(crate) fail_on: Option<DiffFailOn>,
}

/// Output formats of `rulec diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    /// Lines to read, grouped by class, and the moved flows.
    Human,
    /// One JSON document: `changes`, `flows` and `summary`.
    Json,
    /// GitHub Actions workflow commands, which annotate the pull request's lines.
    Github,
    /// A Markdown report for a pull-request comment.
    Markdown,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// What `rulec diff --fail-on` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFailOn {
    /// A breaking change.
    Breaking,
    /// Events sent to other targets.
    Reroute,
    /// Any change.
    Any,
}
