//! Positions as the protocol counts them (lines, and UTF-16 code units within a line) against
//! byte offsets as rulec counts them, and `file:` URIs against paths.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Uri};

/// Where the lines of one text start, to turn byte offsets into protocol positions and back.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Self { starts }
    }

    /// The position of byte `offset` of `text` (clamped to the text, and back to a character
    /// boundary).
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum::<usize>());
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of a position in `text`: past the end of a line is its end, past the
    /// last line is the end of the text, and inside a surrogate pair is the character's start.
    pub(crate) fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let line = text.get(start..end).unwrap_or("");
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += c.len_utf16();
            if units > position.character as usize {
                return start + at;
            }
        }
        // A `\r` before the `\n` is part of the line ending.
        start + line.strip_suffix('\r').map_or(line.len(), str::len)
    }

    pub(crate) fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes.
pub(crate) fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///p` has an empty authority; `file://localhost/p` names this machine.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let hex = |i: usize| bytes.get(i).and_then(|b| (*b as char).to_digit(16));
        if let (b'%', Some(high), Some(low)) = (byte, hex(at + 1), hex(at + 2)) {
            decoded.push(u8::try_from(high * 16 + low).unwrap_or(b'%'));
            at += 3;
        } else {
            decoded.push(byte);
            at += 1;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt as _;
        Some(PathBuf::from(std::ffi::OsString::from_vec(decoded)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(decoded).ok().map(PathBuf::from)
    }
}

/// The `file:` URI of an absolute path, with the characters a URI path cannot hold escaped.
pub(crate) fn uri_of(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut uri = String::with_capacity(text.len() + 8);
    uri.push_str("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{LineIndex, Position, path_of, uri_of};

    #[test]
    fn positions_count_utf16_code_units() {
        // `é` is one unit, `𝄞` two (a surrogate pair); the Chinese characters one each.
        let text = "ab\n描述é𝄞x\r\nlast";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(text, x), Position::new(1, 5));
        assert_eq!(lines.offset(text, Position::new(1, 5)), x);
        // Inside the surrogate pair: the character's start.
        assert_eq!(
            lines.offset(text, Position::new(1, 4)),
            text.find('𝄞').unwrap()
        );
        // Past the end of a line: before its `\r\n`.
        assert_eq!(lines.offset(text, Position::new(1, 99)), x + 1);
        assert_eq!(lines.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(lines.position(text, text.len()), Position::new(2, 4));
    }

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let path = std::path::Path::new("/srv/a dir/é%.rules");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///srv/a%20dir/%C3%A9%25.rules");
        assert_eq!(path_of(&uri).as_deref(), Some(path));
    }
}
