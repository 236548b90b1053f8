//! Global flags shared by every subcommand, and the chain's fixed parameters.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

/// Bech32 prefix of account addresses (`ol1…`).
pub use openledger_types::ACCOUNT_PREFIX;
pub const DEFAULT_NODE: &str = "http://127.0.0.1:26657";
pub const DEFAULT_CHAIN_ID: &str = "openledger-local-1";
/// Staking and fee denom; the amounts in the OpenLedger modules' messages are in it.
pub use openledger_types::DEFAULT_FEE_DENOM as FEE_DENOM;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    /// Graphviz DOT: only `query models lineage`
    Dot,
    /// Mermaid flowchart: only `query models lineage`
    Mermaid,
}

impl OutputFormat {
    /// A graph format, which only `query models lineage` prints.
    pub fn is_graph(self) -> bool {
        matches!(self, OutputFormat::Dot | OutputFormat::Mermaid)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyringBackend {
    /// Plaintext JSON files under HOME/keyring-test (for tests and localnets only; never the
    /// default, as in the SDK).
    Test,
    /// Mnemonics encrypted with a passphrase under HOME/keyring-file (the default).
    File,
}

/// Flags accepted on every subcommand (`global = true`), as in the Cosmos SDK CLI.
#[derive(Debug, Clone, Args)]
pub struct GlobalOpts {
    /// Directory for the keyring [default: ~/.openledger]
    #[arg(long, global = true, env = "OPENLEDGER_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// CometBFT RPC endpoint
    #[arg(long, global = true, default_value = DEFAULT_NODE, value_name = "URL")]
    pub node: String,

    /// Chain id put in the SignDoc
    #[arg(long = "chain-id", global = true, default_value = DEFAULT_CHAIN_ID, value_name = "ID")]
    pub chain_id: String,

    /// Output format (dot and mermaid: only for `query models lineage`)
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// Keyring backend: `file` encrypts each key with a passphrase (from
    /// OPENLEDGER_KEYRING_PASSPHRASE, else stdin); `test` stores plaintext, for tests only
    #[arg(long = "keyring-backend", global = true, value_enum, default_value_t = KeyringBackend::File)]
    pub keyring_backend: KeyringBackend,
}

/// Resolved global settings handed to each command.
#[derive(Debug, Clone)]
pub struct Context {
    pub home: PathBuf,
    pub node: String,
    pub chain_id: String,
    pub output: OutputFormat,
    pub keyring_backend: KeyringBackend,
}

impl Context {
    pub fn from_opts(opts: &GlobalOpts) -> Result<Self> {
        let home = match &opts.home {
            Some(dir) => expand_tilde(dir)?,
            None => user_home()?.join(".openledger"),
        };
        if opts.chain_id.trim().is_empty() {
            bail!("--chain-id must not be empty");
        }
        Ok(Self {
            home,
            node: opts.node.clone(),
            chain_id: opts.chain_id.clone(),
            output: opts.output,
            keyring_backend: opts.keyring_backend,
        })
    }

    pub fn json(&self) -> bool {
        self.output == OutputFormat::Json
    }
}

fn user_home() -> Result<PathBuf> {
    match std::env::var_os("HOME") {
        Some(h) if !h.is_empty() => Ok(PathBuf::from(h)),
        _ => bail!("HOME is not set: pass --home or set OPENLEDGER_HOME"),
    }
}

/// Shells expand `~` only at the start of a word, so `--home=~/x` arrives unexpanded.
fn expand_tilde(path: &std::path::Path) -> Result<PathBuf> {
    match path.to_str() {
        Some("~") => user_home(),
        Some(s) if s.starts_with("~/") => Ok(user_home()?.join(&s[2..])),
        _ => Ok(path.to_path_buf()),
    }
}
