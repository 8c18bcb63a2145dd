//! The store key: derived with Argon2id from the passphrase and a random salt kept
//! beside the database. The key itself is never written anywhere; it lives in memory
//! only while the store is open and is zeroized when dropped.

use std::fs;
use std::io::Write;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Result, StoreError, random_bytes};

pub const MIN_PASSPHRASE: usize = 4;

/// What is needed to derive the key again: the KDF's parameters and the salt. Not
/// secret; without the passphrase it opens nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyFile {
    pub version: u32,
    pub kdf: String,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: String,
}

impl KeyFile {
    /// New parameters with a fresh salt. The costs follow OWASP's Argon2id minimum
    /// (19 MiB, 2 passes): fast enough on a phone at every unlock, slow for guessing.
    pub fn generate() -> Result<Self> {
        let mut salt = [0u8; 16];
        random_bytes(&mut salt)?;
        Ok(Self {
            version: 1,
            kdf: "argon2id".into(),
            m_cost_kib: 19 * 1024,
            t_cost: 2,
            p_cost: 1,
            salt: hex::encode(salt),
        })
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = fs::read_to_string(path).map_err(|source| StoreError::Io { path: path.into(), source })?;
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{}: {e}", path.display())))
    }

    /// Writes the file durably (temp file, fsync, rename) so a crash never leaves a
    /// half-written key file next to a database it could no longer open.
    pub fn write(&self, path: &Path) -> Result<()> {
        let io = |source| StoreError::Io { path: path.into(), source };
        let tmp = path.with_extension("tmp");
        let text = serde_json::to_string_pretty(self).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut f = fs::File::create(&tmp).map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        fs::rename(&tmp, path).map_err(io)?;
        if let Some(dir) = path.parent() {
            fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }
        Ok(())
    }

    /// Derives the 256-bit store key from `passphrase`.
    pub fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>> {
        if self.kdf != "argon2id" || self.version != 1 {
            return Err(StoreError::Corrupt(format!("unknown key derivation {} v{}", self.kdf, self.version)));
        }
        let salt = hex::decode(&self.salt).map_err(|e| StoreError::Corrupt(format!("key file salt: {e}")))?;
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| StoreError::Kdf(e.to_string()))?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), &salt, key.as_mut())
            .map_err(|e| StoreError::Kdf(e.to_string()))?;
        Ok(key)
    }
}

/// Checks a new passphrase is long enough to be worth deriving a key from.
pub fn check_new_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        return Err(StoreError::WeakPassphrase(MIN_PASSPHRASE));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_passphrase_and_salt_give_the_same_key_and_others_differ() {
        let kf = KeyFile::generate().expect("random");
        let a = kf.derive("correct horse").expect("derive");
        let b = kf.derive("correct horse").expect("derive");
        let c = kf.derive("correct horsf").expect("derive");
        assert_eq!(*a, *b);
        assert_ne!(*a, *c);
        let other = KeyFile::generate().expect("random");
        assert_ne!(*other.derive("correct horse").expect("derive"), *a, "salt matters");
    }
}
