//! Splitting an input into events, in bounded memory and without losing or shifting any:
//! NDJSON line by line, or JSON text (one object, pretty-printed or not, a sequence of values,
//! or an array whose items are the events) value by value.

use std::io::{self, BufRead};

/// How an input is split into events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputForm {
    /// Decided by the first line that is not blank: NDJSON, unless that line opens JSON that
    /// goes on over the next lines (it is `{` or `[` and what follows it on the line, if
    /// anything, is JSON so far), or it is a whole array that is also the whole input.
    #[default]
    Auto,
    /// One event per line that is not blank, whatever the line holds.
    Ndjson,
    /// JSON text: each top-level value is an event, and each item of a top-level array.
    Json,
}

/// The events of one input, read one at a time.
///
/// Every line of NDJSON is one event, in order, broken or not. In JSON text a value ends
/// where its brackets close (strings and escapes respected), and an array's items end at its
/// top-level commas, so that one broken item is one reject and the items after it keep their
/// own decisions. Nothing is read whole: memory is bounded by [`LINE_CAP`] per event.
#[derive(Debug)]
pub struct EventReader<R> {
    reader: R,
    form: InputForm,
    line: Vec<u8>,
    /// Bytes of the reader's buffer that the last event borrowed, consumed on the next call.
    lent: usize,
    /// The size of the last event when it was cut at [`LINE_CAP`].
    cut: Option<u64>,
    state: State,
}

#[derive(Debug)]
enum State {
    Start,
    Lines,
    /// A line read ahead (to see whether a one-line array is the whole input), to be the
    /// next event.
    Pending(Vec<u8>, Option<u64>),
    Values(Splitter),
}

impl<R: BufRead> EventReader<R> {
    /// Events from a buffered reader, in the form the input's first line shows
    /// ([`InputForm::Auto`]).
    pub fn new(reader: R) -> Self {
        Self::with_form(reader, InputForm::Auto)
    }

    /// Events from a buffered reader in the given form.
    pub fn with_form(reader: R, form: InputForm) -> Self {
        Self {
            reader,
            form,
            line: Vec::new(),
            lent: 0,
            cut: None,
            state: State::Start,
        }
    }

    /// The next event's bytes, or `None` at the end of the input.
    pub fn next_event(&mut self) -> io::Result<Option<&[u8]>> {
        self.reader.consume(std::mem::take(&mut self.lent));
        self.cut = None;
        match self.state {
            State::Start => return self.start(),
            State::Pending(..) => {
                if let State::Pending(line, cut) = std::mem::replace(&mut self.state, State::Lines)
                {
                    self.line = line;
                    self.cut = cut;
                }
                return Ok(Some(&self.line));
            }
            State::Values(_) => {
                let State::Values(splitter) = &mut self.state else {
                    return Ok(None);
                };
                if !splitter.next(&mut self.reader)? {
                    return Ok(None);
                }
                self.cut = splitter.cut();
                let State::Values(splitter) = &self.state else {
                    return Ok(None);
                };
                return Ok(Some(splitter.value()));
            }
            State::Lines => {}
        }
        if let Some(lent) = self.whole_line_in_buffer()? {
            self.lent = lent;
            let buffer = self.reader.fill_buf()?;
            return Ok(buffer.get(..lent).map(trim_line_end));
        }
        self.line.clear();
        let read = next_line(&mut self.reader, &mut self.line, 0)?;
        if read == LineRead::End {
            return Ok(None);
        }
        self.cut = read.cut();
        Ok(Some(&self.line))
    }

    /// The size of the last event when it was longer than [`LINE_CAP`]: only its first
    /// `LINE_CAP` bytes were kept (and given), so its decision should say its real size.
    #[must_use]
    pub fn cut_size(&self) -> Option<u64> {
        self.cut
    }

    /// Whether input is waiting in the reader's buffer beyond the last event: when none is, the
    /// next event needs a read that may block (a live stream), so output should be flushed first.
    pub fn input_pending(&self) -> bool
    where
        R: Buffered,
    {
        self.reader.buffered() > self.lent
    }

