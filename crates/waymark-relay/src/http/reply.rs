//! Answers: every error is a `wire::ErrorBody` with the status the contract gives it,
//! request bodies are read with a size limit and parsed by hand (so a wrong shape is a
//! 400, not axum's 422), and a last layer turns any bodiless error (404, 405, timeout,
//! caught panic) into an `ErrorBody` too.

use axum::Json;
use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use waymark_sync_proto::wire::{ErrorBody, MAX_BODY_BYTES, codes};

use crate::error::RelayError;

/// Past the limit, a body is still read (and dropped) up to this many bytes so the
/// client gets its 413 instead of a reset connection.
const DRAIN_LIMIT: usize = 4 * MAX_BODY_BYTES;

/// Marks an error answer with its wire code, for the refusal counters of `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct Refusal(pub &'static str);

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }
}

impl From<&RelayError> for ApiError {
    fn from(e: &RelayError) -> Self {
        use RelayError as E;
        match e {
            E::BadRequest(m) => Self::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, m.clone()),
            E::Unauthorized => {
                Self::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, "a valid device token is required")
            }
            E::DeviceRevoked => {
                Self::new(StatusCode::UNAUTHORIZED, codes::DEVICE_REVOKED, "this device has been revoked")
            }
            E::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, codes::FORBIDDEN, m.clone()),
            E::InviteInvalid => Self::new(
                StatusCode::FORBIDDEN,
                codes::INVITE_INVALID,
                "the invitation is unknown, expired or already used",
            ),
            E::NotFound(m) => Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, m.clone()),
            E::TooLarge => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::TOO_LARGE,
                format!("the request body is over {MAX_BODY_BYTES} bytes"),
            ),
            E::RateLimited => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, codes::RATE_LIMITED, "too many requests: slow down")
            }
            E::Storage(rusqlite::Error::SqliteFailure(f, _))
                if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) =>
            {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, codes::INTERNAL, "the relay is busy: retry later")
            }
            E::Storage(_) | E::Io(_) | E::Internal(_) => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL, "internal error")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status, Json(ErrorBody { error: self.code.to_owned(), message: self.message })).into_response();
        response.extensions_mut().insert(Refusal(self.code));
        response
    }
}

/// Reads a JSON body of at most `MAX_BODY_BYTES` and parses it.
pub async fn read_json<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> Result<T, RelayError> {
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return Err(RelayError::TooLarge);
    }
    let mut body = body;
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| RelayError::BadRequest("could not read the request body".into()))?;
        let Ok(data) = frame.into_data() else { continue };
        total = total.saturating_add(data.len());
        if total > MAX_BODY_BYTES {
            buf = Vec::new();
            if total > DRAIN_LIMIT {
                break;
            }
        } else {
            buf.extend_from_slice(&data);
        }
    }
    if total > MAX_BODY_BYTES {
        return Err(RelayError::TooLarge);
    }
    serde_json::from_slice(&buf).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => RelayError::BadRequest(format!("the body has the wrong shape: {e}")),
        _ => RelayError::BadRequest(format!("the body is not valid JSON: {e}")),
    })
}

/// Gives every error answer an `ErrorBody`, whoever produced it.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (codes::NOT_FOUND, "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => (codes::BAD_REQUEST, "method not allowed on this route"),
        StatusCode::PAYLOAD_TOO_LARGE => (codes::TOO_LARGE, "the request body is too large"),
        StatusCode::TOO_MANY_REQUESTS => (codes::RATE_LIMITED, "too many requests: slow down"),
        StatusCode::UNAUTHORIZED => (codes::UNAUTHORIZED, "a valid device token is required"),
        StatusCode::FORBIDDEN => (codes::FORBIDDEN, "not permitted"),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => {
            (codes::TIMEOUT, "the request took too long: retry later")
        }
        s if s.is_server_error() => (codes::INTERNAL, "internal error"),
        _ => (codes::BAD_REQUEST, "bad request"),
    };
    let mut answer = ApiError::new(status, code, message).into_response();
    // Keep headers such as Allow or Retry-After.
    for (name, value) in response.headers() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}
