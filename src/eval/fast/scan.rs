//! One pass over an event's bytes that checks the JSON, refuses repeated keys, and keeps only
//! the values at the catalog's paths, as offsets into the event: nothing is decoded or copied.
//!
//! The scanner is deliberately stricter than `serde_json`: whatever it is unsure of (an escape
//! in a key, a surrogate escape, a number with an exponent, deep nesting, a very wide object,
//! any syntax error) makes it give up, and the reference evaluator decides the event. So it
//! never accepts an input `serde_json` refuses, and it never needs to word an error.

use std::cell::RefCell;

use super::plan::{ROOT, Trie, head};
use crate::eval::json::special;

/// Nesting deeper than this is left to the reference parser (`serde_json` stops at 128).
const MAX_DEPTH: u32 = 100;
/// Objects wider than this are left to the reference parser, which checks keys in a map.
const MAX_KEYS: usize = 64;
/// Number tokens longer than this are left to the reference parser (range checks).
const MAX_NUMBER: usize = 64;

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Kind {
    /// Nothing (no such key, or not read in this event).
    #[default]
    Absent,
    Null,
    True,
    False,
    /// A number; the range is its token.
    Number,
    /// A string without escapes; the range is its text.
    String,
    /// A string with escapes (not decoded).
    Escaped,
    Object,
    Array,
}

/// The value found at one trie node in the event scanned `generation`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Found {
    generation: u32,
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Buffers reused from event to event on one thread, so that scanning does not allocate.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    found: Vec<Found>,
    generation: u32,
    keys: Vec<Key>,
}

/// A key of an object being read: its range, and its first eight bytes, which with its length
/// tell most different keys apart without comparing their text.
#[derive(Debug, Clone, Copy)]
struct Key {
    start: usize,
    end: usize,
    prefix: u64,
}

impl Key {
    fn new(bytes: &[u8], start: usize, end: usize) -> Self {
        // A key is followed by at least its closing quote and a colon, so eight bytes from its
        // start are nearly always there: one load, masked to the key's length.
        let prefix = match bytes.get(start..).and_then(<[u8]>::first_chunk::<8>) {
            Some(word) => {
                let len = end - start;
                let mask = if len >= 8 {
                    u64::MAX
                } else {
                    (1 << (8 * len)) - 1
                };
                u64::from_le_bytes(*word) & mask
            }
            None => head(bytes.get(start..end).unwrap_or_default()),
        };
        Key { start, end, prefix }
    }

    /// One of 64 bits, picked by the head and the length.
    fn bit(self) -> u64 {
        let mixed =
            (self.prefix ^ (self.end - self.start) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        1 << (mixed >> 58)
    }

    fn same(self, other: Key, bytes: &[u8]) -> bool {
        self.prefix == other.prefix
            && self.end - self.start == other.end - other.start
            && (self.end - self.start <= 8
                || bytes.get(self.start..self.end) == bytes.get(other.start..other.end))
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The values of one scanned event.
pub(crate) struct Scanned<'a> {
    pub(crate) text: &'a str,
    found: &'a [Found],
    generation: u32,
}

impl Scanned<'_> {
    /// What is at `node`; absent unless this event has it.
    pub(crate) fn get(&self, node: u32) -> Found {
        match self.found.get(node as usize) {
            Some(found) if found.generation == self.generation => *found,
            _ => Found::default(),
        }
    }
}

/// The scanner gave up on an event: it is not JSON, or has a repeated key, or is beyond what
/// the scanner reads (see the module's text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refused;

/// Scans `event` and calls `then` with its values; [`Refused`] when the scanner gives up (or
/// the scratch buffers are in use, which only a re-entrant call could cause).
pub(crate) fn with_scanned<T>(
    trie: &Trie,
    event: &[u8],
    then: impl FnOnce(&Scanned<'_>) -> T,
) -> Result<T, Refused> {
    let text = simdutf8::basic::from_utf8(event).map_err(|_| Refused)?;
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.try_borrow_mut().map_err(|_| Refused)?;
        let scratch = &mut *scratch;
        if scratch.found.len() < trie.len() {
            scratch.found.resize(trie.len(), Found::default());
        }
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            scratch.found.fill(Found::default());
            scratch.generation = 1;
        }
        scratch.keys.clear();
        Scanner {
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            trie,
            scratch,
        }
        .event()
        .ok_or(Refused)?;
        let scanned = Scanned {
            text,
            found: &scratch.found,
            generation: scratch.generation,
        };
        Ok(then(&scanned))
    })
}

struct Scanner<'a, 's> {
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
    trie: &'a Trie,
    scratch: &'s mut Scratch,
}

impl Scanner<'_, '_> {
    fn event(&mut self) -> Option<()> {
        self.whitespace();
        if self.peek()? != b'{' {
            return None;
        }
        self.value(Some(ROOT))?;
        self.whitespace();
        (self.pos == self.bytes.len()).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn record(&mut self, node: Option<u32>, kind: Kind, start: usize, end: usize) {
        if let Some(found) = node.and_then(|n| self.scratch.found.get_mut(n as usize)) {
            *found = Found {
                generation: self.scratch.generation,
                kind,
                start,
                end,
            };
        }
    }

    /// One value; `node` is its trie node when the catalog reads this path.
    fn value(&mut self, node: Option<u32>) -> Option<()> {
        self.whitespace();
        let start = self.pos;
        let kind = match self.peek()? {
            b'{' => {
                let inner = node.filter(|n| self.trie.has_children(*n));
                self.object(inner)?;
                Kind::Object
            }
            b'[' => {
                self.array()?;
                Kind::Array
            }
            b'"' => {
                let escaped = self.string()?;
                let (start, end) = (start + 1, self.pos - 1);
                let kind = if escaped { Kind::Escaped } else { Kind::String };
                self.record(node, kind, start, end);
                return Some(());
            }
            b't' => self.literal(b"true", Kind::True)?,
            b'f' => self.literal(b"false", Kind::False)?,
            b'n' => self.literal(b"null", Kind::Null)?,
            b'-' | b'0'..=b'9' => {
                self.number()?;
                Kind::Number
            }
            _ => return None,
        };
        self.record(node, kind, start, self.pos);
        Some(())
    }

    fn literal(&mut self, word: &[u8], kind: Kind) -> Option<Kind> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then(|| {
            self.pos = end;
            kind
        })
    }

