//! `rulec eval`: one decision per input event, NDJSON out, a summary on stderr.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

use rulec::eval::{Decision, Engine, Evaluator, EventReader, InputForm, LINE_CAP, Verdict};

use crate::cli::{EvalArgs, EventTypeArg, FAILED, FailOn, InputArg, OK, USAGE};
use crate::load;

/// Counts for the closing summary.
#[derive(Debug, Default)]
struct Tally {
    route: u64,
    drop: u64,
    reject: u64,
    locations: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, decision: &Decision<'_>) {
        *match decision.verdict {
            Verdict::Route => &mut self.route,
            Verdict::Drop => &mut self.drop,
            Verdict::Reject => &mut self.reject,
        } += 1;
        if let Some(location) = decision.location.as_deref() {
            match self.locations.get_mut(location) {
                Some(count) => *count += 1,
                None => {
                    self.locations.insert(location.to_owned(), 1);
                }
            }
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.route += other.route;
        self.drop += other.drop;
        self.reject += other.reject;
        for (location, count) in &other.locations {
            *self.locations.entry(location.clone()).or_default() += count;
        }
    }

    fn total(&self) -> u64 {
        self.route + self.drop + self.reject
    }

    fn line(&self) -> String {
        let total = self.total();
        let mut line = format!(
            "evaluated {total} event{}: {} route, {} drop, {} reject",
            if total == 1 { "" } else { "s" },
            self.route,
            self.drop,
            self.reject
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

/// What stopped an evaluation: reading an input, or writing one of the two outputs.
#[derive(Debug)]
enum Failure {
    Input(io::Error),
    Output(io::Error),
    DeadLetter(io::Error),
}

pub(crate) fn run(args: &EvalArgs) -> u8 {
    if stdout_may_have_been_closed() {
        eprintln!(
            "warning: standard output is /dev/null opened for reading and writing, which is what \
             a closed standard output (`>&-`) becomes: every decision is discarded"
        );
    }
    let catalog = match load::catalog(&args.catalog.rules, "no events evaluated", USAGE) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let context = EventTypeArg::context(args.types.as_deref()).strict(args.strict);
    let engine = Engine::new(catalog);
    let evaluator = Evaluator::new(&engine)
        .with_context(context)
        .with_max_event_bytes(args.max_event_bytes);
    let mut dead_letter = match args.dead_letter.as_deref().map(File::create).transpose() {
        Ok(file) => file.map(BufWriter::new),
        Err(error) => {
            eprintln!("error: cannot create the dead-letter file: {error}");
            return USAGE;
        }
    };
    let mut out = BufWriter::with_capacity(READ_BUFFER, standard_output());
    let mut tally = Tally::default();
    let inputs: Vec<&Path> = if args.inputs.is_empty() {
        vec![Path::new("-")]
    } else {
        args.inputs
            .iter()
            .map(std::path::PathBuf::as_path)
            .collect()
    };
    let form = match args.input {
        InputArg::Auto => InputForm::Auto,
        InputArg::Ndjson => InputForm::Ndjson,
        InputArg::Json => InputForm::Json,
    };
    if let Some(dir) = inputs.iter().find(|p| p.is_dir()) {
        eprintln!(
            "error: `{}` is a directory, not an input of events; to evaluate with the catalog in it, write `rulec eval --rules {} [FILE...]`",
            dir.display(),
            dir.display()
        );
        return USAGE;
    }
    for input in inputs {
        let result = open(input).map(|reader| {
            let sink = Sink {
                out: &mut out,
                dead_letter: dead_letter.as_mut(),
                tally: &mut tally,
                explain: args.explain.then_some(&evaluator),
            };
            // An account is long and rare: one thread writes it.
            if args.jobs.get() > 1 && !args.explain {
                evaluate_parallel(&evaluator, reader, form, sink, args.jobs.get())
            } else {
                evaluate_stream(&evaluator, reader, form, sink)
            }
        });
        let result = match result {
            Err(error) => Err(Failure::Input(error)),
            Ok(Err(failure)) => Err(failure),
            Ok(Ok(())) => Ok(()),
        };
        if let Err(failure) = result {
            let flushed = out.flush().map_err(Failure::Output);
            return failed(&failure, flushed.err().as_ref(), input, args, &tally);
        }
    }
    let flushed = out.flush().map_err(Failure::Output).and_then(|()| {
        dead_letter
            .as_mut()
            .map_or(Ok(()), Write::flush)
            .map_err(Failure::DeadLetter)
    });
    if let Err(failure) = flushed {
        return failed(&failure, None, Path::new("-"), args, &tally);
    }
    eprintln!("{}", tally.line());
    let failed = match args.fail_on {
        None => false,
        Some(FailOn::Reject) => tally.reject > 0,
        Some(FailOn::Drop) => tally.reject > 0 || tally.drop > 0,
    };
    if failed { FAILED } else { OK }
}

/// Whether standard output may have been closed when rulec started. The Rust runtime puts
/// `/dev/null`, opened for reading and writing, in place of a closed standard descriptor
/// before `main` runs, so the decisions would vanish without an error; a shell's `> /dev/null`
/// opens it write-only. Other programs open `/dev/null` read-write too (Python's
/// `subprocess.DEVNULL`), so this is only worth a warning. Linux only (`/proc`).
fn stdout_may_have_been_closed() -> bool {
    let target = std::fs::read_link("/proc/self/fd/1");
    if target.is_err() || target.is_ok_and(|t| t != Path::new("/dev/null")) {
        return false;
    }
    let flags = std::fs::read_to_string("/proc/self/fdinfo/1").unwrap_or_default();
    let mode = flags
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok());
    // O_ACCMODE is 3, O_RDWR 2.
    mode.is_some_and(|m| m & 3 == 2)
}

/// Says what stopped the evaluation, and returns the exit code: 2, or 0 for a reader of the
/// output that went away (`rulec eval | head`), which is not an error.
fn failed(
    failure: &Failure,
    flushed: Option<&Failure>,
    input: &Path,
    args: &EvalArgs,
    tally: &Tally,
) -> u8 {
    let broken_pipe = |e: &io::Error| e.kind() == io::ErrorKind::BrokenPipe;
    match (failure, flushed) {
        (Failure::Output(e), _) | (_, Some(Failure::Output(e))) if broken_pipe(e) => return OK,
        (Failure::Input(e), _) => {
            eprintln!("error: cannot read `{}`: {e}", input.display());
        }
        (Failure::Output(e), _) => {
            eprintln!("error: cannot write the decisions to standard output: {e}");
        }
        (Failure::DeadLetter(e), _) => {
            let path = args.dead_letter.as_deref().unwrap_or(Path::new(""));
            eprintln!(
                "error: cannot write the dead-letter file `{}`: {e}",
                path.display()
            );
        }
    }
    if matches!(failure, Failure::Input(_)) && flushed.is_none() {
        eprintln!("{}", tally.line());
    } else {
        eprintln!("{} (not all of their decisions were written)", tally.line());
    }
    USAGE
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

fn open(input: &Path) -> io::Result<Input> {
    // Not locked: the threads of `--jobs` take turns reading.
    let reader: Box<dyn Read + Send> = if input == Path::new("-") {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(input)?)
    };
    Ok(BufReader::with_capacity(READ_BUFFER, reader))
}

/// Standard output as the threads of `--jobs` can take turns writing it: on Unix a file of
/// its descriptor, which writes what it is given (`Stdout` would search each buffer for its
/// last line end and copy what follows).
fn standard_output() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd as _;
        if let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(File::from(fd));
        }
    }
    Box::new(io::stdout())
}