    /// Appends the next event's bytes to `out`; `false` at the end of the input. The same
    /// events as [`EventReader::next_event`], read straight into `out` when the input is NDJSON.
    pub fn next_event_into(&mut self, out: &mut Vec<u8>) -> io::Result<bool> {
        if !matches!(self.state, State::Lines) {
            let event = self.next_event()?;
            if let Some(event) = event {
                out.extend_from_slice(event);
            }
            return Ok(event.is_some());
        }
        self.reader.consume(std::mem::take(&mut self.lent));
        let start = out.len();
        let read = next_line(&mut self.reader, out, start)?;
        self.cut = read.cut();
        Ok(read != LineRead::End)
    }

    /// Reads the first line that is not blank and decides the form from it.
    fn start(&mut self) -> io::Result<Option<&[u8]>> {
        // The first line as it is, for a byte-order mark at the very start of the input (one
        // anywhere else is text); then the first line that is not blank.
        self.line.clear();
        let total = read_line(&mut self.reader, &mut self.line, LINE_CAP)?;
        if total == 0 {
            return Ok(None);
        }
        // A first line longer than the cap lost bytes: it is one event, of its real size, and
        // its form cannot be judged from what was kept.
        let size = total.saturating_sub(1);
        self.cut = (size > LINE_CAP).then(|| u64::try_from(size).unwrap_or(u64::MAX));
        let kept = trim_line_end(&self.line).len();
        self.line.truncate(kept);
        if let Some(rest) = self.line.strip_prefix(b"\xEF\xBB\xBF") {
            self.line = rest.to_vec();
        }
        if self.line.iter().all(u8::is_ascii_whitespace) {
            self.line.clear();
            let read = next_line(&mut self.reader, &mut self.line, 0)?;
            if read == LineRead::End {
                return Ok(None);
            }
            self.cut = read.cut();
        }
        let json = match self.form {
            _ if self.cut.is_some() => false,
            InputForm::Ndjson => false,
            InputForm::Json => true,
            InputForm::Auto => match opening(&self.line) {
                Opening::Continues => true,
                Opening::Other => false,
                Opening::WholeArray => {
                    let mut next = Vec::new();
                    let read = next_line(&mut self.reader, &mut next, 0)?;
                    if read != LineRead::End {
                        self.state = State::Pending(next, read.cut());
                        return Ok(Some(&self.line));
                    }
                    true
                }
            },
        };
        if !json {
            self.state = State::Lines;
            return Ok(Some(&self.line));
        }
        let mut first = std::mem::take(&mut self.line);
        first.push(b'\n');
        self.state = State::Values(Splitter::new(first));
        self.next_event()
    }

    /// Skips blank lines in the reader's buffer; the length (line end included) of the next
    /// line when the buffer holds all of it, so that it can be lent without a copy.
    fn whole_line_in_buffer(&mut self) -> io::Result<Option<usize>> {
        loop {
            let buffer = fill(&mut self.reader)?;
            let Some(end) = memchr::memchr(b'\n', buffer) else {
                return Ok(None);
            };
            let line = buffer.get(..end).unwrap_or_default();
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Ok(Some(end + 1));
            }
            self.reader.consume(end + 1);
        }
    }
}

/// A reader that says how many bytes it holds already read, without reading more.
pub trait Buffered {
    /// The bytes read and not yet consumed.
    fn buffered(&self) -> usize;
}

impl<R: io::Read> Buffered for io::BufReader<R> {
    fn buffered(&self) -> usize {
        self.buffer().len()
    }
}

/// What the first line of an input says about its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// It opens JSON that goes on over the next lines.
    Continues,
    /// It is a whole JSON array: the input is one if nothing follows.
    WholeArray,
    /// Anything else: a line of NDJSON.
    Other,
}

fn opening(line: &[u8]) -> Opening {
    let text = trim_ascii(line);
    let whole = serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok();
    match text.first() {
        Some(b'[') if whole => Opening::WholeArray,
        Some(b'{' | b'[') if !whole && opens_json(text) => Opening::Continues,
        _ => Opening::Other,
    }
}

/// Whether `text`, which starts with a bracket, is a beginning of JSON that its line does not
/// finish: its brackets are still open at the end, strings respected. `{"a":1} garbage` and
/// `{"a": }` are not: their brackets close on the line.
fn opens_json(text: &[u8]) -> bool {
    let mut depth = 0_usize;
    let (mut in_string, mut escaped) = (false, false);
    for &byte in text {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => match depth.checked_sub(1) {
                Some(0) | None => return false,
                Some(less) => depth = less,
            },
            _ => {}
        }
    }
    depth > 0
}

