//! The one door to `serde_yaml`: artifacts and test suites in YAML go through here.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// YAML text of a value.
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, serde_yaml::Error> {
    serde_yaml::to_string(value)
}

/// A value from YAML text.
pub(crate) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_yaml::Error> {
    serde_yaml::from_slice(bytes)
}
