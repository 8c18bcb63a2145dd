//! Invitation codes: `INVITE.CHECK` for a team's first supervisor, `INVITE.CHECK.SECRET`
//! for every other device. The relay stores only a SHA-256 of CHECK and compares it at
//! enrollment; SECRET never leaves the two devices, and only it opens the sealed keys.
//!
//! Codes are base32 (RFC 4648, no padding, lowercase) so they survive being read out
//! over the phone or typed on a small keyboard; `-` and spaces typed by a person are
//! ignored.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::error::{ProtoError, Result};

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Lowercase unpadded base32 of `bytes`.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn check_part(what: &str, part: &str) -> Result<String> {
    let part: String = part.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect::<String>().to_lowercase();
    if part.len() < 8 || part.len() > 64 || !part.bytes().all(|b| ALPHABET.contains(&b)) {
        return Err(ProtoError::Code(format!("the {what} part is not valid")));
    }
    Ok(part)
}

/// A parsed invitation code.
#[derive(Clone, PartialEq, Eq)]
pub struct InviteCode {
    pub invite: String,
    pub check: String,
    pub secret: Option<String>,
}

impl fmt::Debug for InviteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret never goes to logs.
        f.debug_struct("InviteCode").field("invite", &self.invite).finish_non_exhaustive()
    }
}

impl InviteCode {
    /// A new code from random bytes supplied by the caller (10 bytes each for the
    /// invitation id and the check, 20 for the secret: 160 bits that only the two
    /// devices ever see).
    pub fn from_random(invite: [u8; 10], check: [u8; 10], secret: Option<[u8; 20]>) -> Self {
        Self { invite: base32(&invite), check: base32(&check), secret: secret.map(|s| base32(&s)) }
    }

    /// SHA-256 (hex) of the check part: what the relay stores and compares.
    pub fn check_hash(check: &str) -> String {
        hex_lower(&Sha256::digest(check.as_bytes()))
    }
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Display for InviteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.invite, self.check)?;
        if let Some(s) = &self.secret {
            write!(f, ".{s}")?;
        }
        Ok(())
    }
}

impl FromStr for InviteCode {
    type Err = ProtoError;
    fn from_str(s: &str) -> Result<Self> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        match parts.as_slice() {
            [invite, check] => {
                Ok(Self { invite: check_part("invitation", invite)?, check: check_part("check", check)?, secret: None })
            }
            [invite, check, secret] => Ok(Self {
                invite: check_part("invitation", invite)?,
                check: check_part("check", check)?,
                secret: Some(check_part("secret", secret)?),
            }),
            _ => Err(ProtoError::Code("expected INVITE.CHECK or INVITE.CHECK.SECRET".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc4648_vectors() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "my");
        assert_eq!(base32(b"fo"), "mzxq");
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
    }

    #[test]
    fn codes_round_trip_and_tolerate_typing() {
        let code = InviteCode::from_random([1; 10], [2; 10], Some([3; 20]));
        let text = code.to_string();
        assert_eq!(text.parse::<InviteCode>(), Ok(code.clone()));
        let typed = text.to_uppercase().replace('.', " . ").replace(" . ", ".");
        assert_eq!(typed.parse::<InviteCode>(), Ok(code));
        let first = InviteCode::from_random([1; 10], [2; 10], None);
        assert_eq!(first.to_string().parse::<InviteCode>().map(|c| c.secret), Ok(None));
    }

    #[test]
    fn malformed_codes_are_refused_and_secrets_stay_out_of_debug() {
        for bad in ["", "abc", "aaaaaaaa", "aaaaaaaa.bbbbbbb1", "a.b.c.d", "aaaaaaaa.bbbbbbbb.!!!!!!!!"] {
            assert!(bad.parse::<InviteCode>().is_err(), "{bad}");
        }
        let code = InviteCode::from_random([1; 10], [2; 10], Some([3; 20]));
        let secret = code.secret.clone().expect("secret");
        assert!(!format!("{code:?}").contains(&secret));
        assert_eq!(InviteCode::check_hash("abc").len(), 64);
    }
}
