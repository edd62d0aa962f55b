//! Fuzz target: `filrouge_feeds::parse` on any bytes, with and without a base URL and charset.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // feed-rs panics are caught inside parse (and tested in tests/regressions); libFuzzer's hook
    // would abort on them anyway, so it is silenced: a panic that escapes parse still aborts.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let mut opts = filrouge_feeds::ParseOptions::default();
    if data.first().is_some_and(|b| b & 1 == 1) {
        opts.base_url = url::Url::parse("https://fuzz.example/dir/feed.xml").ok();
        opts.content_type = Some("text/xml; charset=iso-8859-1".into());
    }
    opts.max_items = 50;
    opts.max_text_bytes = 4096;
    let _ = filrouge_feeds::parse(data, &opts);
});
