//! Placeholders for statements with a variable number of values (multi-row inserts, `IN` lists).
//!
//! SQLite gets anonymous `?`: sqlx looks each numbered parameter up by name, which SQLite does in
//! time linear in the number of names, so numbered placeholders made a 3,600-value insert quadratic
//! (measured: 65% of ingest time). PostgreSQL gets `$1…$n`. Values are bound in order either way.

use crate::tx::Tx;

impl Tx {
    fn anonymous_params(&self) -> bool {
        matches!(self, Tx::Sqlite(_))
    }

    /// `(…),(…)` for `rows` rows of `cols` values; each value wrapped in `CAST(… AS cast)` when given
    /// (PostgreSQL cannot infer the types of bare parameters in a `VALUES` list).
    pub(crate) fn rows_of(&self, rows: usize, cols: usize, cast: Option<&str>) -> String {
        let mut s = String::with_capacity(rows * cols * 6);
        for r in 0..rows {
            s.push_str(if r > 0 { ",(" } else { "(" });
            for c in 0..cols {
                if c > 0 {
                    s.push(',');
                }
                let param = if self.anonymous_params() { "?".to_owned() } else { format!("${}", r * cols + c + 1) };
                match cast {
                    Some(t) => s.push_str(&format!("CAST({param} AS {t})")),
                    None => s.push_str(&param),
                }
            }
            s.push(')');
        }
        s
    }

    /// `?,?,…` or `$1,$2,…` for an `IN (…)` list of `n` values, the statement's first parameters.
    pub(crate) fn list_of(&self, n: usize) -> String {
        self.list_of_from(1, n)
    }

    /// The same for `n` values that come after `first - 1` other parameters (all placeholders of the
    /// statement must then be written with these helpers, in order).
    pub(crate) fn list_of_from(&self, first: usize, n: usize) -> String {
        if self.anonymous_params() {
            return vec!["?"; n].join(",");
        }
        (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(",")
    }
}
