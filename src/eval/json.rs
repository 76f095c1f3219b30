//! JSON text details shared by the input scanner and the output writer: where a string needs
//! escaping, and how a field path is written as a JSON pointer.

use std::borrow::Cow;

/// The offset of the first `"`, `\` or control character, found sixteen bytes at a time.
pub(crate) fn special(bytes: &[u8]) -> Option<usize> {
    let mut offset = 0;
    let mut rest = bytes;
    while let Some((pair, tail)) = rest.split_first_chunk::<16>() {
        let (low, high) = pair.split_at(8);
        let low = flags(u64::from_le_bytes(low.try_into().unwrap_or_default()));
        let high = flags(u64::from_le_bytes(high.try_into().unwrap_or_default()));
        if low | high != 0 {
            let at = if low != 0 {
                low.trailing_zeros()
            } else {
                64 + high.trailing_zeros()
            };
            return Some(offset + (at / 8) as usize);
        }
        offset += 16;
        rest = tail;
    }
    rest.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|at| offset + at)
}

/// In each byte of `word`, the high bit is set where the byte is a `"`, a `\` or a control
/// character; exact for the lowest such byte, which is all that is read.
#[inline]
fn flags(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Flipping bit 1 maps `"` (0x22) to 0x20 and keeps the controls below 0x20, so one
    // comparison finds both: the bytes below 0x21 after the flip.
    let flipped = word ^ (ONES * 0x02);
    let quote_or_control = flipped.wrapping_sub(ONES * 0x21) & !flipped;
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (quote_or_control | backslash) & (ONES * 0x80)
}

/// Appends one reference token of a JSON pointer (RFC 6901): `~` as `~0`, `/` as `~1`.
pub(crate) fn push_pointer_token(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// A dotted field path, `a.b~c/d`, as the JSON pointer `/a/b~0c~1d`.
pub(crate) fn pointer(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    for segment in path.split('.') {
        out.push('/');
        push_pointer_token(&mut out, segment);
    }
    out
}

/// At most 80 characters of a value, for messages.
pub(crate) fn shorten(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(80) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{pointer, special};

    #[test]
    fn escapes_pointer_segments() {
        assert_eq!(pointer("a.b~c/d"), "/a/b~0c~1d");
    }

    proptest! {
        #[test]
        fn special_finds_the_first_quote_backslash_or_control(
            bytes in prop::collection::vec(
                prop_oneof![
                    1 => Just(b'"'),
                    1 => Just(b'\\'),
                    1 => 0u8..0x20,
                    60 => 0x20u8..=0xff,
                ],
                0..120,
            ),
        ) {
            let naive = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            prop_assert_eq!(special(&bytes), naive);
        }
    }
}
