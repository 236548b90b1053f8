//! The CLI's parsers of files an operator writes or downloads: uses files, weights files and
//! Hugging Face model cards. Any text must parse or be refused with an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openledger_cli::attribute::uses::{parse_uses_file, parse_weights_file};
use openledger_cli::ledger::card::parse_card;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the parser, so one corpus reaches all three.
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match which % 3 {
        0 => drop(parse_uses_file(text)),
        1 => drop(parse_weights_file(text)),
        _ => drop(parse_card(text)),
    }
});
