//! `rulec eval`: one decision per input event, NDJSON out, a summary on stderr.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use rulec::Catalog;
use rulec::catalog::EventType;
use rulec::eval::{Context, Decision, Evaluator, EventReader, Verdict};

use crate::cli::{EvalArgs, EventTypeArg, FAILED, FailOn, OK, USAGE};
use crate::render;

/// Counts for the closing summary.
#[derive(Debug, Default)]
struct Tally {
    verdicts: BTreeMap<Verdict, u64>,
    locations: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, decision: &Decision) {
        *self.verdicts.entry(decision.verdict).or_default() += 1;
        if let Some(location) = &decision.location {
            *self.locations.entry(location.clone()).or_default() += 1;
        }
    }

    fn total(&self) -> u64 {
        self.verdicts.values().sum()
    }

    fn line(&self) -> String {
        let count = |v| self.verdicts.get(&v).copied().unwrap_or(0);
        let total = self.total();
        let mut line = format!(
            "evaluated {total} event{}: {} route, {} drop, {} reject",
            if total == 1 { "" } else { "s" },
            count(Verdict::Route),
            count(Verdict::Drop),
            count(Verdict::Reject)
        );
        if !self.locations.is_empty() {
            let by: Vec<String> = self
                .locations
                .iter()
                .map(|(l, n)| format!("{l} {n}"))
                .collect();
            line.push_str("; by location: ");
            line.push_str(&by.join(", "));
        }
        line
    }
}

pub(crate) fn run(args: &EvalArgs) -> u8 {
    let catalog = match Catalog::load(&args.rules) {
        Ok(catalog) => catalog,
        Err(error) => return render::fatal(&error),
    };
    let context = args.types.as_ref().map_or_else(Context::defaults, |types| {
        let types: Vec<EventType> = types
            .iter()
            .map(|t| match t {
                EventTypeArg::Management => EventType::Management,
                EventTypeArg::Data => EventType::Data,
            })
            .collect();
        Context::with_types(&types)
    });
    let evaluator = Evaluator::new(&catalog)
        .with_context(context)
        .with_max_event_bytes(args.max_event_bytes);
    let mut dead_letter = match args.dead_letter.as_deref().map(File::create).transpose() {
        Ok(file) => file.map(BufWriter::new),
        Err(error) => {
            eprintln!("error: cannot create the dead-letter file: {error}");
            return USAGE;
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut tally = Tally::default();
    let inputs: Vec<&Path> = if args.inputs.is_empty() {
        vec![Path::new("-")]
    } else {
        args.inputs
            .iter()
            .map(std::path::PathBuf::as_path)
            .collect()
    };
    for input in inputs {
        let result = open(input).and_then(|reader| {
            let sink = Sink {
                out: &mut out,
                dead_letter: dead_letter.as_mut(),
                tally: &mut tally,
            };
            if args.jobs.get() > 1 {
                evaluate_parallel(&evaluator, reader, sink, args.jobs.get())
            } else {
                evaluate_stream(&evaluator, reader, sink)
            }
        });
        if let Err(error) = result {
            let _ = out.flush();
            eprintln!("error: `{}`: {error}", input.display());
            eprintln!("{}", tally.line());
            return USAGE;
        }
    }
    let flushed = out
        .flush()
        .and_then(|()| dead_letter.as_mut().map_or(Ok(()), Write::flush));
    if let Err(error) = flushed {
        eprintln!("error: cannot write the output: {error}");
        return USAGE;
    }
    eprintln!("{}", tally.line());
    let failing = |v| tally.verdicts.get(&v).copied().unwrap_or(0) > 0;
    let failed = match args.fail_on {
        None => false,
        Some(FailOn::Reject) => failing(Verdict::Reject),
        Some(FailOn::Drop) => failing(Verdict::Reject) || failing(Verdict::Drop),
    };
    if failed { FAILED } else { OK }
}

/// Writes a rejected input as one line: verbatim, unless it spans lines (an array item or
/// pretty-printed JSON), which is written minified so that the file stays one event per line.
fn write_dead_letter(file: &mut impl Write, event: &[u8]) -> io::Result<()> {
    if event.contains(&b'\n') {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(event) {
            serde_json::to_writer(&mut *file, &value)?;
            return file.write_all(b"\n");
        }
        for line in event.split(|b| *b == b'\n') {
            file.write_all(line.strip_suffix(b"\r").unwrap_or(line))?;
            file.write_all(b" ")?;
        }
        return file.write_all(b"\n");
    }
    file.write_all(event)?;
    file.write_all(b"\n")
}

fn open(input: &Path) -> io::Result<Box<dyn BufRead>> {
    if input == Path::new("-") {
        Ok(Box::new(BufReader::new(io::stdin().lock())))
    } else {
        Ok(Box::new(BufReader::new(File::open(input)?)))
    }
}

/// Where decisions go: the output, the dead-letter file, the summary.
struct Sink<'a, W> {
    out: &'a mut W,
    dead_letter: Option<&'a mut BufWriter<File>>,
    tally: &'a mut Tally,
}

impl<W: Write> Sink<'_, W> {
    /// Writes one decision as a line of JSON, and its input to the dead letters if rejected.
    fn accept(&mut self, event: &[u8], decision: &Decision, json: Option<&str>) -> io::Result<()> {
        match json {
            Some(json) => self.out.write_all(json.as_bytes())?,
            None => serde_json::to_writer(&mut *self.out, decision)?,
        }
        self.out.write_all(b"\n")?;
        if decision.verdict == Verdict::Reject {
            if let Some(file) = self.dead_letter.as_deref_mut() {
                write_dead_letter(file, event)?;
            }
        }
        self.tally.add(decision);
        Ok(())
    }
}

