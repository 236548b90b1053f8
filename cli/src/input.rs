//! Reading input: lines from stdin (mnemonics, passphrases, confirmations), and files that
//! may be `-` for stdin (uses, items, model outputs).
//!
//! Everything goes through `std::io::stdin()`, whose buffer is shared process-wide, so
//! consecutive reads (a mnemonic, then a passphrase) see consecutive lines of piped input.
//! Secrets typed on a terminal are read with echo off (termios through rustix rather than
//! rpassword: rpassword 7.5 needs Rust 1.85, and it reads the fd directly, past std's buffer).

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum InputError {
    #[error("cannot turn terminal echo off for a secret: {0}")]
    EchoOff(std::io::Error),
}

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
    if std::io::stdin().is_terminal() {
        show_prompt(prompt);
    }
    next_line()
}

/// As [`read_line`] for a secret (passphrase, mnemonic): on a terminal what is typed is not
/// echoed; piped input is read as a plain line, so scripts and tests work as before.
pub fn read_secret(prompt: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return read_line(prompt);
    }
    show_prompt(prompt);
    let line = {
        let _quiet = EchoOff::new()?;
        next_line()
    };
    // The Enter that ended the line was not echoed either.
    eprintln!();
    match line? {
        Some(line) => Ok(line),
        None => bail!(
            "unexpected end of input on stdin ({})",
            prompt.trim_end_matches([':', ' '])
        ),
    }
}

fn show_prompt(prompt: &str) {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
}

/// One line of stdin without its line ending; `None` at end of input.
fn next_line() -> Result<Option<String>> {
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("failed to read from stdin")?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
}

/// Terminal echo off on stdin while alive; the saved settings come back on drop, also when
/// the read fails.
struct EchoOff {
    #[cfg(unix)]
    saved: rustix::termios::Termios,
}

impl EchoOff {
    #[cfg(unix)]
    fn new() -> Result<Self, InputError> {
        use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
        let stdin = std::io::stdin();
        let saved = tcgetattr(&stdin).map_err(|e| InputError::EchoOff(e.into()))?;
        let mut quiet = saved.clone();
        quiet
            .local_modes
            .remove(LocalModes::ECHO | LocalModes::ECHONL);
        // TCSANOW, not TCSAFLUSH: a mnemonic pasted ahead of the prompt is kept.
        tcsetattr(&stdin, OptionalActions::Now, &quiet)
            .map_err(|e| InputError::EchoOff(e.into()))?;
        Ok(Self { saved })
    }

    /// No termios: refuse rather than show the secret.
    #[cfg(not(unix))]
    fn new() -> Result<Self, InputError> {
        Err(InputError::EchoOff(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "pipe the secret on stdin or set OPENLEDGER_KEYRING_PASSPHRASE",
        )))
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use rustix::termios::{tcsetattr, OptionalActions};
            let _ = tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
        }
    }
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
