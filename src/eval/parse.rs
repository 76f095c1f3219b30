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
    let mut pointer = String::new();
    let value = Strict {
        pointer: &mut pointer,
    }
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

/// Builds a `Value` like `serde_json` does, but fails on a repeated key.
struct Strict<'p> {
    pointer: &'p mut String,
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
        let mut index = 0usize;
        loop {
            let len = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&index.to_string());
            let item = seq.next_element_seed(Strict {
                pointer: self.pointer,
            });
            self.pointer.truncate(len);
            match item? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "{DUPLICATE}{}{DUPLICATE}{key}{DUPLICATE}",
                    self.pointer
                )));
            }
            let len = self.pointer.len();
            self.pointer.push('/');
            self.pointer
                .push_str(&key.replace('~', "~0").replace('/', "~1"));
            let value = map.next_value_seed(Strict {
                pointer: self.pointer,
            });
            self.pointer.truncate(len);
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
