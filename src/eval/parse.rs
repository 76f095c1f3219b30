//! Parsing an event strictly: a JSON object whose keys are unique at every depth, within the
//! size and nesting limits.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

pub use crate::limits::MAX_EVENT_BYTES;

/// Why an input is not an event.
#[derive(Debug)]
pub(crate) enum ParseError {
    /// Not JSON (`serde_json`'s words, with line and column).
    Json(serde_json::Error),
    /// A key that appears twice in one object.
    DuplicateKey {
        /// JSON pointer to the object.
        object: String,
        /// The key.
        key: String,
    },
}

const DUPLICATE: &str = "\u{0}duplicate key\u{0}";

/// Parses JSON, refusing duplicate keys. `serde_json`'s own recursion limit (128 levels) bounds
/// the nesting, so a deeply nested input is an error, not a stack overflow.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut path = Vec::new();
    let value = Strict { path: &mut path }
        .deserialize(&mut deserializer)
        .and_then(|v| deserializer.end().map(|()| v));
    value.map_err(classify)
}

/// What [`parse`] would say of `bytes`, without building the tree: `Ok` when it would parse
/// them, else the same error. For an input the fast scanner refused, which is most often not
/// JSON at all: finding where it breaks costs a fraction of a parse.
pub(crate) fn check(bytes: &[u8]) -> Result<(), ParseError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut path = Vec::new();
    Checked { path: &mut path }
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end())
        .map_err(classify)
}

/// A parse error as [`ParseError`]: a repeated key, or `serde_json`'s own.
fn classify(error: serde_json::Error) -> ParseError {
    let text = error.to_string();
    match text.split(DUPLICATE).collect::<Vec<_>>().as_slice() {
        [_, object, key, ..] => ParseError::DuplicateKey {
            object: (*object).to_owned(),
            key: (*key).to_owned(),
        },
        _ => ParseError::Json(error),
    }
}

/// The error [`Strict`] and [`Checked`] give for a key met twice in an object.
fn duplicate<E: de::Error>(path: &[Segment], key: &str) -> E {
    let at = pointer(path);
    de::Error::custom(format_args!("{DUPLICATE}{at}{DUPLICATE}{key}{DUPLICATE}"))
}

/// Reads a value as [`Strict`] does, keeping nothing but each object's keys, to find the
/// first error [`Strict`] would find.
struct Checked<'p> {
    path: &'p mut Vec<Segment>,
}

/// Objects with more keys than this look their keys up in a hash set.
const LISTED_KEYS: usize = 16;

impl<'de> DeserializeSeed<'de> for Checked<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.path.push(Segment::Index(index));
            let item = seq.next_element_seed(Checked { path: self.path });
            self.path.pop();
            if item?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut listed: Vec<Cow<'de, str>> = Vec::new();
        let mut hashed: HashSet<Cow<'de, str>> = HashSet::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let seen = if hashed.is_empty() {
                listed.contains(&key)
            } else {
                hashed.contains(&key)
            };
            if seen {
                return Err(duplicate(self.path, &key));
            }
            self.path.push(Segment::Key(key.clone().into_owned()));
            let value = map.next_value_seed(Checked { path: self.path });
            self.path.pop();
            value?;
            if hashed.is_empty() && listed.len() < LISTED_KEYS {
                listed.push(key);
            } else {
                hashed.extend(listed.drain(..));
                hashed.insert(key);
            }
        }
        Ok(())
    }
}

/// A key, borrowed from the input when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
}

/// One step of the path to the value being read.
enum Segment {
    Key(String),
    Index(usize),
}

/// The JSON pointer of a path, built only when a duplicate is reported.
fn pointer(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        out.push('/');
        match segment {
            Segment::Key(key) => super::json::push_pointer_token(&mut out, key),
            Segment::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

/// Builds a `Value` like `serde_json` does, but fails on a repeated key. The path is kept as
/// a stack of segments (each key moves onto it and back into its object), so reading costs
/// no allocation beyond the value's own.
struct Strict<'p> {
    path: &'p mut Vec<Segment>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.path.push(Segment::Index(items.len()));
            let item = seq.next_element_seed(Strict { path: self.path });
            self.path.pop();
            match item? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(duplicate(self.path, &key));
            }
            self.path.push(Segment::Key(key));
            let value = map.next_value_seed(Strict { path: self.path });
            let key = match self.path.pop() {
                Some(Segment::Key(key)) => key,
                _ => String::new(),
            };
            object.insert(key, value?);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::{ParseError, check, parse};

    #[test]
    fn refuses_a_repeated_key_and_says_where() {
        match parse(br#"{"a":{"b":1,"b":2}}"#) {
            Err(ParseError::DuplicateKey { object, key }) => {
                assert_eq!((object.as_str(), key.as_str()), ("/a", "b"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_like_serde_json_otherwise() {
        let text = br#"{"a":[1,-2,3.5,"x",null,true,{}],"b":{"c":"d"}}"#;
        assert_eq!(parse(text).ok(), serde_json::from_slice(text).ok());
    }

    /// What an outcome says, for comparing `check` with `parse`.
    fn words<T>(outcome: Result<T, ParseError>) -> Option<String> {
        match outcome {
            Ok(_) => None,
            Err(ParseError::Json(error)) => Some(error.to_string()),
            Err(ParseError::DuplicateKey { object, key }) => Some(format!("{object} {key}")),
        }
    }

    proptest::proptest! {
        #[test]
        fn check_finds_what_parse_finds(
            cut in 0usize..120,
            at in 0usize..120,
            insert in "[ {}\\[\\]\",:a-c0-9\\\\.eE+-]{0,4}",
        ) {
            let text = r#"{"a":{"b":[1,-2.5e3,"x\u00e9",null,true,{"c":1,"d":{}}],"b2":"y"},"e":{"a":0}}"#;
            let mut event = text.as_bytes()[..cut.min(text.len())].to_vec();
            let at = at.min(event.len());
            event.splice(at..at, insert.bytes());
            proptest::prop_assert_eq!(words(check(&event)), words(parse(&event)));
        }
    }

    #[test]
    fn check_finds_a_repeated_key_among_many() {
        let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        let text = format!("{{{},\"k7\":0}}", keys.join(","));
        assert_eq!(words(check(text.as_bytes())), words(parse(text.as_bytes())));
        assert_eq!(words(check(text.as_bytes())).as_deref(), Some(" k7"));
    }

    #[test]
    fn survives_deep_nesting() {
        let deep = "[".repeat(100_000);
        assert!(matches!(parse(deep.as_bytes()), Err(ParseError::Json(_))));
    }
}
