//! On-disk keyring: one JSON file per key, `HOME/keyring-test/NAME.json` (plaintext) or
//! `HOME/keyring-file/NAME.json` (mnemonic sealed with a passphrase). Name, address and
//! public key stay readable in both, so listing never needs the passphrase.
//!
//! Key files are created 0600 and keyring directories (and the home, when this creates it)
//! 0700, by the mode given at creation, so no other user can read them at any moment.

use std::fs;
use std::io::{IsTerminal, Write};
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
/// As the SDK's file keyring: a new key's passphrase has at least 8 characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

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
    #[error("a new key's passphrase needs at least {MIN_PASSPHRASE_CHARS} characters")]
    ShortPassphrase,
    #[error("the passphrases do not match")]
    PassphraseMismatch,
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

/// scrypt cost of the files this keyring writes (reading uses each file's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kdf {
    log_n: u8,
    r: u32,
    p: u32,
}

impl Kdf {
    const DEFAULT: Kdf = Kdf {
        log_n: crypto::DEFAULT_LOG_N,
        r: crypto::DEFAULT_R,
        p: crypto::DEFAULT_P,
    };
}

pub struct Keyring {
    dir: PathBuf,
    backend: KeyringBackend,
    kdf: Kdf,
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

/// The file keyring's passphrase: env var first, else one line of stdin (not echoed on a
/// terminal).
pub fn read_passphrase() -> Result<String> {
    let pass = match std::env::var(PASSPHRASE_ENV) {
        Ok(p) => p,
        Err(_) => crate::input::read_secret("Enter keyring passphrase: ")?,
    };
    if pass.is_empty() {
        return Err(KeyringError::EmptyPassphrase.into());
    }
    Ok(pass)
}

/// A new key's passphrase: as [`read_passphrase`], typed twice on a terminal so a typo does
/// not lock the key away (piped input gives it once, as scripts always did).
fn read_new_passphrase() -> Result<String> {
    let pass = read_passphrase()?;
    if std::env::var_os(PASSPHRASE_ENV).is_none() && std::io::stdin().is_terminal() {
        let again = crate::input::read_secret("Re-enter keyring passphrase: ")?;
        if again != pass {
            return Err(KeyringError::PassphraseMismatch.into());
        }
    }
    Ok(pass)
}

/// The group/other bits of `path`'s mode when any is set (Unix; elsewhere nothing is known).
pub fn loose_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Warns, as ssh does, when a key file or keyring directory is open to other users. A warning
/// rather than a refusal: whatever could be read already has been, refusing would not undo
/// it, and it would stop a signing script cold over a file `cp` or an archive widened; the
/// file backend's secret is encrypted besides. The message says how to fix it.
fn warn_if_loose(path: &Path, private_mode: u32) {
    if let Some(mode) = loose_mode(path) {
        eprintln!(
            "WARNING: {} is accessible by other users (mode {mode:04o}); \
             fix it with: chmod {private_mode:o} {}",
            path.display(),
            path.display()
        );
    }
}

impl Keyring {
    pub fn open(home: &Path, backend: KeyringBackend) -> Self {
        let dir = home.join(format!("keyring-{}", backend_name(backend)));
        Self {
            dir,
            backend,
            kdf: Kdf::DEFAULT,
        }
    }

