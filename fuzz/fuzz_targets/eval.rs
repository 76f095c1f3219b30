//! Evaluate arbitrary bytes against the shipped catalog: always exactly one decision, and the
//! fast path decides as the reference evaluator does. The same bytes are also read as a stream
//! in each input form: every event the reader yields gets its decision, NDJSON yields one
//! event per line that is not blank, and nothing panics or grows without bound.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rulec::Engine;
use rulec::eval::{EventReader, InputForm};

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(|| {
        Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))
            .expect("the shipped rules load")
    });
    let evaluator = engine.evaluator();
    let decision = evaluator.evaluate(data, 0);
    assert_eq!(decision, evaluator.evaluate_reference(data, 0));
    let _ = decision.to_json();

    for form in [InputForm::Auto, InputForm::Ndjson, InputForm::Json] {
        // Small buffers, so that events straddle reads.
        let mut reader = EventReader::with_form(std::io::BufReader::with_capacity(7, data), form);
        let mut events = 0usize;
        let mut bytes = 0usize;
        while let Ok(Some(event)) = reader.next_event() {
            bytes += event.len();
            let decision = evaluator.evaluate(event, events as u64);
            assert_eq!(decision.index, events as u64);
            events += 1;
        }
        assert!(bytes <= data.len() + 1, "more bytes decided than read");
        if form == InputForm::Ndjson {
            let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
            let lines = body
                .split(|b| *b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .count();
            assert_eq!(events, lines, "one event per line that is not blank");
        }
    }
});
