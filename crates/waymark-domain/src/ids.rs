//! Record ids: UUIDs made by the device that creates the record, typed per record kind
//! so a person id cannot be passed where a referral id is meant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ValidationError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps random bytes from the caller (the domain has no randomness).
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| ValidationError::Id {
                    what: $what,
                    value: s.to_owned(),
                })
            }
        }
    };
}

id_type!(/// A person on the roster (or a referral's new-person stub).
    PersonId, "person id");
id_type!(/// One contact with a person, or an anonymous supply distribution.
    EncounterId, "encounter id");
id_type!(/// A referral into the program.
    ReferralId, "referral id");
id_type!(/// A confidential case note.
    NoteId, "note id");
id_type!(/// An enrolled device (one per worker).
    DeviceId, "device id");
id_type!(/// A release of information (consent) record.
    ConsentId, "consent id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_reject_garbage() {
        let id = PersonId::from_random_bytes([7; 16]);
        let parsed: PersonId = id.to_string().parse().expect("own text parses");
        assert_eq!(parsed, id);
        let err = "not-an-id".parse::<ReferralId>().expect_err("garbage is refused");
        assert_eq!(err.to_string(), "referral id \"not-an-id\" is not a valid id");
    }
}