/// One input, buffered.
type Input = BufReader<Box<dyn Read + Send>>;

/// Where decisions go: the output, the dead-letter file, the summary.
struct Sink<'a, W> {
    out: &'a mut W,
    dead_letter: Option<&'a mut BufWriter<File>>,
    tally: &'a mut Tally,
    /// `--explain`: the evaluator, to account for each event instead of writing JSON.
    explain: Option<&'a Evaluator<'a>>,
}

impl<W: Write> Sink<'_, W> {
    /// Writes one decision as a line of JSON (or its account, with `--explain`), and its
    /// input to the dead letters if rejected.
    fn accept(&mut self, event: &[u8], decision: &Decision<'_>) -> Result<(), Failure> {
        match self.explain {
            Some(evaluator) => {
                let explanation = evaluator.explain_decision(event, decision.clone().into_owned());
                writeln!(self.out, "{explanation}")
            }
            None => decision
                .write_json(&mut *self.out)
                .and_then(|()| self.out.write_all(b"\n")),
        }
        .map_err(Failure::Output)?;
        if decision.verdict == Verdict::Reject {
            if let Some(file) = self.dead_letter.as_deref_mut() {
                write_dead_letter(file, event).map_err(Failure::DeadLetter)?;
            }
        }
        self.tally.add(decision);
        Ok(())
    }
}