fn trim_ascii(text: &[u8]) -> &[u8] {
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    let end = text.iter().rposition(|b| !b.is_ascii_whitespace());
    match (start, end) {
        (Some(start), Some(end)) => text.get(start..=end).unwrap_or_default(),
        _ => &[],
    }
}

/// Splits JSON text into its events as it streams: each top-level value, or each item of a
/// top-level array. Only brackets, strings and escapes are tracked, not the rest of the
/// grammar, so that a broken value still ends where its brackets close and is decided (and
/// rejected) on its own. A top-level value that does not start with a bracket runs to the end
/// of its line.
#[derive(Debug)]
struct Splitter {
    /// Text read ahead of the reader (the first line), split first.
    carry: Vec<u8>,
    at: usize,
    /// The current value, at most [`LINE_CAP`] bytes of it.
    value: Vec<u8>,
    /// Open brackets, counting a top-level array's own.
    depth: usize,
    text: Text,
    place: Place,
    /// Whether the current value has begun.
    started: bool,
    /// The bytes of the current value, kept or not.
    size: usize,
    /// An item separator was read, so an item is due even if it is empty (`[1,]`).
    due: bool,
}

/// Where the splitter is in the JSON text, for strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Text {
    Code,
    InString,
    /// Right after a backslash in a string.
    Escape,
}

/// What the current value is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The top level: the value is a top-level value.
    Top,
    /// A top-level array, whose items are the events.
    Array,
    /// A top-level value that is not bracketed: it ends with its line.
    Scalar,
}

/// What one byte does to the value being split.
enum Step {
    Skip,
    Keep,
    /// The value is complete; the byte is kept in it (a closing bracket) or not (a separator).
    End {
        keep: bool,
    },
}

impl Splitter {
    fn new(carry: Vec<u8>) -> Self {
        Self {
            carry,
            at: 0,
            value: Vec::new(),
            depth: 0,
            text: Text::Code,
            place: Place::Top,
            started: false,
            size: 0,
            due: false,
        }
    }

    fn value(&self) -> &[u8] {
        trim_ascii(&self.value)
    }

    /// The size of the current value when it was cut at [`LINE_CAP`].
    fn cut(&self) -> Option<u64> {
        (self.size > LINE_CAP).then(|| u64::try_from(self.size).unwrap_or(u64::MAX))
    }

    /// Reads the next event into `value`; `false` at the end of the input.
    fn next(&mut self, reader: &mut impl BufRead) -> io::Result<bool> {
        self.value.clear();
        self.started = false;
        self.size = 0;
        while let Some(&byte) = self.carry.get(self.at) {
            self.at += 1;
            if self.take(byte) {
                return Ok(true);
            }
        }
        loop {
            let chunk = fill(reader)?;
            if chunk.is_empty() {
                // The end of the input ends the value, finished or not.
                let due = std::mem::take(&mut self.due) || self.started;
                self.place = Place::Top;
                self.depth = 0;
                return Ok(due);
            }
            let mut used = chunk.len();
            let mut done = false;
            for (i, &byte) in chunk.iter().enumerate() {
                if self.take(byte) {
                    used = i + 1;
                    done = true;
                    break;
                }
            }
            reader.consume(used);
            if done {
                return Ok(true);
            }
        }
    }

    /// Takes one byte; `true` when it completes the value.
    fn take(&mut self, byte: u8) -> bool {
        match self.step(byte) {
            Step::Skip => false,
            Step::Keep => {
                self.keep(byte);
                false
            }
            Step::End { keep } => {
                if keep {
                    self.keep(byte);
                }
                true
            }
        }
    }

    fn keep(&mut self, byte: u8) {
        self.started = true;
        self.size += 1;
        if self.value.len() < LINE_CAP {
            self.value.push(byte);
        }
    }

