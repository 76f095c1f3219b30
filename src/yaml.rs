//! The one door to `serde_yaml`: artifacts and test suites in YAML go through here. Without the
//! `yaml` feature every YAML document is refused with an error that says so.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A YAML document that does not fit what was expected, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct YamlError {
    /// What is wrong.
    pub(crate) message: String,
    /// 1-based line, when known.
    pub(crate) line: Option<usize>,
    /// 1-based column, when known.
    pub(crate) column: Option<usize>,
}

#[cfg(feature = "yaml")]
impl From<serde_yaml::Error> for YamlError {
    fn from(error: serde_yaml::Error) -> Self {
        let location = error.location();
        Self {
            message: error.to_string(),
            line: location.as_ref().map(serde_yaml::Location::line),
            column: location.as_ref().map(serde_yaml::Location::column),
        }
    }
}

/// YAML text of a value.
#[cfg(feature = "yaml")]
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, YamlError> {
    Ok(serde_yaml::to_string(value)?)
}

/// A value from YAML text, refused before it is parsed when its brackets nest deeper than
/// [`crate::limits::MAX_YAML_NESTING`] (the parser's time grows with the square of the depth).
#[cfg(feature = "yaml")]
pub(crate) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, YamlError> {
    shallow(bytes, crate::limits::MAX_YAML_NESTING)?;
    if memchr::memmem::find(bytes, b"<<").is_some() {
        // Merge keys (`<<: *base`) are applied, not read as a key named `<<`. Only then does
        // the document go through a tree, which loses the positions of shape errors.
        let mut tree: serde_yaml::Value = serde_yaml::from_slice(bytes)?;
        tree.apply_merge()?;
        return Ok(serde_yaml::from_value(tree)?);
    }
    Ok(serde_yaml::from_slice(bytes)?)
}

#[cfg(feature = "yaml")]
/// Refuses text whose flow brackets (`[`, `{`, outside quotes and comments) nest deeper than
/// `limit`, with the line where they do. Block nesting needs indentation, which a file of a
/// bounded size bounds.
fn shallow(bytes: &[u8], limit: usize) -> Result<(), YamlError> {
    let (mut depth, mut line) = (0_usize, 1_usize);
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let mut previous = b'\n';
    for &byte in bytes {
        if byte == b'\n' {
            line += 1;
            comment = false;
        } else if comment {
            // The rest of the line is a comment.
        } else if let Some(q) = quote {
            if byte == q {
                quote = None;
            }
        } else {
            match byte {
                b'"' | b'\'' => quote = Some(byte),
                b'#' if previous.is_ascii_whitespace() => comment = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > limit {
                        return Err(YamlError {
                            message: format!("brackets nest more than {limit} levels deep"),
                            line: Some(line),
                            column: None,
                        });
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        previous = byte;
    }
    Ok(())
}

/// YAML text of a value: not in this build.
#[cfg(not(feature = "yaml"))]
pub(crate) fn to_string<T: Serialize>(_: &T) -> Result<String, YamlError> {
    Err(left_out())
}

/// A value from YAML text: not in this build.
#[cfg(not(feature = "yaml"))]
pub(crate) fn from_slice<T: DeserializeOwned>(_: &[u8]) -> Result<T, YamlError> {
    Err(left_out())
}

#[cfg(not(feature = "yaml"))]
fn left_out() -> YamlError {
    YamlError {
        message: "this build of rulec reads and writes no YAML (it was built without the \
                  `yaml` feature); use JSON"
            .into(),
        line: None,
        column: None,
    }
}

#[cfg(all(test, feature = "yaml"))]
mod shallow_tests {
    #[test]
    fn deep_brackets_are_refused_before_parsing_and_quoted_ones_are_text() {
        let deep = format!("cases: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let error = super::from_slice::<serde_json::Value>(deep.as_bytes()).unwrap_err();
        assert!(
            error.message.contains("more than 64 levels"),
            "{}",
            error.message
        );
        let quoted = format!("a: \"{}\"  # {}\n", "[".repeat(100), "{".repeat(100));
        assert!(super::from_slice::<serde_json::Value>(quoted.as_bytes()).is_ok());
    }
}

#[cfg(all(test, not(feature = "yaml")))]
mod tests {
    #[test]
    fn without_the_feature_yaml_is_refused_with_a_reason() {
        let error = super::from_slice::<serde_json::Value>(b"a: 1").unwrap_err();
        assert!(
            error.message.contains("`yaml` feature"),
            "{}",
            error.message
        );
    }
}
