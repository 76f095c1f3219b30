//! The floor `rulec eval` is measured against: read NDJSON and parse each line into a
//! `serde_json::Value`, writing one byte per event so the work cannot be skipped.
//!
//! ```text
//! cargo build --release --example parse_floor
//! target/release/examples/parse_floor < events.ndjson > /dev/null
//! ```

use std::io::{BufRead, BufReader, BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut input = BufReader::with_capacity(256 * 1024, std::io::stdin().lock());
    let mut output = BufWriter::new(std::io::stdout().lock());
    let mut line = Vec::new();
    while input.read_until(b'\n', &mut line)? > 0 {
        let parsed = serde_json::from_slice::<serde_json::Value>(&line);
        output.write_all(if parsed.is_ok() { b"1" } else { b"0" })?;
        line.clear();
    }
    output.flush()
}
