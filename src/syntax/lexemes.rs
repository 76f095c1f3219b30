//! Where the comments, strings and regexes of a `.rules` text are, found without the parser:
//! the formatter puts comments back by them, and the checker looks inside them for characters
//! that hide or reorder text.

/// What a lexeme is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `// ...` or `/* ... */`.
    Comment,
    /// `"..."`.
    String,
    /// `/.../`.
    Regex,
}

/// One comment, string or regex: its kind and its byte range (a comment's without its `\n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lexeme {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Every comment, string and regex of `text`, in order.
///
/// A `/` that starts no comment starts a regex, as the grammar admits `/` nowhere else outside
/// strings and comments; in text that does not parse, this is a good guess.
pub(crate) fn scan(text: &str) -> Vec<Lexeme> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (kind, end) = match byte {
            b'"' => (Kind::String, skip_quoted(bytes, at, b'"')),
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', bytes.get(at..).unwrap_or_default())
                    .map_or(text.len(), |n| at + n);
                (Kind::Comment, end)
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                let rest = bytes.get(at + 2..).unwrap_or_default();
                match memchr::memmem::find(rest, b"*/") {
                    Some(n) => (Kind::Comment, at + 2 + n + 2),
                    // pest tries the comment first; unclosed, it is a regex that starts with `*`.
                    None => (Kind::Regex, skip_quoted(bytes, at, b'/')),
                }
            }
            b'/' => (Kind::Regex, skip_quoted(bytes, at, b'/')),
            _ => {
                at += 1;
                continue;
            }
        };
        out.push(Lexeme {
            kind,
            start: at,
            end,
        });
        at = end;
    }
    out
}

/// The offset past a string or regex that opens at `start` with `close`: a backslash escapes
/// the next byte; either also ends at a line break (the parser refuses one inside them, and
/// recovery reads broken text with this scan).
fn skip_quoted(bytes: &[u8], start: usize, close: u8) -> usize {
    let mut at = start + 1;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' => at += 1,
            b'\n' => return at,
            _ if byte == close => return at + 1,
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}
