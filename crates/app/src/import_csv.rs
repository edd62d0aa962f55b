//! Reading a bulk-planning CSV into rows: the encoding (UTF-8 with or without BOM, UTF-16 with BOM, else
//! Windows-1252 as Excel writes it in France), the separator (`,` or `;`), and the header, whose columns are
//! named in English or French. Problems name the line and the column.

use std::fmt;

/// The columns a bulk-planning file may have. Stable English names; French aliases accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Date,
    Time,
    TimeZone,
    Client,
    Accounts,
    Text,
    Media,
    FirstComment,
    Labels,
    Campaign,
    /// Written by the export, ignored on import (imported posts are drafts).
    State,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Self::Date,
        Self::Time,
        Self::TimeZone,
        Self::Client,
        Self::Accounts,
        Self::Text,
        Self::Media,
        Self::FirstComment,
        Self::Labels,
        Self::Campaign,
        Self::State,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::Time => "time",
            Self::TimeZone => "time_zone",
            Self::Client => "client",
            Self::Accounts => "accounts",
            Self::Text => "text",
            Self::Media => "media",
            Self::FirstComment => "first_comment",
            Self::Labels => "labels",
            Self::Campaign => "campaign",
            Self::State => "state",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Date => &["date", "jour", "day"],
            Self::Time => &["time", "heure", "hour"],
            Self::TimeZone => &["time_zone", "timezone", "tz", "zone", "fuseau", "fuseau_horaire"],
            Self::Client => &["client", "marque", "brand"],
            Self::Accounts => &["accounts", "account", "comptes", "compte", "reseaux", "networks"],
            Self::Text => &["text", "texte", "message", "post", "publication", "contenu", "content"],
            Self::Media => &["media", "medias", "image", "images", "visuel", "visuels"],
            Self::FirstComment => &["first_comment", "premier_commentaire", "commentaire", "comment"],
            Self::Labels => &["labels", "label", "etiquettes", "etiquette", "tags"],
            Self::Campaign => &["campaign", "campagne"],
            Self::State => &["state", "etat", "statut", "status"],
        }
    }

    /// The column a header cell names (case, accents, spaces and hyphens ignored).
    pub fn from_header(cell: &str) -> Option<Column> {
        let folded: String = cell
            .trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'à' | 'â' => 'a',
                ' ' | '-' => '_',
                other => other,
            })
            .collect();
        Column::ALL.into_iter().find(|c| c.aliases().contains(&folded.as_str()))
    }

    pub fn required(self) -> bool {
        matches!(self, Self::Client | Self::Accounts | Self::Text)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A problem with the file as a whole: nothing can be read from it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct CsvError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// One data row: its line in the file and its cells by column (absent columns are empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub cells: Vec<(Column, String)>,
    /// The row had a different number of fields than the header.
    pub width_problem: Option<String>,
}

impl RawRow {
    pub fn get(&self, column: Column) -> &str {
        self.cells.iter().find(|(c, _)| *c == column).map_or("", |(_, v)| v.as_str())
    }
}

/// A read file: how it was decoded and its rows.
#[derive(Debug, Clone)]
pub struct CsvFile {
    /// Set when the file was not UTF-8 (e.g. `Windows-1252`).
    pub decoded_from: Option<&'static str>,
    pub separator: char,
    pub columns: Vec<Column>,
    pub rows: Vec<RawRow>,
}

/// The most rows a file may have.
pub const MAX_ROWS: usize = 10_000;

fn decode(bytes: &[u8]) -> (String, Option<&'static str>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let name = (encoding != encoding_rs::UTF_8).then_some(encoding.name());
        return (text.into_owned(), name);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), Some("Windows-1252"))
        }
    }
}

