//! `openledger keys …`: create, recover, list, show, export, import and delete keys.

pub mod crypto;
pub mod derive;
pub mod keyring;

use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use clap::Subcommand;
use serde_json::{json, Value};

use crate::config::{Context, KeyringBackend};
use crate::input;
use crate::output::{b64, emit, print_json};
pub use keyring::{KeyInfo, Keyring};

const SECP256K1_PUBKEY_TYPE: &str = "/cosmos.crypto.secp256k1.PubKey";

#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// Create a key from a new 24-word mnemonic, or recover one (--recover reads it from stdin)
    Add {
        name: String,
        /// Read an existing BIP39 mnemonic from stdin instead of generating one
        #[arg(long)]
        recover: bool,
    },
    /// List all keys
    List,
    /// Show a key (by name or address)
    Show {
        name: String,
        /// Print only the bech32 address
        #[arg(short = 'a', long = "address")]
        address: bool,
    },
    /// Delete a key
    Delete {
        name: String,
        /// Skip the confirmation prompt
        #[arg(short = 'y', long = "yes")]
        yes: bool,
    },
    /// Print a key's mnemonic (the file backend asks for the passphrase)
    Export { name: String },
    /// Import a key from a file holding its mnemonic
    Import { name: String, file: PathBuf },
}

pub fn run(ctx: &Context, cmd: KeysCmd) -> Result<()> {
    let kr = Keyring::open(&ctx.home, ctx.keyring_backend);
    match cmd {
        KeysCmd::Add { name, recover } => add(ctx, &kr, &name, recover),
        KeysCmd::List => {
            let keys = kr.list()?;
            if ctx.json() {
                print_json(&Value::Array(keys.iter().map(key_json).collect()));
            } else if keys.is_empty() {
                eprintln!("No records were found in keyring");
            } else {
                println!(
                    "{}",
                    keys.iter().map(key_text).collect::<Vec<_>>().join("\n")
                );
            }
            Ok(())
        }
        KeysCmd::Show { name, address } => {
            let key = kr.find(&name)?;
            if address {
                println!("{}", key.address);
            } else {
                emit(ctx, &key_json(&key), || key_text(&key));
            }
            Ok(())
        }
        KeysCmd::Delete { name, yes } => {
            let key = kr.get(&name)?;
            if !yes {
                let answer = input::read_line_opt(&format!(
                    "Key {} ({}) will be deleted. Continue? [y/N]: ",
                    key.name, key.address
                ))?
                .unwrap_or_default();
                if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
                    bail!("aborted: key {name} was not deleted (confirm with y, or pass -y)");
                }
            }
            kr.delete(&name)?;
            emit(ctx, &json!({"name": name, "deleted": true}), || {
                format!("Key {name} deleted")
            });
            Ok(())
        }
        KeysCmd::Export { name } => {
            let key = kr.get(&name)?;
            let mnemonic = kr.mnemonic(&name)?;
            emit(
                ctx,
                &json!({"name": key.name, "address": key.address, "mnemonic": mnemonic.to_string()}),
                || mnemonic.to_string(),
            );
            Ok(())
        }
        KeysCmd::Import { name, file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading mnemonic file {}", file.display()))?;
            let mnemonic = derive::parse_mnemonic(&text)?;
            store(ctx, &kr, &name, &mnemonic, None)
        }
    }
}

fn add(ctx: &Context, kr: &Keyring, name: &str, recover: bool) -> Result<()> {
    keyring::validate_name(name)?;
    // Fail before asking for a mnemonic or passphrase the user would then have typed in vain.
    if kr.exists(name) {
        return Err(keyring::KeyringError::AlreadyExists(name.into()).into());
    }
    if recover {
        let line = input::read_secret("Enter your bip39 mnemonic: ")?;
        let mnemonic = derive::parse_mnemonic(&line)?;
        store(ctx, kr, name, &mnemonic, None)
    } else {
        let mnemonic = derive::generate_mnemonic()?;
        let phrase = mnemonic.to_string();
        store(ctx, kr, name, &mnemonic, Some(&phrase))
    }
}

/// Saves the key and prints it; `show_mnemonic` is set only for a freshly generated one.
fn store(
    ctx: &Context,
    kr: &Keyring,
    name: &str,
    mnemonic: &bip39::Mnemonic,
    show_mnemonic: Option<&str>,
) -> Result<()> {
    let passphrase = kr.new_passphrase_if_needed()?;
    let key = kr.add(name, mnemonic, passphrase.as_deref())?;
    if ctx.keyring_backend == KeyringBackend::Test {
        eprintln!(
            "WARNING: the test keyring keeps the mnemonic of {name} in plaintext in {}; \
             use it for tests and localnets only (the default, --keyring-backend file, \
             encrypts it)",
            kr.dir().display()
        );
    }
    let mut j = key_json(&key);
    if let (Some(m), Some(obj)) = (show_mnemonic, j.as_object_mut()) {
        obj.insert("mnemonic".into(), Value::String(m.into()));
    }
    emit(ctx, &j, || {
        let mut t = key_text(&key);
        if let Some(m) = show_mnemonic {
            t.push_str(
                "\n\n**Important** write this mnemonic phrase in a safe place.\n\
                 It is the only way to recover your account if you ever forget your password.\n\n",
            );
            t.push_str(m);
        }
        t
    });
    Ok(())
}

pub fn pubkey_json(pubkey: &[u8]) -> Value {
    json!({"@type": SECP256K1_PUBKEY_TYPE, "key": b64(pubkey)})
}

fn key_json(k: &KeyInfo) -> Value {
    json!({
        "name": k.name,
        "type": "local",
        "address": k.address,
        "pubkey": pubkey_json(&k.pubkey),
    })
}

fn key_text(k: &KeyInfo) -> String {
    format!(
        "- address: {}\n  name: {}\n  pubkey: '{}'\n  type: local",
        k.address,
        k.name,
        pubkey_json(&k.pubkey)
    )
}
