//! Query errors: what is wrong and where (1-based character column), with a caret line for display.

/// Why a query was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {column}")]
pub struct QueryError {
    message: String,
    column: usize,
}

impl QueryError {
    pub(crate) fn new(message: impl Into<String>, column: usize) -> QueryError {
        QueryError { message: message.into(), column: column.max(1) }
    }

    /// The problem, without its position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based column of the problem, counted in characters.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Two lines: the query, then a `^` under the column of the problem.
    pub fn caret(&self, input: &str) -> String {
        let line: String = input.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect();
        format!("{line}\n{}^", " ".repeat(self.column - 1))
    }
}
