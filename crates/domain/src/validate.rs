//! The one error type for values that break a domain rule, naming the field and the reason.

/// A value that breaks a domain rule. `field` is the dotted name a user would recognise
/// (`charter.max_hashtags`), `reason` a sentence in English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }

    /// Prefixes the field with its parent (`brief` + `audience` → `brief.audience`).
    #[must_use]
    pub fn within(mut self, parent: &str) -> Self {
        self.field = format!("{parent}.{}", self.field);
        self
    }
}

/// Trims `value` and refuses it when empty or longer than `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    optional_text(field, trimmed, max)
}

/// Trims `value` and refuses it when longer than `max` characters.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(Invalid::new(field, format!("must be at most {max} characters")));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(Invalid::new(field, "must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_refuses_blank_and_long_values() {
        assert_eq!(required_text("name", "  Da Marco ", 20), Ok("Da Marco".to_owned()));
        assert_eq!(required_text("name", "   ", 20).unwrap_err().reason, "must not be empty");
        assert!(required_text("name", "abcdef", 5).is_err());
        assert!(optional_text("name", "a\u{0}b", 5).is_err());
    }
}
