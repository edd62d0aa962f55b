//! Conversions between database columns and domain values (times, JSON columns, enums).

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Result, StoreError};

pub(crate) fn millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn timestamp(ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(format!("time {ms}: {e}")))
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn from_json<T: DeserializeOwned>(column: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// Parses a stored enum or newtype, turning a domain refusal into a corruption report.
pub(crate) fn parsed<T>(column: &str, result: std::result::Result<T, filrouge_domain::Invalid>) -> Result<T> {
    result.map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}
