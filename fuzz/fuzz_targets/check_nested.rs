//! Check `.rules` text built from the input as a sequence of declarations that nest and
//! repeat (type chains, schemas that use each other, many patterns, deep `use` lists), so
//! that the nesting and size limits are reached: a result or a coded error, never a crash,
//! on the stack of a host's thread.
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use rulec::{Checker, Source};

fuzz_target!(|data: &[u8]| {
    let mut text = String::new();
    for (i, pair) in data.chunks(2).enumerate() {
        let (kind, n) = (pair[0] % 6, usize::from(*pair.get(1).unwrap_or(&0)));
        let _ = match kind {
            0 => writeln!(text, "type t{i} = t{}", i + 1 + n % 3),
            1 => writeln!(
                text,
                "schema s{i} {{ use s{}\n use s{}\n f{i}?: string }}",
                i + 1,
                i + 2 + n % 2
            ),
            2 => writeln!(text, "type p{i} = string matches /x{n}\\w{{{}}}/", n % 24),
            3 => writeln!(text, "envelope {{ use s{}\n action: t{} }}", n % 8, n % 8),
            4 => writeln!(text, "type e{i} = enum {{ {} }}", "a, ".repeat(n % 16)),
            _ => writeln!(text, "schema s{i} {{ use s{} }}", n),
        };
    }
    let checked = std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(move || {
            let mut checker = Checker::new();
            checker.add(Source::new("nested.rules", text));
            let checked = checker.check();
            let _ = checked
                .diagnostics
                .render(&miette::GraphicalTheme::unicode_nocolor(), 80);
            checked.summary.errors
        })
        .expect("a thread")
        .join();
    assert!(checked.is_ok(), "checking overflowed a 512 KiB stack");
});
