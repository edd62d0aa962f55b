//! Fuzz target: the matcher over arbitrary documents (and arbitrary extra queries) never panics and agrees with
//! each query evaluated alone. Input: queries separated by U+0002, then U+0001, then document fields separated by
//! U+0001 (title, text, handle, name, url, lang, source, sentiment).
#![no_main]

use filrouge_query::{parse, Document, Matcher, Query, Scratch};
use libfuzzer_sys::fuzz_target;

const QUERIES: &[&str] = &[
    "orange",
    "\"service client\" NEAR/3 (nul OR lent)",
    "carref* -recrute",
    "(#miam OR @orange OR {BT}) lang:fr",
    "café NEAR/2f été",
    "title:panne site:(example.com OR orange.fr)",
    "author:jean url:promo",
    "source:rss sentiment:negative",
    "colo?r OR œuf*",
    "@user@mastodon.social OR coca-cola",
];

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let (extra, fields) = input.split_once('\u{1}').unwrap_or(("", input));
    let mut queries: Vec<(u64, Query)> =
        QUERIES.iter().enumerate().filter_map(|(i, q)| Some((i as u64, parse(q).ok()?))).collect();
    queries
        .extend(extra.split('\u{2}').take(20).enumerate().filter_map(|(i, q)| Some((100 + i as u64, parse(q).ok()?))));
    let mut f = fields.split('\u{1}');
    let mut next = || f.next().unwrap_or("");
    let (title, text, author_handle, author_name, url) = (next(), next(), next(), next(), next());
    let (lang, source, sentiment) = (next(), next(), next());
    let doc = Document {
        title,
        text,
        author_handle,
        author_name,
        url,
        lang: (!lang.is_empty()).then_some(lang),
        source,
        sentiment: (!sentiment.is_empty()).then_some(sentiment),
    };
    let mut expected: Vec<u64> = queries.iter().filter(|(_, q)| q.matches(&doc)).map(|(id, _)| *id).collect();
    expected.sort_unstable();
    expected.dedup();
    let matcher = Matcher::new(queries);
    let mut out = Vec::new();
    matcher.matches(&doc, &mut Scratch::default(), &mut out);
    assert_eq!(out, expected);
});
