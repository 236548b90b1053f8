//! On-disk keyring: one JSON file per key, `HOME/keyring-test/NAME.json` (plaintext) or
//! `HOME/keyring-file/NAME.json` (mnemonic sealed with a passphrase). Name, address and
//! public key stay readable in both, so listing never needs the passphrase.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use bip39::Mnemonic;
use cosmrs::crypto::secp256k1::SigningKey;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::crypto::{self, Sealed};
use super::derive;
use crate::config::KeyringBackend;

/// Env var holding the file keyring's passphrase (otherwise read from a stdin line).
pub const PASSPHRASE_ENV: &str = "OPENLEDGER_KEYRING_PASSPHRASE";

#[derive(Debug, Error)]
pub enum KeyringError {
    #[error("key {0:?} not found in the {1} keyring")]
    NotFound(String, &'static str),
    #[error("key {0:?} already exists")]
    AlreadyExists(String),
    #[error(
        "invalid key name {0:?}: use 1-64 of letters, digits, '.', '_', '-', not starting with '.'"
    )]
    InvalidName(String),
    #[error("the file keyring needs a non-empty passphrase")]
    EmptyPassphrase,
    #[error("key file {0} is malformed: {1}")]
    Malformed(PathBuf, String),
}

/// What is stored per key. Exactly one of `mnemonic` (test) and `crypto` (file) is present.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredKey {
    name: String,
    address: String,
    /// Compressed secp256k1 public key, hex.
    pubkey: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mnemonic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crypto: Option<Sealed>,
}

/// Public facts about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub name: String,
    pub address: String,
    pub pubkey: Vec<u8>,
}

pub struct Keyring {
    dir: PathBuf,
    backend: KeyringBackend,
}

fn backend_name(b: KeyringBackend) -> &'static str {
    match b {
        KeyringBackend::Test => "test",
        KeyringBackend::File => "file",
    }
}

/// Names become file names, so anything that could escape the directory is refused.
pub fn validate_name(name: &str) -> Result<(), KeyringError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(KeyringError::InvalidName(name.to_string()))
    }
}

/// The file keyring's passphrase: env var first, else one line of stdin.
pub fn read_passphrase() -> Result<String> {
    let pass = match std::env::var(PASSPHRASE_ENV) {
        Ok(p) => p,
        Err(_) => crate::input::read_line("Enter keyring passphrase: ")?,
    };
    if pass.is_empty() {
        return Err(KeyringError::EmptyPassphrase.into());
    }
    Ok(pass)
}

impl Keyring {
    pub fn open(home: &Path, backend: KeyringBackend) -> Self {
        let dir = home.join(format!("keyring-{}", backend_name(backend)));
        Self { dir, backend }
    }

