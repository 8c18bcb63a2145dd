//! Document ids: one automerge document per record, named `kind:uuid`. The kind fixes
//! the document's audience, so the audience can never drift from the content.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;
use waymark_domain::role::Audience;

use crate::error::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    /// Team settings (every device).
    Team,
    /// An officer card (officer-visible fields of a person, nothing else).
    Card,
    /// A referral as entered by the referrer, plus its status.
    Referral,
    /// A person's case profile.
    Person,
    /// One contact.
    Encounter,
    /// One case note.
    Note,
}

impl DocKind {
    const ALL: [DocKind; 6] =
        [DocKind::Team, DocKind::Card, DocKind::Referral, DocKind::Person, DocKind::Encounter, DocKind::Note];

    pub fn as_str(&self) -> &'static str {
        match self {
            DocKind::Team => "team",
            DocKind::Card => "card",
            DocKind::Referral => "referral",
            DocKind::Person => "person",
            DocKind::Encounter => "encounter",
            DocKind::Note => "note",
        }
    }

    pub fn audience(&self) -> Audience {
        match self {
            DocKind::Team => Audience::Team,
            DocKind::Card => Audience::Cards,
            DocKind::Referral => Audience::Referrals,
            DocKind::Person | DocKind::Encounter | DocKind::Note => Audience::Case,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId {
    pub kind: DocKind,
    pub id: Uuid,
}

impl DocId {
    pub fn new(kind: DocKind, id: Uuid) -> Self {
        Self { kind, id }
    }

    pub fn audience(&self) -> Audience {
        self.kind.audience()
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.id.hyphenated())
    }
}

impl FromStr for DocId {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || StoreError::Corrupt(format!("bad document id {s:?}"));
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        let kind = DocKind::ALL.into_iter().find(|k| k.as_str() == kind).ok_or_else(bad)?;
        let id = Uuid::parse_str(id).map_err(|_| bad())?;
        Ok(Self { kind, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ids_round_trip_and_fix_the_audience() {
        let id = DocId::new(DocKind::Encounter, Uuid::from_bytes([1; 16]));
        let text = id.to_string();
        assert!(text.starts_with("encounter:"));
        assert_eq!(text.parse::<DocId>().expect("parses"), id);
        assert_eq!(id.audience(), Audience::Case);
        assert_eq!(DocKind::Card.audience(), Audience::Cards);
        assert!("memo:123".parse::<DocId>().is_err());
    }
}
