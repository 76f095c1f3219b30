//! Splitting an input into events: NDJSON line by line in constant memory, or a single JSON
//! object (pretty-printed or not), or a JSON array of objects.

use std::io::{self, BufRead};
use std::ops::Range;

use serde_json::value::RawValue;

/// The events of one input, read one at a time.
///
/// The first non-blank line decides the form: `[` starts an array (read whole); a line that
/// is not JSON by itself but starts with `{` starts pretty-printed JSON (read whole, as a
/// sequence of values); anything else is NDJSON. Blank lines separate nothing and are skipped;
/// every other line or value is one event, so that a broken line still gets its decision.
#[derive(Debug)]
pub struct EventReader<R> {
    reader: R,
    line: Vec<u8>,
    /// Bytes of the reader's buffer that the last event borrowed, consumed on the next call.
    lent: usize,
    state: State,
}

#[derive(Debug)]
enum State {
    Start,
    Lines,
    Buffered {
        text: Vec<u8>,
        events: std::vec::IntoIter<Range<usize>>,
        current: Range<usize>,
    },
}

impl<R: BufRead> EventReader<R> {
    /// Events from a buffered reader.
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            line: Vec::new(),
            lent: 0,
            state: State::Start,
        }
    }

    /// The next event's bytes, or `None` at the end of the input.
    pub fn next_event(&mut self) -> io::Result<Option<&[u8]>> {
        if let State::Buffered {
            events, current, ..
        } = &mut self.state
        {
            let Some(range) = events.next() else {
                return Ok(None);
            };
            *current = range;
            return Ok(Some(self.buffered()));
        }
        self.reader.consume(std::mem::take(&mut self.lent));
        if matches!(self.state, State::Lines) {
            if let Some(lent) = self.whole_line_in_buffer()? {
                self.lent = lent;
                let buffer = self.reader.fill_buf()?;
                return Ok(buffer.get(..lent).map(trim_line_end));
            }
        }
        self.line.clear();
        if !next_line(&mut self.reader, &mut self.line, 0)? {
            return Ok(None);
        }
        if matches!(self.state, State::Start) {
            self.state = State::Lines;
            if let Some(rest) = self.line.strip_prefix(b"\xEF\xBB\xBF") {
                self.line = rest.to_vec();
            }
            let first = self.line.iter().find(|b| !b.is_ascii_whitespace()).copied();
            let whole_line_json = serde_json::from_slice::<&RawValue>(&self.line).is_ok();
            if first == Some(b'[') || (first == Some(b'{') && !whole_line_json) {
                return self.buffer_rest(first == Some(b'['));
            }
        }
        Ok(Some(&self.line))
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
        let start = out.len();
        next_line(&mut self.reader, out, start)
    }

    /// Skips blank lines in the reader's buffer; the length (line end included) of the next
    /// line when the buffer holds all of it, so that it can be lent without a copy.
    fn whole_line_in_buffer(&mut self) -> io::Result<Option<usize>> {
        loop {
            let buffer = match self.reader.fill_buf() {
                Ok(buffer) => buffer,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
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

    fn buffered(&self) -> &[u8] {
        match &self.state {
            State::Buffered { text, current, .. } => text.get(current.clone()).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Reads the rest of the input and splits it as an array or a sequence of values, or,
    /// failing that, into lines.
    fn buffer_rest(&mut self, array: bool) -> io::Result<Option<&[u8]>> {
        let mut text = std::mem::take(&mut self.line);
        text.push(b'\n');
        self.reader.read_to_end(&mut text)?;
        let events = if array {
            array_items(&text)
        } else {
            sequence_items(&text)
        }
        .unwrap_or_else(|| {
            if array {
                std::iter::once(0..text.len()).collect()
            } else {
                lines(&text)
            }
        });
        let mut events = events.into_iter();
        let current = events.next();
        let Some(current) = current else {
            return Ok(None);
        };
        self.state = State::Buffered {
            text,
            events,
            current,
        };
        Ok(Some(self.buffered()))
    }
}

pub use crate::limits::LINE_CAP;

/// Appends the next line that is not blank to `out` after `start`, without its line ending;
/// `false` at the end of the input.
fn next_line(reader: &mut impl BufRead, out: &mut Vec<u8>, start: usize) -> io::Result<bool> {
    loop {
        out.truncate(start);
        if read_line(reader, out, LINE_CAP)? == 0 {
            return Ok(false);
        }
        let kept = trim_line_end(out.get(start..).unwrap_or_default()).len();
        out.truncate(start + kept);
        let line = out.get(start..).unwrap_or_default();
        if !line.iter().all(u8::is_ascii_whitespace) {
            return Ok(true);
        }
    }
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
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
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

/// Where `inner` sits within `outer`.
fn range_in(outer: &[u8], inner: &str) -> Range<usize> {
    let start = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    start..start + inner.len()
}

fn array_items(text: &[u8]) -> Option<Vec<Range<usize>>> {
    let items: Vec<&RawValue> = serde_json::from_slice(text).ok()?;
    Some(items.iter().map(|raw| range_in(text, raw.get())).collect())
}

/// The values of pretty-printed JSON. When a value is broken, the values before it are
/// kept and the rest is split into lines, each its own event; `None` when even the first
/// value is broken (then the whole input is read as lines: it is probably NDJSON).
fn sequence_items(text: &[u8]) -> Option<Vec<Range<usize>>> {
    let mut stream = serde_json::Deserializer::from_slice(text).into_iter::<&RawValue>();
    let mut items = Vec::new();
    loop {
        match stream.next() {
            None => return Some(items),
            Some(Ok(raw)) => items.push(range_in(text, raw.get())),
            Some(Err(_)) if items.is_empty() => return None,
            Some(Err(_)) => {
                let start = stream.byte_offset();
                let rest = text.get(start..).unwrap_or_default();
                items.extend(
                    lines(rest)
                        .into_iter()
                        .map(|r| r.start + start..r.end + start),
                );
                return Some(items);
            }
        }
    }
}

fn lines(text: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, byte) in text.iter().enumerate().chain([(text.len(), &b'\n')]) {
        if *byte == b'\n' {
            let mut end = i;
            while end > start && text.get(end - 1) == Some(&b'\r') {
                end -= 1;
            }
            if !text
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .all(u8::is_ascii_whitespace)
            {
                out.push(start..end);
            }
            start = i + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::EventReader;

    fn events(input: &str) -> Vec<String> {
        let mut reader = EventReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Ok(Some(event)) = reader.next_event() {
            out.push(String::from_utf8_lossy(event).into_owned());
        }
        out
    }

    #[test]
    fn lends_or_copies_lines_alike_whatever_the_buffer_size() {
        let input = "{\"a\":1}\r\n\n \r\n{\"b\":[1,\n2]}\nnot json\r\r\n\t\n{\"c\":\"é\"}";
        let expected = events(input);
        assert_eq!(expected.len(), 5, "{expected:?}");
        for capacity in 1..24 {
            let reader = std::io::BufReader::with_capacity(capacity, input.as_bytes());
            let mut reader = EventReader::new(reader);
            let mut out = Vec::new();
            while let Ok(Some(event)) = reader.next_event() {
                out.push(String::from_utf8_lossy(event).into_owned());
            }
            assert_eq!(out, expected, "buffer of {capacity} bytes");
        }
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
    fn reads_a_pretty_printed_object_whole() {
        assert_eq!(events("{\n  \"a\": 1\n}\n"), ["{\n  \"a\": 1\n}"]);
    }

    #[test]
    fn splits_an_array_into_its_items() {
        assert_eq!(events("[{\"a\":1},\n 2]"), ["{\"a\":1}", "2"]);
    }

    #[test]
    fn keeps_a_broken_array_as_one_event() {
        assert_eq!(events("[{\"a\":1},"), ["[{\"a\":1},\n"]);
    }

    #[test]
    fn keeps_the_values_before_a_broken_one() {
        assert_eq!(
            events("{\n  \"a\": 1\n}\n{\"b\": }\n{\"c\":3}\n"),
            ["{\n  \"a\": 1\n}", "{\"b\": }", "{\"c\":3}"]
        );
    }

    #[test]
    fn skips_a_byte_order_mark() {
        assert_eq!(events("\u{FEFF}{\"a\":1}\n"), ["{\"a\":1}"]);
    }

    #[test]
    fn falls_back_to_lines_when_pretty_json_is_broken() {
        assert_eq!(
            events("{\n\"a\": }\n{\"b\":2}\n"),
            ["{", "\"a\": }", "{\"b\":2}"]
        );
    }
}