    /// Reads the passphrase only when this backend needs one.
    pub fn passphrase_if_needed(&self) -> Result<Option<String>> {
        match self.backend {
            KeyringBackend::Test => Ok(None),
            KeyringBackend::File => read_passphrase().map(Some),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    fn read(&self, path: &Path) -> Result<StoredKey> {
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| KeyringError::Malformed(path.to_path_buf(), e.to_string()).into())
    }

    fn info(stored: &StoredKey, path: &Path) -> Result<KeyInfo> {
        let pubkey = hex::decode(&stored.pubkey)
            .map_err(|e| KeyringError::Malformed(path.to_path_buf(), format!("pubkey: {e}")))?;
        Ok(KeyInfo {
            name: stored.name.clone(),
            address: stored.address.clone(),
            pubkey,
        })
    }

    pub fn exists(&self, name: &str) -> bool {
        validate_name(name).is_ok() && self.path(name).is_file()
    }

    /// All keys, sorted by name.
    pub fn list(&self) -> Result<Vec<KeyInfo>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.dir.display())),
        };
        let mut keys = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let stored = self.read(&path)?;
            keys.push(Self::info(&stored, &path)?);
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(keys)
    }

    pub fn get(&self, name: &str) -> Result<KeyInfo> {
        let stored = self.load(name)?;
        Self::info(&stored, &self.path(name))
    }

    fn load(&self, name: &str) -> Result<StoredKey> {
        validate_name(name)?;
        let path = self.path(name);
        if !path.is_file() {
            return Err(KeyringError::NotFound(name.into(), backend_name(self.backend)).into());
        }
        self.read(&path)
    }

    /// Finds a key by name, or by its address (as the SDK's `--from` accepts both).
    pub fn find(&self, name_or_address: &str) -> Result<KeyInfo> {
        if self.exists(name_or_address) {
            return self.get(name_or_address);
        }
        if let Some(k) = self
            .list()?
            .into_iter()
            .find(|k| k.address == name_or_address)
        {
            return Ok(k);
        }
        Err(KeyringError::NotFound(name_or_address.into(), backend_name(self.backend)).into())
    }

    /// Stores a new key. `passphrase` is required by the file backend and ignored otherwise.
    pub fn add(
        &self,
        name: &str,
        mnemonic: &Mnemonic,
        passphrase: Option<&str>,
    ) -> Result<KeyInfo> {
        validate_name(name)?;
        let path = self.path(name);
        if path.exists() {
            return Err(KeyringError::AlreadyExists(name.into()).into());
        }
        let key = derive::signing_key(mnemonic)?;
        let pubkey = key.public_key().to_bytes();
        let address = derive::address_of(&key.public_key())?;
        let phrase = mnemonic.to_string();
        let (mnemonic_field, crypto_field) = match self.backend {
            KeyringBackend::Test => (Some(phrase), None),
            KeyringBackend::File => {
                let pass = passphrase
                    .filter(|p| !p.is_empty())
                    .ok_or(KeyringError::EmptyPassphrase)?;
                let sealed = crypto::seal(phrase.as_bytes(), pass, address.as_bytes())?;
                (None, Some(sealed))
            }
        };
        let stored = StoredKey {
            name: name.into(),
            address: address.clone(),
            pubkey: hex::encode(&pubkey),
            mnemonic: mnemonic_field,
            crypto: crypto_field,
        };
        self.write_new(&path, &serde_json::to_vec_pretty(&stored)?)?;
        Ok(KeyInfo {
            name: name.into(),
            address,
            pubkey,
        })
    }

    /// Creates the file exclusively (never overwrites) and, on Unix, readable by the owner only.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let mut dir = fs::DirBuilder::new();
        dir.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o700);
        dir.create(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut file = opts.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::Error::from(KeyringError::AlreadyExists(
                    path.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into(),
                ))
            } else {
                anyhow::Error::from(e).context(format!("creating {}", path.display()))
            }
        })?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("writing {}", path.display()))
    }

    /// The key's mnemonic; the file backend asks for the passphrase.
    pub fn mnemonic(&self, name: &str) -> Result<Mnemonic> {
        let stored = self.load(name)?;
        let path = self.path(name);
        let phrase = match (&stored.mnemonic, &stored.crypto) {
            (Some(m), _) => m.clone(),
            (None, Some(sealed)) => {
                let pass = read_passphrase()?;
                let bytes = crypto::open(sealed, &pass, stored.address.as_bytes())?;
                String::from_utf8(bytes).map_err(|_| crypto::CryptoError::Decrypt)?
            }
            (None, None) => {
                return Err(
                    KeyringError::Malformed(path, "no mnemonic or crypto field".into()).into(),
                )
            }
        };
        let mnemonic = derive::parse_mnemonic(&phrase)?;
        // Guard against a hand-edited file whose address no longer matches its secret.
        let key = derive::signing_key(&mnemonic)?;
        if derive::address_of(&key.public_key())? != stored.address {
            return Err(KeyringError::Malformed(
                path,
                "address does not match the mnemonic".into(),
            )
            .into());
        }
        Ok(mnemonic)
    }

    pub fn signing_key(&self, name: &str) -> Result<SigningKey> {
        derive::signing_key(&self.mnemonic(name)?)
    }

    pub fn delete(&self, name: &str) -> Result<()> {
        self.load(name)?;
        let path = self.path(name);
        fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MNEMONIC: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
                            abandon abandon abandon about";

    #[test]
    fn test_backend_add_get_list_delete() {
        let home = tempfile::tempdir().unwrap();
        let kr = Keyring::open(home.path(), KeyringBackend::Test);
        let m = derive::parse_mnemonic(MNEMONIC).unwrap();
        let info = kr.add("alice", &m, None).unwrap();
        assert!(info.address.starts_with("ol1"));
        assert!(home.path().join("keyring-test/alice.json").is_file());
        assert!(kr.add("alice", &m, None).is_err());
        assert_eq!(kr.get("alice").unwrap(), info);
        assert_eq!(kr.find(&info.address).unwrap().name, "alice");
        assert_eq!(kr.list().unwrap(), vec![info.clone()]);
        assert_eq!(kr.mnemonic("alice").unwrap(), m);
        kr.delete("alice").unwrap();
        assert!(kr.get("alice").is_err());
        assert!(kr.list().unwrap().is_empty());
    }

    #[test]
    fn file_backend_encrypts_the_mnemonic() {
        let home = tempfile::tempdir().unwrap();
        let kr = Keyring::open(home.path(), KeyringBackend::File);
        let m = derive::parse_mnemonic(MNEMONIC).unwrap();
        assert!(kr.add("bob", &m, None).is_err());
        let info = kr.add("bob", &m, Some("hunter22")).unwrap();
        let text = fs::read_to_string(home.path().join("keyring-file/bob.json")).unwrap();
        assert!(!text.contains("abandon"));
        assert!(text.contains(&info.address));
        // Decrypt the stored blob directly (mnemonic() reads the passphrase from env/stdin).
        let stored: StoredKey = serde_json::from_str(&text).unwrap();
        let sealed = stored.crypto.unwrap();
        let plain = crypto::open(&sealed, "hunter22", info.address.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), m.to_string());
        assert!(crypto::open(&sealed, "wrong", info.address.as_bytes()).is_err());
    }

    #[test]
    fn names_cannot_escape_the_directory() {
        for bad in ["", "../x", "a/b", ".hidden", "a b", &"x".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
        validate_name("alice-1.test_2").unwrap();
    }
}
