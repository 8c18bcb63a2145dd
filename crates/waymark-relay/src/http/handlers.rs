//! The route handlers. Each takes the whole request and answers every failure itself
//! (no extractor rejections), recording refusals in the audit queue.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use waymark_sync_proto::code::InviteCode;
use waymark_sync_proto::wire::{
    DeviceListResponse, EnrollRequest, EnrollResponse, InviteRequest, InviteResponse, KeysResponse, MAX_PULL_LIMIT,
    PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse, PutKeysRequest, PutKeysResponse, RevokeResponse,
    WireDeviceStatus, WireRole, check_token, codes,
};

use super::AppState;
use super::reply::{ApiError, read_json};
use crate::admin::INVITE_DAYS;
use crate::audit::AuditRecord;
use crate::clock;
use crate::error::{RelayError, Result};
use crate::limiter::Verdict;
use crate::store::{Actor, DeviceAuth, NewInvitation, PullQuery};
use crate::{metrics, secrets};

/// Entries per pull page when the device does not say.
const DEFAULT_PULL_LIMIT: u32 = 500;

fn bad(e: impl std::fmt::Display) -> RelayError {
    RelayError::BadRequest(e.to_string())
}

fn peer(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// The bearer token, if the header holds a well-formed one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    let ok = scheme.eq_ignore_ascii_case("bearer")
        && !token.is_empty()
        && token.len() <= 256
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(token)
}

impl AppState {
    /// Answers a failure and queues its audit record.
    fn refuse(&self, route: &'static str, device: Option<&DeviceAuth>, error: &RelayError) -> Response {
        let answer = ApiError::from(error);
        let mut record = AuditRecord::new(
            clock::now(),
            "refused",
            device.map(|d| d.team_id.as_str()),
            device.map(|d| d.device_id.as_str()),
        )
        .status(answer.status.as_u16())
        .detail("route", route)
        .detail("error", answer.code);
        if answer.status.is_server_error() {
            record = record.detail("message", error.to_string());
        }
        self.inner.audit.push(record);
        answer.into_response()
    }

    fn finish(&self, route: &'static str, device: Option<&DeviceAuth>, result: Result<Response>) -> Response {
        match result {
            Ok(r) => r,
            Err(e) => self.refuse(route, device, &e),
        }
    }

    /// Applies the rate limit to `key`; only the first refusal of a run is audited.
    fn limit(&self, key: &str, route: &'static str, device: Option<&DeviceAuth>) -> Result<(), Box<Response>> {
        match self.inner.limiter.check(key) {
            Verdict::Allow => Ok(()),
            Verdict::Refuse { first } => {
                if first {
                    self.inner.audit.push(
                        AuditRecord::new(
                            clock::now(),
                            "rate_limited",
                            device.map(|d| d.team_id.as_str()),
                            device.map(|d| d.device_id.as_str()),
                        )
                        .status(429)
                        .detail("route", route),
                    );
                }
                Err(Box::new(ApiError::from(&RelayError::RateLimited).into_response()))
            }
        }
    }

    fn limit_address(&self, peer: Option<IpAddr>, route: &'static str) -> Result<(), Box<Response>> {
        let key = match peer {
            Some(ip) => format!("addr:{ip}"),
            None => "addr:unknown".to_owned(),
        };
        self.limit(&key, route, None)
    }

    /// The calling device: active, with a valid token, within its rate.
    async fn device(&self, req: &Parts, route: &'static str) -> Result<DeviceAuth, Response> {
        let found = match bearer(&req.headers) {
            Some(token) => {
                let hash = secrets::token_hash(token);
                self.run(move |s| s.authenticate(&hash)).await
            }
            None => Ok(None),
        };
        match found {
            Err(e) => Err(self.refuse(route, None, &e)),
            Ok(Some(device)) if device.status == WireDeviceStatus::Active => {
                self.limit(&format!("device:{}", device.device_id), route, Some(&device)).map_err(|r| *r)?;
                Ok(device)
            }
            Ok(Some(device)) if device.status == WireDeviceStatus::Revoked => {
                self.limit(&format!("device:{}", device.device_id), route, Some(&device)).map_err(|r| *r)?;
                Err(self.refuse(route, Some(&device), &RelayError::DeviceRevoked))
            }
            Ok(_) => {
                self.limit_address(peer(req), route).map_err(|r| *r)?;
                Err(self.refuse(route, None, &RelayError::Unauthorized))
            }
        }
    }

    /// The calling device, which must be a supervisor.
    async fn supervisor(&self, req: &Parts, route: &'static str) -> Result<DeviceAuth, Response> {
        let device = self.device(req, route).await?;
        if device.role != WireRole::Supervisor {
            let e = RelayError::Forbidden(format!("only a supervisor device may use {route}"));
            return Err(self.refuse(route, Some(&device), &e));
        }
        Ok(device)
    }
}

/// `GET /v1/health`: no token needed.
pub async fn health() -> Response {
    Json(json!({"status": "ok", "v": PROTOCOL_VERSION})).into_response()
}