/// Reads a bulk-planning file.
pub fn read(file: &str, bytes: &[u8]) -> Result<CsvFile, CsvError> {
    let err = |line: usize, message: String| CsvError { file: file.to_owned(), line, message };
    let (text, decoded_from) = decode(bytes);
    let first_line = text.lines().next().unwrap_or("");
    let separator = if first_line.matches(';').count() > first_line.matches(',').count() { ';' } else { ',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(u8::try_from(separator).unwrap_or(b','))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(err(1, format!("unreadable header: {e}"))),
        None => return Err(err(1, "the file is empty".to_owned())),
    };
    let mut columns = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        match Column::from_header(cell) {
            Some(c) if columns.contains(&c) => {
                return Err(err(1, format!("column {} ('{cell}') repeats column '{c}'", i + 1)));
            }
            Some(c) => columns.push(c),
            None => {
                let known = Column::ALL.map(Column::name).join(", ");
                return Err(err(1, format!("column {} ('{}') is not one of: {known}", i + 1, cell.trim())));
            }
        }
    }
    for required in Column::ALL.into_iter().filter(|c| c.required()) {
        if !columns.contains(&required) {
            return Err(err(1, format!("the header has no '{required}' column")));
        }
    }
    if columns.contains(&Column::Time) != columns.contains(&Column::Date) {
        return Err(err(1, "'date' and 'time' go together: give both columns or neither".to_owned()));
    }
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
            err(line, format!("unreadable row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(err(line, format!("more than {MAX_ROWS} rows; split the file")));
        }
        let width_problem = (record.len() != columns.len())
            .then(|| format!("{} fields where the header has {} columns", record.len(), columns.len()));
        let cells = columns.iter().zip(record.iter()).map(|(c, v)| (*c, v.trim().to_owned())).collect();
        rows.push(RawRow { line, cells, width_problem });
    }
    Ok(CsvFile { decoded_from, separator, columns, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_headers_semicolons_and_windows_1252_are_read() {
        let text = "Date;Heure;Client;Comptes;Texte\n2026-07-01;12:30;da-marco;@damarco;Caf\u{e9} offert\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let file = read("plan.csv", &bytes).unwrap();
        assert_eq!(file.decoded_from, Some("Windows-1252"));
        assert_eq!(file.separator, ';');
        assert_eq!(file.rows[0].get(Column::Text), "Café offert");
        assert_eq!(file.rows[0].line, 2);
    }

    #[test]
    fn a_bom_is_skipped_and_quoted_fields_keep_commas_and_line_breaks() {
        let text = "\u{feff}date,time,client,accounts,text\n2026-07-01,12:30,da-marco,\"a, b\",\"Un,\ndeux\"\n";
        let file = read("plan.csv", text.as_bytes()).unwrap();
        assert_eq!(file.decoded_from, None);
        assert_eq!(file.rows[0].get(Column::Accounts), "a, b");
        assert_eq!(file.rows[0].get(Column::Text), "Un,\ndeux");
    }

    #[test]
    fn header_problems_name_the_column() {
        let e = read("p.csv", b"date,time,client,accounts,texte,colour\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("p.csv:1: column 6 ('colour') is not one of: {}", Column::ALL.map(Column::name).join(", "))
        );
        let e = read("p.csv", b"date,time,client,text\n").unwrap_err();
        assert_eq!(e.to_string(), "p.csv:1: the header has no 'accounts' column");
        let e = read("p.csv", b"date,client,accounts,text\n").unwrap_err();
        assert!(e.message.contains("go together"), "{e}");
        assert!(read("p.csv", b"").is_err());
    }

    #[test]
    fn rows_of_the_wrong_width_are_kept_with_their_problem() {
        let file = read("p.csv", b"client,accounts,text\na,b\na,b,c,d\n").unwrap();
        assert_eq!(file.rows[0].width_problem.as_deref(), Some("2 fields where the header has 3 columns"));
        assert_eq!(file.rows[1].width_problem.as_deref(), Some("4 fields where the header has 3 columns"));
        assert_eq!(file.rows[1].line, 3);
    }
}
