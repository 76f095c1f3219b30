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

/// A value from YAML text.
#[cfg(feature = "yaml")]
pub(crate) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, YamlError> {
    Ok(serde_yaml::from_slice(bytes)?)
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
