//! Fuzz target: the analyser never panics and keeps its score in bounds on any input, declared language or not.
#![no_main]
use std::sync::OnceLock;

use filrouge_analysis::Analyzer;

static ANALYZER: OnceLock<Option<Analyzer>> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(analyzer) = ANALYZER.get_or_init(|| Analyzer::new(Analyzer::default_languages()).ok()) else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let declared = data.first().map(|b| ["fr", "en-US", "es_ES", "xx", ""][usize::from(*b) % 5]);
    for lang in [None, declared] {
        let a = analyzer.analyze(&text, lang);
        assert!((-1.0..=1.0).contains(&a.sentiment_score));
        assert!(a.lang.is_none_or(|l| analyzer.languages().contains(&l)));
    }
});
