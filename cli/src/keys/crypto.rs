//! Passphrase encryption of the file keyring: scrypt(passphrase, random salt) → AES-256-GCM key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub const CIPHER: &str = "aes-256-gcm";
pub const KDF: &str = "scrypt";

/// scrypt for keys at rest: N = 2^17, r = 8 (128 MiB; `keys add` takes ~0.35 s on a 2-core
/// machine), in the 2^17–2^20 range common for stored keys; the keyring is opened once per
/// command. Files record their own parameters, so files written with the older 2^15 open.
pub const DEFAULT_LOG_N: u8 = 17;
pub const DEFAULT_R: u32 = 8;
pub const DEFAULT_P: u32 = 1;
/// Refuse absurd parameters from a tampered file rather than exhaust memory or time: scrypt
/// takes 128·r·2^log_n bytes, capped at 4 GiB (log_n 22 at r 8); p multiplies the time.
const MAX_LOG_N: u8 = 22;
const MAX_MEMORY: u64 = 1 << 32;
const MAX_P: u32 = 4;

#[derive(Debug, Error)]
pub enum CryptoError {
    #[error("wrong passphrase, or the key file is corrupted")]
    Decrypt,
    #[error("unsupported key file encryption ({0})")]
    Unsupported(String),
    #[error("bad key file field {0}")]
    Field(&'static str),
    #[error("the OS random number generator failed")]
    Random,
    #[error("encryption failed")]
    Encrypt,
}

/// The encrypted secret as stored in the key file; all byte fields are hex.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Sealed {
    pub cipher: String,
    pub kdf: String,
    pub log_n: u8,
    pub r: u32,
    pub p: u32,
    pub salt: String,
    pub nonce: String,
    pub ciphertext: String,
}

fn derive_key(
    passphrase: &str,
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<[u8; 32], CryptoError> {
    if log_n > MAX_LOG_N {
        return Err(CryptoError::Unsupported(format!("scrypt log_n {log_n}")));
    }
    // At most 2^7 · 2^32 · 2^22 = 2^61: no overflow.
    let memory = (128 * u64::from(r)) << log_n;
    if memory > MAX_MEMORY || p > MAX_P {
        return Err(CryptoError::Unsupported(format!(
            "scrypt params {log_n}/{r}/{p}"
        )));
    }
    let params = scrypt::Params::new(log_n, r, p, 32)
        .map_err(|_| CryptoError::Unsupported(format!("scrypt params {log_n}/{r}/{p}")))?;
    let mut key = [0u8; 32];
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, &mut key)
        .map_err(|_| CryptoError::Unsupported("scrypt output length".into()))?;
    Ok(key)
}

/// Encrypts `plaintext` with scrypt(log_n, r, p) of the passphrase; `aad` (the key's address)
/// is authenticated so the plaintext address beside the ciphertext cannot be swapped unnoticed.
pub fn seal_with(
    plaintext: &[u8],
    passphrase: &str,
    aad: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<Sealed, CryptoError> {
    let mut salt = [0u8; 32];
    let mut nonce = [0u8; 12];
    OsRng
        .try_fill_bytes(&mut salt)
        .map_err(|_| CryptoError::Random)?;
    OsRng
        .try_fill_bytes(&mut nonce)
        .map_err(|_| CryptoError::Random)?;
    let mut key = derive_key(passphrase, &salt, log_n, r, p)?;
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key));
    key.fill(0);
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Encrypt)?;
    Ok(Sealed {
        cipher: CIPHER.into(),
        kdf: KDF.into(),
        log_n,
        r,
        p,
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    })
}

pub fn open(sealed: &Sealed, passphrase: &str, aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.cipher != CIPHER || sealed.kdf != KDF {
        return Err(CryptoError::Unsupported(format!(
            "{}/{}",
            sealed.cipher, sealed.kdf
        )));
    }
    let salt = hex::decode(&sealed.salt).map_err(|_| CryptoError::Field("salt"))?;
    let nonce = hex::decode(&sealed.nonce).map_err(|_| CryptoError::Field("nonce"))?;
    let ciphertext =
        hex::decode(&sealed.ciphertext).map_err(|_| CryptoError::Field("ciphertext"))?;
    if nonce.len() != 12 {
        return Err(CryptoError::Field("nonce"));
    }
    let mut key = derive_key(passphrase, &salt, sealed.log_n, sealed.r, sealed.p)?;
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key));
    key.fill(0);
    cipher
        .decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_passphrase() {
        let secret = b"abandon abandon abandon about";
        // Cheap scrypt parameters keep the test fast; the format records them.
        let sealed = seal_with(secret, "correct horse", b"ol1addr", 10, 8, 1).unwrap();
        assert_eq!(open(&sealed, "correct horse", b"ol1addr").unwrap(), secret);
        assert!(matches!(
            open(&sealed, "wrong", b"ol1addr"),
            Err(CryptoError::Decrypt)
        ));
        // The address is bound: moving the ciphertext to another address fails.
        assert!(matches!(
            open(&sealed, "correct horse", b"ol1other"),
            Err(CryptoError::Decrypt)
        ));
        // The plaintext does not appear in the stored form.
        assert!(!sealed.ciphertext.contains(&hex::encode(secret)));
        // Fresh salt and nonce every time.
        let again = seal_with(secret, "correct horse", b"ol1addr", 10, 8, 1).unwrap();
        assert_ne!(sealed.salt, again.salt);
        assert_ne!(sealed.ciphertext, again.ciphertext);
    }

    #[test]
    fn a_secret_sealed_with_the_older_cost_still_opens_with_its_recorded_parameters() {
        // 2^15 was the default before; the file says so and is read with it.
        let sealed = seal_with(b"secret", "pw", b"", 15, 8, 1).unwrap();
        assert_eq!(sealed.log_n, 15);
        assert_eq!(open(&sealed, "pw", b"").unwrap(), b"secret");
    }

    #[test]
    fn tampered_r_or_p_is_refused_before_any_memory_is_taken() {
        let mut sealed = seal_with(b"secret", "pw", b"", 10, 8, 1).unwrap();
        for (log_n, r, p) in [(22, 9, 1), (10, u32::MAX, 1), (10, 8, 5), (22, 1 << 20, 1)] {
            (sealed.log_n, sealed.r, sealed.p) = (log_n, r, p);
            assert!(
                matches!(open(&sealed, "pw", b""), Err(CryptoError::Unsupported(_))),
                "{log_n}/{r}/{p}"
            );
        }
    }

    #[test]
    fn tampering_is_detected() {
        let mut sealed = seal_with(b"secret", "pw", b"", 10, 8, 1).unwrap();
        let mut ct = hex::decode(&sealed.ciphertext).unwrap();
        ct[0] ^= 1;
        sealed.ciphertext = hex::encode(ct);
        assert!(matches!(
            open(&sealed, "pw", b""),
            Err(CryptoError::Decrypt)
        ));
        sealed.log_n = 60;
        assert!(matches!(
            open(&sealed, "pw", b""),
            Err(CryptoError::Unsupported(_))
        ));
    }
}