/// One event at a time, in constant memory.
fn evaluate_stream<W: Write>(
    evaluator: &Evaluator<'_>,
    reader: Input,
    form: InputForm,
    mut sink: Sink<'_, W>,
) -> Result<(), Failure> {
    let mut events = EventReader::with_form(reader, form);
    while let Some(event) = events.next_event().map_err(Failure::Input)? {
        let index = sink.tally.total();
        if event.len() >= LINE_CAP / 2 {
            // Perhaps cut at the line cap: the reader says so once the event is let go.
            let kept = event.to_vec();
            let decision = match events.cut_size() {
                Some(size) => {
                    cut_warning(index, size, sink.dead_letter.is_some());
                    evaluator.too_large(size, index)
                }
                None => evaluator.evaluate(&kept, index),
            };
            sink.accept(&kept, &decision)?;
        } else {
            let decision = evaluator.evaluate(event, index);
            sink.accept(event, &decision)?;
        }
        // Before a read that may wait (a live stream), what was decided goes out.
        if !events.input_pending() {
            sink.out.flush().map_err(Failure::Output)?;
        }
    }
    Ok(())
}

/// Says that an event was longer than rulec keeps of a line, so its dead letter is only its
/// start.
fn cut_warning(index: u64, size: u64, dead_letter: bool) {
    if dead_letter {
        eprintln!(
            "warning: event {index} is {size} bytes, more than the {} rulec keeps of one line: its dead letter holds only its first {} bytes",
            rulec::eval::LINE_CAP,
            rulec::eval::LINE_CAP
        );
    }
}

/// Events read into one buffer, back to back.
#[derive(Default)]
struct Batch {
    text: Vec<u8>,
    ends: Vec<usize>,
    /// The events cut at the line cap: their position in the batch and their real size.
    cuts: Vec<(usize, u64)>,
}

impl Batch {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn event(&self, i: usize) -> &[u8] {
        let start = i.checked_sub(1).and_then(|p| self.ends.get(p)).copied();
        let end = self.ends.get(i).copied().unwrap_or_default();
        self.text.get(start.unwrap_or(0)..end).unwrap_or_default()
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.cuts.clear();
    }

    /// The real size of event `i` when it was cut at the line cap.
    fn cut(&self, i: usize) -> Option<u64> {
        let at = self.cuts.binary_search_by_key(&i, |(j, _)| *j).ok()?;
        self.cuts.get(at).map(|(_, size)| *size)
    }

