//! The languages of the interface and of clients' content.

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A language, by ISO 639-1 code. The interface speaks French and English; a client's content may
/// be in any of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
    Es,
    De,
    It,
    Pt,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 7] = [Lang::Fr, Lang::En, Lang::Es, Lang::De, Lang::It, Lang::Pt, Lang::Nl];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Es => "es",
            Lang::De => "de",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Nl => "nl",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Invalid> {
        let code = code.trim().to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == code).ok_or_else(|| {
            Invalid::new(
                "language",
                format!("unknown language code '{code}' (expected one of fr, en, es, de, it, pt, nl)"),
            )
        })
    }
}

/// The language the interface is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UiLang {
    #[default]
    Fr,
    En,
}

impl UiLang {
    pub fn code(self) -> &'static str {
        match self {
            UiLang::Fr => "fr",
            UiLang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(UiLang::Fr),
            "en" => Some(UiLang::En),
            _ => None,
        }
    }

    /// Picks the interface language from an HTTP `Accept-Language` value, honouring q-values;
    /// French when nothing matches.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, UiLang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = UiLang::parse(primary) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_highest_quality_supported_language() {
        assert_eq!(UiLang::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"), UiLang::En);
        assert_eq!(UiLang::from_accept_language("de-DE,fr;q=0.5,en;q=0.7"), UiLang::En);
        assert_eq!(UiLang::from_accept_language("fr-FR"), UiLang::Fr);
        assert_eq!(UiLang::from_accept_language("de, es"), UiLang::Fr);
        assert_eq!(UiLang::from_accept_language(""), UiLang::Fr);
    }

    #[test]
    fn content_languages_parse_by_code() {
        assert_eq!(Lang::parse(" FR "), Ok(Lang::Fr));
        assert!(Lang::parse("xx").is_err());
    }
}