    fn step(&mut self, byte: u8) -> Step {
        if self.place == Place::Scalar {
            if byte == b'\n' {
                self.place = Place::Top;
                return Step::End { keep: false };
            }
            return Step::Keep;
        }
        match (self.text, byte) {
            (Text::Code, _) => {}
            (Text::Escape, _) => {
                self.text = Text::InString;
                return Step::Keep;
            }
            (Text::InString, b'\\') => {
                self.text = Text::Escape;
                return Step::Keep;
            }
            (Text::InString, b'"') => {
                self.text = Text::Code;
                return Step::Keep;
            }
            (Text::InString, _) => return Step::Keep,
        }
        let array = self.place == Place::Array;
        let item_level = usize::from(array);
        if self.depth == item_level {
            return self.between(byte);
        }
        match byte {
            b'"' => self.text = Text::InString,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                if self.depth == item_level && !array {
                    return Step::End { keep: true };
                }
            }
            _ => {}
        }
        Step::Keep
    }

    /// A byte outside every bracket of the current value: at the top level, or between and
    /// inside the items of a top-level array.
    fn between(&mut self, byte: u8) -> Step {
        let array = self.place == Place::Array;
        match byte {
            _ if byte.is_ascii_whitespace() && !self.started => Step::Skip,
            b'[' if !array && !self.started => {
                self.place = Place::Array;
                self.depth = 1;
                Step::Skip
            }
            b']' if array => self.close_array(),
            b',' if array => {
                // The item ends, empty or not (`[1,,2]`), and another is due (`[1,]`).
                self.due = true;
                Step::End { keep: false }
            }
            b'{' | b'[' => {
                self.depth += 1;
                Step::Keep
            }
            b'"' if array => {
                self.text = Text::InString;
                Step::Keep
            }
            _ if array || self.started => Step::Keep,
            _ => {
                // A top-level value without brackets (a number, a word): its line.
                self.place = Place::Scalar;
                Step::Keep
            }
        }
    }

    /// The top-level array closes: its last item ends, if it has one.
    fn close_array(&mut self) -> Step {
        self.place = Place::Top;
        self.depth = 0;
        if std::mem::take(&mut self.due) || self.started {
            Step::End { keep: false }
        } else {
            Step::Skip
        }
    }
}

pub use crate::limits::LINE_CAP;

/// What reading a line found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineRead {
    /// The end of the input.
    End,
    /// A whole line.
    Whole,
    /// A line of this size, of which only the first [`LINE_CAP`] bytes were kept.
    Cut(u64),
}

impl LineRead {
    fn cut(self) -> Option<u64> {
        match self {
            LineRead::Cut(size) => Some(size),
            LineRead::End | LineRead::Whole => None,
        }
    }
}

/// Appends the next line that is not blank to `out` after `start`, without its line ending.
fn next_line(reader: &mut impl BufRead, out: &mut Vec<u8>, start: usize) -> io::Result<LineRead> {
    loop {
        out.truncate(start);
        let total = read_line(reader, out, LINE_CAP)?;
        if total == 0 {
            return Ok(LineRead::End);
        }
        let kept = trim_line_end(out.get(start..).unwrap_or_default()).len();
        out.truncate(start + kept);
        let line = out.get(start..).unwrap_or_default();
        if !line.iter().all(u8::is_ascii_whitespace) {
            // The line ending is not part of the line's size.
            let size = total.saturating_sub(1);
            return Ok(if size > LINE_CAP {
                LineRead::Cut(u64::try_from(size).unwrap_or(u64::MAX))
            } else {
                LineRead::Whole
            });
        }
    }
}

/// The reader's buffer, read into if empty; a read interrupted by a signal is tried again.
fn fill(reader: &mut impl BufRead) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    // What the first call read stays buffered: this one only lends it.
    reader.fill_buf()
}

/// A line without its line ending (any run of `\n` and `\r` at its end).
fn trim_line_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| !matches!(b, b'\n' | b'\r'))
        .map_or(0, |last| last + 1);
    line.get(..end).unwrap_or_default()
}

