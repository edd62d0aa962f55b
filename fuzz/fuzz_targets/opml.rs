//! Fuzz target: `filrouge_feeds::opml::parse` on any bytes, and what `write` makes of the result reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(outlines) = filrouge_feeds::opml::parse(data) {
        let written = filrouge_feeds::opml::write("fuzz", &outlines);
        assert!(filrouge_feeds::opml::parse(written.as_bytes()).is_ok(), "written OPML does not read back");
    }
});