    /// Cheap scrypt for unit tests that are not about its cost.
    #[cfg(test)]
    fn with_cheap_kdf(mut self) -> Self {
        self.kdf = Kdf {
            log_n: 10,
            r: 8,
            p: 1,
        };
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads a new key's passphrase only when this backend needs one.
    pub fn new_passphrase_if_needed(&self) -> Result<Option<String>> {
        match self.backend {
            KeyringBackend::Test => Ok(None),
            KeyringBackend::File => read_new_passphrase().map(Some),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    fn read(&self, path: &Path) -> Result<StoredKey> {
        warn_if_loose(path, 0o600);
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
            Ok(e) => {
                warn_if_loose(&self.dir, 0o700);
                e
            }
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
        warn_if_loose(&self.dir, 0o700);
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
                if pass.chars().count() < MIN_PASSPHRASE_CHARS {
                    return Err(KeyringError::ShortPassphrase.into());
                }
                let Kdf { log_n, r, p } = self.kdf;
                let sealed =
                    crypto::seal_with(phrase.as_bytes(), pass, address.as_bytes(), log_n, r, p)?;
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

    /// Creates the file exclusively (never overwrites) and, on Unix, readable by the owner only:
    /// the mode is given at creation (a chmod after writing would leave a window), and the
    /// directories created on the way, the home included, are 0700.
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
        self.mnemonic_with(name, read_passphrase)
    }

    /// As [`Keyring::mnemonic`], with the passphrase from `passphrase` (asked only if needed).
    fn mnemonic_with(
        &self,
        name: &str,
        passphrase: impl FnOnce() -> Result<String>,
    ) -> Result<Mnemonic> {
        let stored = self.load(name)?;
        let path = self.path(name);
        let phrase = match (&stored.mnemonic, &stored.crypto) {
            (Some(m), _) => m.clone(),
            (None, Some(sealed)) => {
                let pass = passphrase()?;
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
        let (_home, kr, m) = cheap_file_keyring();
        assert!(kr.add("bob", &m, None).is_err());
        let info = kr.add("bob", &m, Some("hunter22")).unwrap();
        let text = fs::read_to_string(kr.path("bob")).unwrap();
        assert!(!text.contains("abandon"));
        assert!(text.contains(&info.address));
        // Decrypt the stored blob directly (mnemonic() reads the passphrase from env/stdin).
        let stored: StoredKey = serde_json::from_str(&text).unwrap();
        let sealed = stored.crypto.unwrap();
        let plain = crypto::open(&sealed, "hunter22", info.address.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), m.to_string());
        assert!(crypto::open(&sealed, "wrong", info.address.as_bytes()).is_err());
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_is_readable_only_by_its_owner_and_its_directories_only_by_theirs() {
        let parent = tempfile::tempdir().unwrap();
        // A home the keyring has to create: it is made 0700 too.
        let home = parent.path().join("fresh-home");
        let m = derive::parse_mnemonic(MNEMONIC).unwrap();
        for backend in [KeyringBackend::Test, KeyringBackend::File] {
            let kr = Keyring::open(&home, backend).with_cheap_kdf();
            kr.add("alice", &m, Some("hunter22")).unwrap();
            assert_eq!(mode(&kr.path("alice")), 0o600, "{backend:?}");
            assert_eq!(mode(kr.dir()), 0o700, "{backend:?}");
            assert_eq!(loose_mode(&kr.path("alice")), None);
        }
        assert_eq!(mode(&home), 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_opened_to_others_is_reported_with_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let kr = Keyring::open(home.path(), KeyringBackend::Test);
        let m = derive::parse_mnemonic(MNEMONIC).unwrap();
        kr.add("alice", &m, None).unwrap();
        let path = kr.path("alice");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(loose_mode(&path), Some(0o644));
        fs::set_permissions(kr.dir(), fs::Permissions::from_mode(0o750)).unwrap();
        assert_eq!(loose_mode(kr.dir()), Some(0o750));
        // A warning, not a refusal: the key still works.
        assert_eq!(kr.mnemonic("alice").unwrap(), m);
    }

    #[test]
    fn a_new_file_key_records_scrypt_at_two_to_the_seventeen() {
        let home = tempfile::tempdir().unwrap();
        let kr = Keyring::open(home.path(), KeyringBackend::File);
        let m = derive::parse_mnemonic(MNEMONIC).unwrap();
        kr.add("alice", &m, Some("hunter22")).unwrap();
        let text = fs::read_to_string(kr.path("alice")).unwrap();
        let sealed = serde_json::from_str::<StoredKey>(&text)
            .unwrap()
            .crypto
            .unwrap();
        assert_eq!((sealed.log_n, sealed.r, sealed.p), (17, 8, 1));
    }

    #[test]
    fn a_key_file_written_with_the_older_scrypt_cost_still_opens() {
        let home = tempfile::tempdir().unwrap();
        let kr = Keyring::open(home.path(), KeyringBackend::File);
        let m = derive::parse_mnemonic(MNEMONIC).unwrap();
        let key = derive::signing_key(&m).unwrap();
        let address = derive::address_of(&key.public_key()).unwrap();
        // What the CLI wrote before: N = 2^15.
        let old = StoredKey {
            name: "old".into(),
            address: address.clone(),
            pubkey: hex::encode(key.public_key().to_bytes()),
            mnemonic: None,
            crypto: Some(
                crypto::seal_with(
                    m.to_string().as_bytes(),
                    "hunter22",
                    address.as_bytes(),
                    15,
                    8,
                    1,
                )
                .unwrap(),
            ),
        };
        kr.write_new(&kr.path("old"), &serde_json::to_vec_pretty(&old).unwrap())
            .unwrap();
        let opened = kr
            .mnemonic_with("old", || Ok("hunter22".to_owned()))
            .unwrap();
        assert_eq!(opened, m);
    }

    /// A file keyring in a fresh temp home, with cheap scrypt, and the test mnemonic.
    fn cheap_file_keyring() -> (tempfile::TempDir, Keyring, Mnemonic) {
        let home = tempfile::tempdir().unwrap();
        let kr = Keyring::open(home.path(), KeyringBackend::File).with_cheap_kdf();
        (home, kr, derive::parse_mnemonic(MNEMONIC).unwrap())
    }

    #[test]
    fn a_wrong_passphrase_is_refused_and_changes_nothing() {
        let (_home, kr, m) = cheap_file_keyring();
        let info = kr.add("alice", &m, Some("hunter22")).unwrap();
        let path = kr.path("alice");
        let before = fs::read(&path).unwrap();
        let before_meta = fs::metadata(&path).unwrap();
        let err = kr
            .mnemonic_with("alice", || Ok("hunter23".to_owned()))
            .unwrap_err();
        assert!(
            matches!(
                err.downcast_ref::<crypto::CryptoError>(),
                Some(crypto::CryptoError::Decrypt)
            ),
            "{err:#}"
        );
        assert_eq!(fs::read(&path).unwrap(), before);
        let after_meta = fs::metadata(&path).unwrap();
        assert_eq!(after_meta.permissions(), before_meta.permissions());
        assert_eq!(
            after_meta.modified().unwrap(),
            before_meta.modified().unwrap()
        );
        assert_eq!(kr.list().unwrap(), vec![info]);
        // The right one still opens it.
        assert_eq!(
            kr.mnemonic_with("alice", || Ok("hunter22".to_owned()))
                .unwrap(),
            m
        );
    }

    #[test]
    fn a_new_file_key_needs_a_passphrase_of_eight_characters() {
        let (_home, kr, m) = cheap_file_keyring();
        let err = kr.add("alice", &m, Some("hunter2")).unwrap_err();
        assert!(
            matches!(
                err.downcast_ref::<KeyringError>(),
                Some(KeyringError::ShortPassphrase)
            ),
            "{err:#}"
        );
        assert!(!kr.exists("alice"));
        kr.add("alice", &m, Some("hunter22")).unwrap();
    }

    #[test]
    fn names_cannot_escape_the_directory() {
        for bad in ["", "../x", "a/b", ".hidden", "a b", &"x".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
        validate_name("alice-1.test_2").unwrap();
    }
}