    /// Reads up to [`BLOCK`] events or [`BLOCK_BYTES`] bytes, whichever comes first, and no
    /// further than the input has waiting once it holds an event (a live stream's events are
    /// decided as they come). On an error, the events read before it stay in the batch.
    fn fill(&mut self, events: &mut EventReader<Input>) -> io::Result<()> {
        self.clear();
        while self.ends.len() < BLOCK && self.text.len() < BLOCK_BYTES {
            if !self.ends.is_empty() && !events.input_pending() {
                break;
            }
            if !events.next_event_into(&mut self.text)? {
                break;
            }
            if let Some(size) = events.cut_size() {
                self.cuts.push((self.ends.len(), size));
            }
            self.ends.push(self.text.len());
        }
        Ok(())
    }
}

/// What a worker made of one block of events.
#[derive(Default)]
struct Share {
    /// The decisions, one JSON line each.
    out: Vec<u8>,
    /// Positions in the batch of the rejected events.
    rejected: Vec<usize>,
    tally: Tally,
}

impl Share {
    /// Decides every event of `batch`, whose first event has the index `first`.
    fn decide(&mut self, evaluator: &Evaluator<'_>, batch: &Batch, first: u64) {
        for i in 0..batch.len() {
            let index = first + i as u64;
            let decision = match batch.cut(i) {
                Some(size) => evaluator.too_large(size, index),
                None => evaluator.evaluate(batch.event(i), index),
            };
            self.push(i, &decision);
        }
    }

    fn push(&mut self, i: usize, decision: &Decision<'_>) {
        // Writing to a vector cannot fail.
        let _ = decision.write_json(&mut self.out);
        self.out.push(b'\n');
        if decision.verdict == Verdict::Reject {
            self.rejected.push(i);
        }
        self.tally.add(decision);
    }

    /// Replaces the decisions of a worker that failed (a bug): each event still gets one.
    fn replace_with_internal_errors(&mut self, events: usize, first: u64) {
        self.clear();
        for i in 0..events {
            self.push(i, &Decision::internal(first + i as u64));
        }
    }

    fn clear(&mut self) {
        self.out.clear();
        self.rejected.clear();
        self.tally = Tally::default();
    }
}

/// A block of events in the hands of a worker: its place in the input, its events, their
/// decisions.
#[derive(Default)]
struct Block {
    /// Its place among the blocks of the input.
    seq: u64,
    /// The index of its first event.
    first: u64,
    events: Batch,
    decided: Share,
    /// Whether the input had nothing more waiting after it: what was decided goes out then.
    flush: bool,
}

/// The input, read by one worker at a time.
struct Reading<R> {
    events: EventReader<R>,
    next_seq: u64,
    next_index: u64,
    error: Option<io::Error>,
    ended: bool,
}

/// The output, written in input order by whichever worker completes the block next in line.
struct Writing<'s, W> {
    sink: Sink<'s, W>,
    next_seq: u64,
    /// Blocks decided before the one next in line.
    waiting: BTreeMap<u64, Block>,
    /// Written blocks, for reuse.
    spare: Vec<Block>,
    failure: Option<Failure>,
}

impl<W: Write> Writing<'_, W> {
    /// Writes a block's decisions and dead letters.
    fn write(&mut self, block: &Block) -> Result<(), Failure> {
        let sink = &mut self.sink;
        sink.out
            .write_all(&block.decided.out)
            .map_err(Failure::Output)?;
        if let Some(file) = sink.dead_letter.as_deref_mut() {
            for &i in &block.decided.rejected {
                if let Some(size) = block.events.cut(i) {
                    cut_warning(block.first + i as u64, size, true);
                }
                write_dead_letter(file, block.events.event(i)).map_err(Failure::DeadLetter)?;
            }
        }
        sink.tally.merge(&block.decided.tally);
        if block.flush {
            sink.out.flush().map_err(Failure::Output)?;
        }
        Ok(())
    }

    /// Takes a decided block: writes it if it is next in line, then every waiting block that
    /// follows it.
    fn submit(&mut self, block: Block) {
        self.waiting.insert(block.seq, block);
        while let Some(block) = self.waiting.remove(&self.next_seq) {
            if self.failure.is_none() {
                if let Err(failure) = self.write(&block) {
                    self.failure = Some(failure);
                }
            }
            self.next_seq += 1;
            self.spare.push(block);
        }
    }
}

