//! Parse and check arbitrary text as a `.rules` file, and render every diagnostic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rulec::{Checker, Source};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut checker = Checker::new();
    checker.add(Source::new("fuzz.rules", text));
    let checked = checker.check();
    let _ = checked
        .diagnostics
        .render(&miette::GraphicalTheme::unicode_nocolor(), 80);
});