/// One event at a time, in constant memory.
fn evaluate_stream<W: Write>(
    evaluator: &Evaluator<'_>,
    reader: Box<dyn BufRead>,
    mut sink: Sink<'_, W>,
) -> io::Result<()> {
    let mut events = EventReader::new(reader);
    while let Some(event) = events.next_event()? {
        let decision = evaluator.evaluate(event, sink.tally.total());
        sink.accept(event, &decision, None)?;
    }
    Ok(())
}

/// Events in batches of [`BATCH`], each batch split across `jobs` threads; decisions are
/// written in input order. Memory stays bounded by the batch.
fn evaluate_parallel<W: Write>(
    evaluator: &Evaluator<'_>,
    reader: Box<dyn BufRead>,
    mut sink: Sink<'_, W>,
    jobs: usize,
) -> io::Result<()> {
    let mut events = EventReader::new(reader);
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        while batch.len() < BATCH {
            match events.next_event()? {
                Some(event) => batch.push(event.to_vec()),
                None => break,
            }
        }
        if batch.is_empty() {
            return Ok(());
        }
        let first = sink.tally.total();
        let chunk = batch.len().div_ceil(jobs);
        let decided: Vec<Vec<(Decision, String)>> = std::thread::scope(|scope| {
            let workers: Vec<_> = batch
                .chunks(chunk)
                .enumerate()
                .map(|(c, events)| {
                    let handle = scope.spawn(move || {
                        events
                            .iter()
                            .enumerate()
                            .map(|(i, event)| {
                                let decision =
                                    evaluator.evaluate(event, first + (c * chunk + i) as u64);
                                let json = decision.to_json();
                                (decision, json)
                            })
                            .collect::<Vec<_>>()
                    });
                    (first + (c * chunk) as u64, events.len(), handle)
                })
                .collect();
            workers
                .into_iter()
                .map(|(start, len, worker)| {
                    worker
                        .join()
                        .unwrap_or_else(|_| internal_errors(start, len))
                })
                .collect()
        });
        for ((decision, json), event) in decided.iter().flatten().zip(&batch) {
            sink.accept(event, decision, Some(json))?;
        }
    }
}

/// The decisions for events whose worker thread failed (a bug): each still gets one.
fn internal_errors(start: u64, len: usize) -> Vec<(Decision, String)> {
    (start..start + len as u64)
        .map(|index| {
            let decision = Decision::internal(index);
            let json = decision.to_json();
            (decision, json)
        })
        .collect()
}

/// Events evaluated per parallel batch.
const BATCH: usize = 4096;
