//! What the relay saw: team creation, invitations, enrollments, pushes, pulls,
//! revocations and refusals. Never record content (the relay has none to log).
//!
//! Successful operations write their record in their own transaction. Refusals are
//! queued here and written in batches by one background task, so that a client
//! hammering the relay with bad requests costs at most one write at a time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::Notify;

/// One audit event. `device_id` is empty when the relay could not tell the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: Timestamp,
    pub device_id: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl AuditRecord {
    pub fn new(at: Timestamp, action: &str, team_id: Option<&str>, device_id: Option<&str>) -> Self {
        Self {
            at,
            device_id: device_id.unwrap_or_default().to_owned(),
            action: action.to_owned(),
            team_id: team_id.map(str::to_owned),
            status: None,
            details: Map::new(),
        }
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

/// Most refusals waiting to be written; past that they are counted, not kept.
const QUEUE_CAP: usize = 10_000;

/// Refusals waiting for the writer task.
#[derive(Debug, Default)]
pub struct AuditQueue {
    pending: Mutex<Vec<AuditRecord>>,
    dropped: AtomicU64,
    notify: Notify,
}

impl AuditQueue {
    pub fn push(&self, record: AuditRecord) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.len() < QUEUE_CAP {
            pending.push(record);
        } else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        drop(pending);
        self.notify.notify_one();
    }

    /// Takes everything queued; a summary record stands for refusals that overflowed.
    pub fn drain(&self, now: Timestamp) -> Vec<AuditRecord> {
        let mut batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            batch.push(AuditRecord::new(now, "refusals_not_recorded", None, None).detail("count", dropped));
        }
        batch
    }

    /// Resolves when something was queued since the last call.
    pub async fn wait(&self) {
        self.notify.notified().await;
    }
}