/// `jobs` threads (this one among them) each take the next block of events from the input,
/// decide it into the block's own buffer and hand it to the output, which writes blocks in
/// input order, so the output is byte-identical to one thread's. A thread reads its own
/// events, so they are in its cache when it decides them, and a thread slowed down by another
/// process takes fewer blocks instead of holding the others up: they go on, up to [`AHEAD`]
/// blocks past the one next in line, which bounds memory. A read error ends the input: the
/// events read before it are still decided, then the error is returned.
fn evaluate_parallel<W: Write + Send>(
    evaluator: &Evaluator<'_>,
    reader: Input,
    form: InputForm,
    sink: Sink<'_, W>,
    jobs: usize,
) -> Result<(), Failure> {
    let reading = Mutex::new(Reading {
        events: EventReader::with_form(reader, form),
        next_seq: 0,
        next_index: sink.tally.total(),
        error: None,
        ended: false,
    });
    let writing = Mutex::new(Writing {
        sink,
        next_seq: 0,
        waiting: BTreeMap::new(),
        spare: Vec::new(),
        failure: None,
    });
    let written = Condvar::new();
    let read_seq = AtomicU64::new(0);
    let work = || {
        let mut block = Block::default();
        loop {
            {
                let mut out = writing.lock().unwrap_or_else(PoisonError::into_inner);
                while out.failure.is_none()
                    && read_seq.load(Ordering::Acquire) >= out.next_seq + AHEAD
                {
                    out = written.wait(out).unwrap_or_else(PoisonError::into_inner);
                }
                if out.failure.is_some() {
                    return;
                }
            }
            {
                let mut input = reading.lock().unwrap_or_else(PoisonError::into_inner);
                if input.ended {
                    return;
                }
                if let Err(error) = block.events.fill(&mut input.events) {
                    input.error = Some(error);
                    input.ended = true;
                }
                if block.events.len() == 0 {
                    input.ended = true;
                    return;
                }
                block.seq = input.next_seq;
                block.first = input.next_index;
                block.flush = !input.events.input_pending();
                input.next_seq += 1;
                input.next_index += block.events.len() as u64;
                read_seq.store(input.next_seq, Ordering::Release);
            }
            block.decided.clear();
            // A failure while deciding (a bug) still leaves one decision per event: an
            // internal error.
            let decided = std::panic::catch_unwind(AssertUnwindSafe(|| {
                block.decided.decide(evaluator, &block.events, block.first);
            }));
            if decided.is_err() {
                block
                    .decided
                    .replace_with_internal_errors(block.events.len(), block.first);
            }
            let mut out = writing.lock().unwrap_or_else(PoisonError::into_inner);
            out.submit(block);
            block = out.spare.pop().unwrap_or_default();
            written.notify_all();
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..jobs {
            scope.spawn(work);
        }
        work();
    });
    let out = writing.into_inner().unwrap_or_else(PoisonError::into_inner);
    if let Some(failure) = out.failure {
        return Err(failure);
    }
    let input = reading.into_inner().unwrap_or_else(PoisonError::into_inner);
    input.error.map_or(Ok(()), |e| Err(Failure::Input(e)))
}

/// Bytes read from an input at a time: large reads keep system calls rare.
const READ_BUFFER: usize = 256 << 10;

/// Events a worker reads and decides at a time, at most.
const BLOCK: usize = 128;
/// Bytes of events a worker reads at a time, at most (one event may go past it).
const BLOCK_BYTES: usize = 256 << 10;
/// Blocks decided ahead of the one next in line for the output, at most.
const AHEAD: u64 = 32;
