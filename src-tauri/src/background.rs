//! The background sync: on every local change (after a short pause to gather a
//! burst of edits), on "Sync now", and every minute; after a failure it retries
//! sooner at first, then backs off to the minute. Each attempt's outcome is sent to
//! the UI as a `sync-status` event.

use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Emitter};
use waymark_device::{DeviceError, SyncFailure, SyncState, SyncView};

use crate::state::Shared;

/// The event the UI listens to.
pub const EVENT: &str = "sync-status";
/// How often a healthy device syncs.
const EVERY: Duration = Duration::from_secs(60);
/// How long a local change waits for more changes before syncing.
const GATHER: Duration = Duration::from_millis(1500);

/// The wait after `failures` failed attempts in a row: 5 s, 10 s, 20 s, 40 s, then
/// the normal minute.
fn retry_after(failures: u32) -> Duration {
    if failures == 0 {
        return EVERY;
    }
    Duration::from_secs(5u64.saturating_mul(1 << failures.min(5).saturating_sub(1))).min(EVERY)
}

pub fn spawn(app: AppHandle, shared: Arc<Shared>) {
    tauri::async_runtime::spawn(async move {
        let mut failures = 0u32;
        loop {
            let woken = tokio::time::timeout(retry_after(failures), shared.wake.notified()).await.is_ok();
            if woken {
                // Let a burst of edits settle into one sync.
                tokio::time::sleep(GATHER).await;
            }
            match run(&app, &shared).await {
                Some(Ok(_)) => failures = 0,
                Some(Err(_)) => failures = failures.saturating_add(1),
                None => failures = 0,
            }
        }
    });
}

/// One sync on the sync handle, with the state emitted before and after. `None`
/// when there is nothing to sync with (locked, or a standalone device).
pub async fn run(app: &AppHandle, shared: &Shared) -> Option<Result<SyncView, DeviceError>> {
    // Subscribed before taking the handle, so a lock from here on cancels the sync.
    let mut locked = shared.locks.subscribe();
    let mut guard = shared.sync_device.lock().await;
    if shared.device.lock().await.is_none() {
        // Locked meanwhile: the lock is about to drop this handle too.
        return None;
    }
    let device = guard.as_mut()?;
    let status = match device.status() {
        Ok(s) => s,
        Err(e) => return Some(Err(e)),
    };
    if status.relay.is_none() {
        update(app, shared, |s| {
            s.online = None;
            s.pending = status.pending;
        });
        return None;
    }
    update(app, shared, |s| s.syncing = true);
    let result = tokio::select! {
        result = device.sync(|_| {}) => result,
        _ = locked.changed() => Err(DeviceError::Locked),
    };
    let pending = device.status().map(|s| s.pending).ok();
    let last = device.last_sync().ok().flatten();
    match &result {
        Ok(view) => update(app, shared, |s| {
            s.syncing = false;
            s.online = Some(true);
            s.pending = view.pending;
            s.last_sync = last;
            s.error = None;
        }),
        // Abandoned because the app locked: not a failure to show.
        Err(DeviceError::Locked) => update(app, shared, |s| s.syncing = false),
        Err(e) => {
            let revoked = matches!(e, DeviceError::DeviceRevoked);
            update(app, shared, |s| {
                s.syncing = false;
                s.online = Some(!matches!(e, DeviceError::RelayUnreachable(_)));
                if let Some(p) = pending {
                    s.pending = p;
                }
                s.error = Some(SyncFailure { code: e.code(), message: e.to_string() });
            });
            if revoked {
                // The store is wiped, and so are the files it exported: drop both
                // handles so the app starts over.
                crate::exports::erase_all(&shared.dir);
                *guard = None;
                drop(guard);
                *shared.device.lock().await = None;
            }
        }
    }
    Some(result)
}

fn update(app: &AppHandle, shared: &Shared, change: impl FnOnce(&mut SyncState)) {
    let snapshot = {
        let mut state = shared.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        change(&mut state);
        state.clone()
    };
    // A window that is gone cannot be told; the next state will reach the next one.
    let _ = app.emit(EVENT, snapshot);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_the_minute() {
        let secs: Vec<u64> = (0..7).map(|f| retry_after(f).as_secs()).collect();
        assert_eq!(secs, vec![60, 5, 10, 20, 40, 60, 60]);
    }
}
