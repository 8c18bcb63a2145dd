//! Randomness and hashing: ids, invitation codes, bearer tokens. The relay keeps only
//! SHA-256 hashes of tokens and of invitation checks.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use waymark_sync_proto::code::{InviteCode, base32};

use crate::error::{RelayError, Result};

/// `N` bytes from the operating system's generator.
pub fn random<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| RelayError::Internal(format!("no randomness: {e}")))?;
    Ok(buf)
}

/// A new random id (UUID v4 text) for a team or a device.
pub fn new_id() -> Result<String> {
    Ok(uuid::Builder::from_random_bytes(random::<16>()?).into_uuid().to_string())
}

/// A new invitation id: the `INVITE` part of a code (10 random bytes, base32).
pub fn new_invite_id() -> Result<String> {
    Ok(base32(&random::<10>()?))
}

/// A new code `INVITE.CHECK` for a team's first supervisor.
pub fn new_first_code() -> Result<InviteCode> {
    Ok(InviteCode::from_random(random::<10>()?, random::<10>()?, None))
}

/// A new bearer token: 32 random bytes, base64url.
pub fn new_token() -> Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(random::<32>()?))
}

/// SHA-256 (hex) of a bearer token: what the relay stores and looks up.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `text` is a SHA-256 in lowercase hex.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_ids_look_right() {
        let t = new_token().expect("token");
        assert_eq!(t.len(), 43);
        assert!(is_sha256_hex(&token_hash(&t)));
        assert_ne!(new_token().expect("token"), t);
        assert_eq!(new_id().expect("id").len(), 36);
        assert_eq!(new_invite_id().expect("invite").len(), 16);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert_eq!(token_hash("abc"), InviteCode::check_hash("abc"));
    }
}
