//! Reading lines from stdin (mnemonics, passphrases, confirmations).
//!
//! Everything goes through `std::io::stdin()`, whose buffer is shared process-wide, so
//! consecutive reads (a mnemonic, then a passphrase) see consecutive lines of piped input.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Context, Result};

/// Prints `prompt` on stderr when stdin is a terminal, then reads one line without its
/// line ending. End of input is an error: the caller asked for something it needs.
pub fn read_line(prompt: &str) -> Result<String> {
    match read_line_opt(prompt)? {
        Some(line) => Ok(line),
        None => bail!(
            "unexpected end of input on stdin ({})",
            prompt.trim_end_matches([':', ' '])
        ),
    }
}

/// As [`read_line`], but end of input is `None`.
pub fn read_line_opt(prompt: &str) -> Result<Option<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    let n = stdin
        .lock()
        .read_line(&mut line)
        .context("failed to read from stdin")?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
}