/// Any other route.
pub async fn not_found() -> Response {
    ApiError::from(&RelayError::NotFound("no such route".into())).into_response()
}

/// `GET /metrics` (no token): the counters in Prometheus' text format, and gauges of
/// teams and devices by status read from the store (one query), only when the relay
/// runs with `--metrics` and only to a client on a loopback address (a scraper or
/// agent on the relay's own host). They hold no personal data, ids or names. If the
/// store cannot answer, the scrape fails (500, or 503 when busy) rather than leave the
/// gauges out.
pub async fn metrics(State(st): State<AppState>, req: Request) -> Response {
    const ROUTE: &str = "metrics";
    if !st.config().metrics {
        return not_found().await;
    }
    let (parts, _) = req.into_parts();
    if !peer(&parts).is_some_and(|ip| ip.to_canonical().is_loopback()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            codes::FORBIDDEN,
            "metrics are served only to clients on the relay's own host (loopback)",
        )
        .into_response();
    }
    match st.run(|s| s.census()).await {
        Ok(census) => ([(CONTENT_TYPE, metrics::CONTENT_TYPE)], st.inner.metrics.render(&census)).into_response(),
        Err(e) => st.refuse(ROUTE, None, &e),
    }
}

/// `POST /v1/enroll` (no token): redeem an invitation.
pub async fn enroll(State(st): State<AppState>, req: Request) -> Response {
    const ROUTE: &str = "enroll";
    let (parts, body) = req.into_parts();
    if let Err(r) = st.limit_address(peer(&parts), ROUTE) {
        return *r;
    }
    let mut invite_id = None;
    let result = async {
        let request: EnrollRequest = read_json(&parts.headers, body).await?;
        request.validate().map_err(bad)?;
        let invite = request.invite.to_ascii_lowercase();
        invite_id = Some(invite.clone());
        let check_hash = InviteCode::check_hash(&request.check.to_ascii_lowercase());
        let token = secrets::new_token()?;
        let token_hash = secrets::token_hash(&token);
        let public_key = request.public_key;
        let enrolled =
            st.run(move |s| s.enroll(&invite, &check_hash, &token_hash, public_key.as_deref(), clock::now())).await?;
        st.inner.metrics.enrolled();
        Ok(Json(EnrollResponse {
            v: PROTOCOL_VERSION,
            device_id: enrolled.device_id,
            token,
            team_id: enrolled.team_id,
            role: enrolled.role,
            label: enrolled.label,
            sealed: enrolled.sealed,
        })
        .into_response())
    }
    .await;
    match result {
        Ok(r) => r,
        Err(e) => {
            let answer = ApiError::from(&e);
            let mut record = AuditRecord::new(clock::now(), "refused", None, None)
                .status(answer.status.as_u16())
                .detail("route", ROUTE)
                .detail("error", answer.code);
            if let Some(invite) = invite_id {
                record = record.detail("invite", invite);
            }
            st.inner.audit.push(record);
            answer.into_response()
        }
    }
}

/// `POST /v1/invitations` (supervisor): store a sealed invitation for a new device.
pub async fn invite(State(st): State<AppState>, req: Request) -> Response {
    const ROUTE: &str = "invitations";
    let (parts, body) = req.into_parts();
    let device = match st.supervisor(&parts, ROUTE).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let result = async {
        let request: InviteRequest = read_json(&parts.headers, body).await?;
        request.validate().map_err(bad)?;
        let check_hash = request.check_hash.to_ascii_lowercase();
        if !secrets::is_sha256_hex(&check_hash) {
            return Err(bad("check_hash must be a SHA-256 in hex"));
        }
        let now = clock::now();
        let invitation = NewInvitation {
            device_id: secrets::new_id()?,
            invite_id: secrets::new_invite_id()?,
            role: request.role,
            label: request.label.trim().to_owned(),
            check_hash,
            sealed: request.sealed,
            expires_at: clock::plus_days(now, request.expires_in_days.unwrap_or(INVITE_DAYS)),
        };
        let by = device.clone();
        let stored = invitation.clone();
        st.run(move |s| s.invite(&by, &stored, now)).await?;
        Ok(Json(InviteResponse {
            v: PROTOCOL_VERSION,
            invite: invitation.invite_id,
            device_id: invitation.device_id,
            expires_at: invitation.expires_at.to_string(),
        })
        .into_response())
    }
    .await;
    st.finish(ROUTE, Some(&device), result)
}

/// `POST /v1/push`: append entries to the team log.
pub async fn push(State(st): State<AppState>, req: Request) -> Response {
    const ROUTE: &str = "push";
    let (parts, body) = req.into_parts();
    let device = match st.device(&parts, ROUTE).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let result = async {
        let request: PushRequest = read_json(&parts.headers, body).await?;
        request.validate().map_err(bad)?;
        let by = device.clone();
        let accepted = st.run(move |s| s.push(&by, &request.entries, clock::now())).await?;
        st.inner.metrics.pushed(accepted.len());
        Ok(Json(PushResponse { v: PROTOCOL_VERSION, accepted }).into_response())
    }
    .await;
    st.finish(ROUTE, Some(&device), result)
}