    /// Steps over the opening bracket of an object or array.
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.pos += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Steps over the closing bracket of an object or array.
    fn leave(&mut self) {
        self.pos += 1;
        self.depth -= 1;
    }

    fn object(&mut self, node: Option<u32>) -> Option<()> {
        self.enter()?;
        let first_key = self.scratch.keys.len();
        self.whitespace();
        if self.peek()? == b'}' {
            self.leave();
            return Some(());
        }
        // One bit per key, from its head and length: a key whose bit is not yet set cannot
        // repeat an earlier one, so most keys are not compared with the others at all.
        let mut seen = 0u64;
        loop {
            self.whitespace();
            if self.peek()? != b'"' {
                return None;
            }
            let start = self.pos + 1;
            let escaped = self.string()?;
            let end = self.pos - 1;
            let key = Key::new(self.bytes, start, end);
            let bit = key.bit();
            if seen & bit != 0 && self.repeats(first_key, start, end, key.prefix) {
                return None;
            }
            seen |= bit;
            if escaped || self.scratch.keys.len() - first_key >= MAX_KEYS {
                return None;
            }
            self.scratch.keys.push(key);
            self.whitespace();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            let child = match node {
                Some(node) => {
                    self.trie
                        .child_with_head(node, self.bytes.get(start..end)?, key.prefix)
                }
                None => None,
            };
            self.value(child)?;
            if !self.more(b'}')? {
                break;
            }
        }
        self.scratch.keys.truncate(first_key);
        self.leave();
        Some(())
    }

    /// Whether the key at `start..end` repeats one of the object's keys read so far. Out of
    /// line, and given the key's parts rather than the key, so that the common path keeps
    /// them in registers (a key copied through memory here measurably stalled the scanner).
    #[cold]
    #[inline(never)]
    fn repeats(&self, first_key: usize, start: usize, end: usize, prefix: u64) -> bool {
        let key = Key { start, end, prefix };
        self.scratch
            .keys
            .get(first_key..)
            .is_none_or(|keys| keys.iter().any(|k| k.same(key, self.bytes)))
    }

    fn array(&mut self) -> Option<()> {
        self.enter()?;
        self.whitespace();
        if self.peek()? == b']' {
            self.leave();
            return Some(());
        }
        loop {
            self.value(None)?;
            if !self.more(b']')? {
                break;
            }
        }
        self.leave();
        Some(())
    }

    /// After an item of an object or array: `true` past a comma (another item follows),
    /// `false` at the closing bracket `close`.
    fn more(&mut self, close: u8) -> Option<bool> {
        self.whitespace();
        match self.peek()? {
            b',' => {
                self.pos += 1;
                Some(true)
            }
            byte => (byte == close).then_some(false),
        }
    }

    /// A string at the opening quote: steps past its closing quote and tells whether it has
    /// escapes. (Returning only the flag, not the range, spares the caller a reload of a
    /// returned struct, which measurably stalled the scanner.)
    fn string(&mut self) -> Option<bool> {
        self.pos += 1;
        let mut escaped = false;
        loop {
            let at = special(self.bytes.get(self.pos..)?)?;
            self.pos += at;
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(escaped);
                }
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                _ => return None,
            }
        }
    }

    /// An escape at the backslash. A `\u` escape of a surrogate is left to the reference
    /// parser, which pairs surrogates.
    fn escape(&mut self) -> Option<()> {
        match self.bytes.get(self.pos + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
            b'u' => {
                let hex = self.bytes.get(self.pos + 2..self.pos + 6)?;
                let hex = std::str::from_utf8(hex).ok()?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                let code = u32::from_str_radix(hex, 16).ok()?;
                if (0xD800..=0xDFFF).contains(&code) {
                    return None;
                }
                self.pos += 6;
            }
            _ => return None,
        }
        Some(())
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)?`. Exponents are left to the reference
    /// parser, which checks their range.
    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        let exponent = matches!(self.peek(), Some(b'e' | b'E'));
        (!exponent && self.pos - start <= MAX_NUMBER).then_some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }
}

/// The text of a found string or number.
pub(crate) fn text<'a>(scanned: &Scanned<'a>, found: Found) -> Option<&'a str> {
    scanned.text.get(found.start..found.end)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Key, head};

    proptest! {
        #[test]
        fn a_key_prefix_is_the_head_of_its_text(
            bytes in prop::collection::vec(any::<u8>(), 0..24),
            start in 0usize..24,
            len in 0usize..24,
        ) {
            let start = start.min(bytes.len());
            let end = (start + len).min(bytes.len());
            let key = Key::new(&bytes, start, end);
            prop_assert_eq!(key.prefix, head(&bytes[start..end]));
        }
    }
}