/// Reads one line, newline included, keeping at most `cap` bytes of it; returns the bytes read.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>, cap: usize) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let chunk = fill(reader)?;
        if chunk.is_empty() {
            return Ok(total);
        }
        let (taken, done) = match memchr::memchr(b'\n', chunk) {
            Some(end) => (end + 1, true),
            None => (chunk.len(), false),
        };
        // Past the cap, the rest of the line is skipped without being kept.
        let room = cap.saturating_sub(total);
        line.extend_from_slice(chunk.get(..taken.min(room)).unwrap_or_default());
        reader.consume(taken);
        total += taken;
        if done {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Cursor};

    use proptest::prelude::*;

    use super::{EventReader, InputForm};

    fn events_as(input: &str, form: InputForm) -> Vec<String> {
        let mut reader = EventReader::with_form(input.as_bytes(), form);
        let mut out = Vec::new();
        while let Ok(Some(event)) = reader.next_event() {
            out.push(String::from_utf8_lossy(event).into_owned());
        }
        out
    }

    fn events(input: &str) -> Vec<String> {
        events_as(input, InputForm::Auto)
    }

    /// Asserts that `input` gives the same events through buffers of 1 to 23 bytes.
    fn alike_whatever_the_buffer_size(input: &str, expected: &[String]) {
        for capacity in 1..24 {
            let reader = BufReader::with_capacity(capacity, input.as_bytes());
            let mut reader = EventReader::new(reader);
            let mut out = Vec::new();
            while let Ok(Some(event)) = reader.next_event() {
                out.push(String::from_utf8_lossy(event).into_owned());
            }
            assert_eq!(out, expected, "buffer of {capacity} bytes");
        }
    }

    #[test]
    fn lends_or_copies_lines_alike_whatever_the_buffer_size() {
        let input = "{\"a\":1}\r\n\n \r\n{\"b\":[1,\n2]}\nnot json\r\r\n\t\n{\"c\":\"é\"}";
        let expected = events(input);
        assert_eq!(expected.len(), 5, "{expected:?}");
        alike_whatever_the_buffer_size(input, &expected);
    }

    #[test]
    fn splits_json_alike_whatever_the_buffer_size() {
        let input = "[\n {\"a\": \"x,]\\\"\"},\n {\"b\": }, 3 ,\n [1, 2]\n]\n{\"c\":\n 1}\n";
        let expected = events(input);
        assert_eq!(
            expected,
            [
                "{\"a\": \"x,]\\\"\"}",
                "{\"b\": }",
                "3",
                "[1, 2]",
                "{\"c\":\n 1}"
            ]
        );
        alike_whatever_the_buffer_size(input, &expected);
    }

    #[test]
    fn cuts_a_line_longer_than_the_cap() {
        let mut line = Vec::new();
        let mut input: &[u8] = b"abcdefgh\nnext";
        assert_eq!(super::read_line(&mut input, &mut line, 3).ok(), Some(9));
        assert_eq!(line, b"abc");
        assert_eq!(input, b"next");
    }

    #[test]
    fn splits_ndjson_by_line_and_keeps_broken_lines() {
        assert_eq!(
            events("{\"a\":1}\r\n\nnot json\n{\"b\":2}"),
            ["{\"a\":1}", "not json", "{\"b\":2}"]
        );
    }

    #[test]
    fn a_first_line_that_is_an_array_does_not_swallow_the_stream() {
        assert_eq!(
            events("[1]\n{\"a\":1}\n{\"b\":2}\n"),
            ["[1]", "{\"a\":1}", "{\"b\":2}"]
        );
    }

    #[test]
    fn a_first_line_with_garbage_after_a_value_is_one_line_of_ndjson() {
        assert_eq!(
            events("{\"a\":1} garbage\n{\"b\":2}\n"),
            ["{\"a\":1} garbage", "{\"b\":2}"]
        );
    }

    #[test]
    fn reads_a_pretty_printed_object_whole() {
        assert_eq!(events("{\n  \"a\": 1\n}\n"), ["{\n  \"a\": 1\n}"]);
    }

    #[test]
    fn splits_an_array_into_its_items() {
        assert_eq!(events("[{\"a\":1},\n 2]"), ["{\"a\":1}", "2"]);
        assert_eq!(
            events("[{\"a\":1}, {\"b\":2}]\n"),
            ["{\"a\":1}", "{\"b\":2}"]
        );
        assert!(events("[]").is_empty());
    }

    #[test]
    fn one_broken_item_of_an_array_is_one_event() {
        assert_eq!(
            events("[\n{\"a\":1},\n{\"b\": },\n{\"c\":3}\n]"),
            ["{\"a\":1}", "{\"b\": }", "{\"c\":3}"]
        );
    }

    #[test]
    fn a_truncated_array_keeps_its_items_and_the_rest_is_an_event() {
        assert_eq!(events("[{\"a\":1},"), ["{\"a\":1}", ""]);
        assert_eq!(
            events("[1,,2,]"),
            ["[1,,2,]"],
            "a broken one-line array is a line"
        );
        assert_eq!(events_as("[1,,2,]", InputForm::Json), ["1", "", "2", ""]);
    }

    #[test]
    fn keeps_the_values_before_a_broken_one() {
        assert_eq!(
            events("{\n  \"a\": 1\n}\n{\"b\": }\n{\"c\":3}\n"),
            ["{\n  \"a\": 1\n}", "{\"b\": }", "{\"c\":3}"]
        );
    }

    #[test]
    fn a_broken_pretty_printed_value_is_one_event() {
        assert_eq!(
            events("{\n\"a\": }\n{\"b\":2}\n"),
            ["{\n\"a\": }", "{\"b\":2}"]
        );
        assert_eq!(
            events("{\n  \"a\": 1,\n  \"b\": "),
            ["{\n  \"a\": 1,\n  \"b\":"]
        );
    }

    #[test]
    fn skips_a_byte_order_mark() {
        assert_eq!(events("\u{FEFF}{\"a\":1}\n"), ["{\"a\":1}"]);
        assert_eq!(events("\u{FEFF}\n{\"a\":1}\n"), ["{\"a\":1}"]);
        assert_eq!(
            events("\n\u{FEFF}{\"a\":1}\n"),
            ["\u{FEFF}{\"a\":1}"],
            "a mark past the start is text"
        );
    }

    #[test]
    fn the_form_can_be_asked_for() {
        let pretty = "{\n  \"a\": 1\n}\n";
        assert_eq!(
            events_as(pretty, InputForm::Ndjson),
            ["{", "  \"a\": 1", "}"]
        );
        let lines = "{\"a\":1}\n{\"b\":2}\n";
        assert_eq!(
            events_as(lines, InputForm::Json),
            ["{\"a\":1}", "{\"b\":2}"]
        );
        assert_eq!(events_as("[1]\n[2]\n", InputForm::Json), ["1", "2"]);
    }

    #[test]
    fn a_broken_first_line_is_decided_before_the_rest_is_read() {
        let mut input = b"{\"a\":1} garbage\n".to_vec();
        for _ in 0..100_000 {
            input.extend_from_slice(b"{\"b\":2}\n");
        }
        let mut buffered = BufReader::with_capacity(4096, Cursor::new(input));
        {
            let mut reader = EventReader::new(&mut buffered);
            assert_eq!(
                reader.next_event().ok().flatten(),
                Some(&b"{\"a\":1} garbage"[..])
            );
        }
        assert!(
            buffered.get_ref().position() <= 8192,
            "{}",
            buffered.get_ref().position()
        );
    }

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => Just("{\"a\":1}".to_owned()),
            1 => Just("[1]".to_owned()),
            1 => Just("{".to_owned()),
            1 => Just("]".to_owned()),
            1 => Just("{\"a\":1} garbage".to_owned()),
            1 => Just("   ".to_owned()),
            1 => "[ -~]{0,12}",
        ]
    }

    proptest! {
        /// Every line that is not blank is one event, in order, once the input is NDJSON:
        /// asked for, or shown by a first line that is an object.
        #[test]
        fn every_line_of_ndjson_is_one_event_in_order(
            lines in prop::collection::vec(line(), 0..40),
            asked in any::<bool>(),
            crlf in any::<bool>(),
        ) {
            let mut all = vec!["{\"first\":0}".to_owned()];
            all.extend(lines);
            let end = if crlf { "\r\n" } else { "\n" };
            let text: String = all.iter().flat_map(|l| [l.as_str(), end]).collect();
            let form = if asked { InputForm::Ndjson } else { InputForm::Auto };
            let expected: Vec<String> = all
                .iter()
                .filter(|l| !l.trim().is_empty())
                .cloned()
                .collect();
            prop_assert_eq!(events_as(&text, form), expected);
        }
    }
}
