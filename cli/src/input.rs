//! Reading input: lines from stdin (mnemonics, passphrases, confirmations), and files that
//! may be `-` for stdin (uses, items, model outputs).
//!
//! Everything goes through `std::io::stdin()`, whose buffer is shared process-wide, so
//! consecutive reads (a mnemonic, then a passphrase) see consecutive lines of piped input.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;

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

/// The bytes of FILE, or of all of stdin when FILE is `-`; `what` names the input in errors.
pub fn read_file_or_stdin(path: &Path, what: &str) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .with_context(|| format!("reading {what} from stdin"))?;
        return Ok(buf);
    }
    std::fs::read(path).with_context(|| format!("reading {what} from {}", path.display()))
}

/// As [`read_file_or_stdin`], for text: invalid UTF-8 is an error.
pub fn read_text_file_or_stdin(path: &Path, what: &str) -> Result<String> {
    String::from_utf8(read_file_or_stdin(path, what)?)
        .with_context(|| format!("{what} in {} is not UTF-8", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_as_it_is_and_a_missing_one_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("uses.json");
        std::fs::write(&p, "[]").unwrap();
        assert_eq!(read_text_file_or_stdin(&p, "the uses").unwrap(), "[]");
        let err = read_file_or_stdin(&dir.path().join("gone"), "the uses").unwrap_err();
        assert!(
            format!("{err:#}").contains("reading the uses from"),
            "{err:#}"
        );
        std::fs::write(&p, [0xff, 0xfe]).unwrap();
        assert!(read_text_file_or_stdin(&p, "the uses").is_err());
    }
}