/// `after` and `limit` from a pull's query string.
fn pull_params(query: Option<&str>) -> Result<(u64, u32)> {
    let mut after = 0u64;
    let mut limit = DEFAULT_PULL_LIMIT;
    for pair in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "after" => after = value.parse().map_err(|_| bad("after must be a whole number"))?,
            "limit" => {
                limit = value.parse().map_err(|_| bad("limit must be a whole number"))?;
                if limit == 0 {
                    return Err(bad("limit must be at least 1"));
                }
            }
            _ => {}
        }
    }
    Ok((after, limit.min(MAX_PULL_LIMIT)))
}

/// `GET /v1/pull?after=SEQ&limit=N`: what this device may see after its cursor.
pub async fn pull(State(st): State<AppState>, req: Request) -> Response {
    const ROUTE: &str = "pull";
    let (parts, _) = req.into_parts();
    let device = match st.device(&parts, ROUTE).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let result = async {
        let (after, limit) = pull_params(parts.uri.query())?;
        let query = PullQuery { after, limit, max_bytes: st.config().pull_max_bytes };
        let by = device.clone();
        let now = clock::now();
        let page = st.run(move |s| s.pull(&by, &query, now)).await?;
        st.inner.metrics.pulled(page.entries.len());
        Ok(Json(PullResponse {
            v: PROTOCOL_VERSION,
            entries: page.entries,
            next_after: page.next_after,
            more: page.more,
            purge: page.purge,
            server_time: now.to_string(),
            key_epoch: page.key_epoch,
        })
        .into_response())
    }
    .await;
    st.finish(ROUTE, Some(&device), result)
}

/// `GET /v1/devices` (supervisor): the team's devices and their last sync.
pub async fn devices(State(st): State<AppState>, req: Request) -> Response {
    const ROUTE: &str = "devices";
    let (parts, _) = req.into_parts();
    let device = match st.supervisor(&parts, ROUTE).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let team = device.team_id.clone();
    let result = st
        .run(move |s| s.devices(&team))
        .await
        .map(|devices| Json(DeviceListResponse { v: PROTOCOL_VERSION, devices }).into_response());
    st.finish(ROUTE, Some(&device), result)
}

/// `POST /v1/devices/{id}/revoke` (supervisor, same team).
pub async fn revoke(
    State(st): State<AppState>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    req: Request,
) -> Response {
    const ROUTE: &str = "revoke";
    let (parts, _) = req.into_parts();
    let device = match st.supervisor(&parts, ROUTE).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let result = async {
        let Ok(Path(id)) = id else {
            return Err(RelayError::NotFound("no such device".into()));
        };
        if check_token("device id", &id, 64).is_err() {
            return Err(RelayError::NotFound("no such device".into()));
        }
        if id == device.device_id {
            // Revoking itself would wipe the supervisor's own phone at its next request.
            return Err(RelayError::Forbidden(
                "a device cannot revoke itself: use another supervisor device or the relay's admin verb".into(),
            ));
        }
        let by = device.clone();
        let target = id.clone();
        st.run(move |s| s.revoke(Actor::Device(&by), &target, clock::now())).await?;
        Ok(Json(RevokeResponse { device_id: id, revoked: true }).into_response())
    }
    .await;
    st.finish(ROUTE, Some(&device), result)
}

/// `after` from a key fetch's query string: the highest epoch the device already holds.
fn keys_after(query: Option<&str>) -> Result<u32> {
    let mut after = 0u32;
    for pair in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == "after" {
            after = value.parse().map_err(|_| bad("after must be a whole number (a key epoch)"))?;
        }
    }
    Ok(after)
}

/// `POST /v1/keys` (supervisor): store the team's next key epoch sealed to each
/// remaining device, all or none.
pub async fn put_keys(State(st): State<AppState>, req: Request) -> Response {
    const ROUTE: &str = "put_keys";
    let (parts, body) = req.into_parts();
    let device = match st.supervisor(&parts, ROUTE).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let result = async {
        let request: PutKeysRequest = read_json(&parts.headers, body).await?;
        request.validate().map_err(bad)?;
        let by = device.clone();
        let stored = st.run(move |s| s.put_envelopes(&by, &request.envelopes, clock::now())).await?;
        Ok(Json(PutKeysResponse { v: PROTOCOL_VERSION, stored }).into_response())
    }
    .await;
    st.finish(ROUTE, Some(&device), result)
}

/// `GET /v1/keys?after=EPOCH`: the key envelopes sealed to this device above `after`.
pub async fn keys(State(st): State<AppState>, req: Request) -> Response {
    const ROUTE: &str = "keys";
    let (parts, _) = req.into_parts();
    let device = match st.device(&parts, ROUTE).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let result = async {
        let after = keys_after(parts.uri.query())?;
        let by = device.clone();
        let envelopes = st.run(move |s| s.envelopes(&by, after)).await?;
        Ok(Json(KeysResponse { v: PROTOCOL_VERSION, envelopes }).into_response())
    }
    .await;
    st.finish(ROUTE, Some(&device), result)
}
