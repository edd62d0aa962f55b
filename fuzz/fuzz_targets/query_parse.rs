//! Fuzz target: `filrouge_query::parse` on any UTF-8; an accepted query explains itself, and matching and
//! highlighting a document made of the same text neither panics nor disagrees with the matcher.
#![no_main]

use filrouge_query::{parse, Document, Matcher, Scratch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    match parse(input) {
        Ok(query) => {
            let _ = query.explain();
            let doc = Document {
                title: input,
                text: input,
                author_handle: input,
                author_name: input,
                url: input,
                lang: Some(input),
                source: input,
                sentiment: Some(input),
            };
            let alone = query.matches(&doc);
            let h = query.highlights(&doc);
            for r in h.title.iter().chain(&h.text) {
                assert!(input.get(r.clone()).is_some(), "highlight {r:?} is not a range of the text");
            }
            let matcher = Matcher::new([(1, query)]);
            let mut out = Vec::new();
            matcher.matches(&doc, &mut Scratch::default(), &mut out);
            assert_eq!(out == [1], alone, "the matcher disagrees with the query alone");
        }
        Err(e) => {
            assert!(
                e.column() >= 1 && e.column() <= input.chars().count() + 1,
                "column {} out of the query",
                e.column()
            );
            let _ = e.caret(input);
        }
    }
});
