//! Load arbitrary bytes as a compiled catalog artifact: an error or a catalog, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(catalog) = rulec::artifact::read(data) {
        let _ = rulec::Engine::new(catalog).evaluate(br#"{"action":"x"}"#);
    }
});
