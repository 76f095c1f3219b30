//! Parsing an event strictly: a JSON object whose keys are unique at every depth, within the
//! size and nesting limits.

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
    value.map_err(|error| {
        let text = error.to_string();
        match text.split(DUPLICATE).collect::<Vec<_>>().as_slice() {
            [_, object, key, ..] => ParseError::DuplicateKey {
                object: (*object).to_owned(),
                key: (*key).to_owned(),
            },
            _ => ParseError::Json(error),
        }
    })
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
                let at = pointer(self.path);
                return Err(de::Error::custom(format_args!(
                    "{DUPLICATE}{at}{DUPLICATE}{key}{DUPLICATE}"
                )));
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
    use super::{ParseError, parse};

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

    #[test]
    fn survives_deep_nesting() {
        let deep = "[".repeat(100_000);
        assert!(matches!(parse(deep.as_bytes()), Err(ParseError::Json(_))));
    }
}
