//! `rulec config check`: Cloudant's event-type configuration API, offline.

use std::io::Read as _;

use rulec::catalog::EventType;
use rulec::config::check_event_types;

use crate::cli::{FAILED, OK, USAGE};

pub(crate) fn run(body: &str) -> u8 {
    let mut text = body.to_owned();
    if body == "-" {
        text.clear();
        if let Err(error) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("error: cannot read standard input: {error}");
            return USAGE;
        }
    }
    match check_event_types(&text, &[EventType::Management]) {
        Ok(_) => {
            println!(r#"{{"ok":true}}"#);
            OK
        }
        Err(error) => {
            println!("{}", error.to_json());
            FAILED
        }
    }
}
