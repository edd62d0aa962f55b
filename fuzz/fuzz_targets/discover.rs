//! Fuzz target: `filrouge_feeds::discover` on any page bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(base) = url::Url::parse("https://fuzz.example/a/b.html") {
        let _ = filrouge_feeds::discover(data, &base);
    }
});
