//! A confidential case note: outreach and supervisors only, never an officer.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Result, ValidationError, check_len};
use crate::ids::{DeviceId, NoteId, PersonId};

pub const MAX_NOTE: usize = 8000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseNote {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: NoteId,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub person_id: PersonId,
    pub text: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub author: DeviceId,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: Timestamp,
}

/// Checks a note's text: not blank, not longer than a few pages.
pub fn note_text(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ValidationError::Empty("note text"));
    }
    check_len("note text", text, MAX_NOTE)?;
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_text_is_trimmed_and_bounded() {
        assert_eq!(note_text("  met at the park "), Ok("met at the park".into()));
        assert_eq!(note_text(" "), Err(ValidationError::Empty("note text")));
        assert!(note_text(&"x".repeat(MAX_NOTE + 1)).is_err());
    }
}
