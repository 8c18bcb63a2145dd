//! The operator's verbs, shared by the binary: create a team (with the one-time code
//! that enrolls its first supervisor device) and revoke a device.

use jiff::Timestamp;
use serde::Serialize;
use waymark_sync_proto::code::InviteCode;
use waymark_sync_proto::wire::{RevokeResponse, check_token};

use crate::error::{RelayError, Result};
use crate::secrets;
use crate::store::{Actor, NewTeam, RelayStore};

/// How long invitations stay valid unless asked otherwise.
pub const INVITE_DAYS: u32 = 7;

/// A new team and the code for its first supervisor device.
#[derive(Debug, Clone, Serialize)]
pub struct TeamCreated {
    pub team_id: String,
    /// `INVITE.CHECK`: enrolls the team's first supervisor device, once.
    pub code: String,
    /// The pending supervisor device the code enrolls.
    pub device_id: String,
    pub expires_at: Timestamp,
}

/// Creates a team named `name`.
pub fn create_team(store: &dyn RelayStore, name: &str, now: Timestamp) -> Result<TeamCreated> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(RelayError::BadRequest("a team name is 1-200 printable characters".into()));
    }
    let code = secrets::new_first_code()?;
    let team = NewTeam {
        team_id: secrets::new_id()?,
        name: name.to_owned(),
        device_id: secrets::new_id()?,
        label: "first supervisor".into(),
        invite_id: code.invite.clone(),
        check_hash: InviteCode::check_hash(&code.check),
        expires_at: crate::clock::plus_days(now, INVITE_DAYS),
    };
    store.create_team(&team, now)?;
    Ok(TeamCreated {
        team_id: team.team_id,
        code: code.to_string(),
        device_id: team.device_id,
        expires_at: team.expires_at,
    })
}

/// Revokes a device of any team.
pub fn revoke_device(store: &dyn RelayStore, device_id: &str, now: Timestamp) -> Result<RevokeResponse> {
    if check_token("device id", device_id, 64).is_err() {
        return Err(RelayError::NotFound(format!("no device {device_id:?}")));
    }
    store.revoke(Actor::Admin, device_id, now)?;
    Ok(RevokeResponse { device_id: device_id.to_owned(), revoked: true })
}
