//! Fuzz target: `filrouge_feeds::parse` on any bytes, with and without a base URL and charset.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut opts = filrouge_feeds::ParseOptions::default();
    if data.first().is_some_and(|b| b & 1 == 1) {
        opts.base_url = url::Url::parse("https://fuzz.example/dir/feed.xml").ok();
        opts.content_type = Some("text/xml; charset=iso-8859-1".into());
    }
    opts.max_items = 50;
    opts.max_text_bytes = 4096;
    let _ = filrouge_feeds::parse(data, &opts);
});
