//! What the shell holds: the open device (absent while locked), a second handle on
//! the same store for the background sync, and the sync state the UI is shown.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{Mutex, Notify, watch};
use waymark_device::{Device, DeviceError, ErrorCode, SyncState};

/// A device API failure as the UI receives it: `{ code, message }`.
#[derive(Debug, Serialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<DeviceError> for ApiError {
    fn from(e: DeviceError) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Shared between the commands and the background sync task.
#[derive(Debug)]
pub struct Shared {
    pub dir: PathBuf,
    pub demo: bool,
    /// The screens' handle; `None` while locked.
    pub device: Mutex<Option<Device>>,
    /// The sync task's handle on the same store, so a slow network never holds up a
    /// screen; `None` while locked.
    pub sync_device: Mutex<Option<Device>>,
    /// Wakes the sync task: a local change or "Sync now".
    pub wake: Notify,
    /// Bumped on every lock: a sync running at that moment is abandoned at once, so
    /// its handle (and the key) is dropped without waiting for the network.
    pub locks: watch::Sender<u64>,
    pub state: std::sync::Mutex<SyncState>,
}

#[derive(Debug)]
pub struct AppState {
    pub shared: Arc<Shared>,
}

impl AppState {
    pub fn new(dir: PathBuf, demo: bool) -> Self {
        Self {
            shared: Arc::new(Shared {
                dir,
                demo,
                device: Mutex::new(None),
                sync_device: Mutex::new(None),
                wake: Notify::new(),
                locks: watch::Sender::new(0),
                state: std::sync::Mutex::new(SyncState::default()),
            }),
        }
    }

    /// Runs `f` on the open device (a read).
    pub async fn read<T>(&self, f: impl FnOnce(&mut Device) -> Result<T, DeviceError>) -> ApiResult<T> {
        let mut guard = self.shared.device.lock().await;
        let device = guard.as_mut().ok_or(DeviceError::Locked)?;
        Ok(f(device)?)
    }

    /// Runs `f` on the open device and, when it succeeds, wakes the sync task.
    pub async fn write<T>(&self, f: impl FnOnce(&mut Device) -> Result<T, DeviceError>) -> ApiResult<T> {
        let value = self.read(f).await?;
        self.shared.wake.notify_one();
        Ok(value)
    }

    /// Runs `f` on the sync handle: for calls that wait on the relay (device
    /// administration), so a slow relay holds up the background sync, never a screen,
    /// and the two never interleave. Abandoned at once when the app locks (the device
    /// API leaves nothing half done that the next sync does not finish).
    pub async fn online<T>(&self, f: impl AsyncFnOnce(&mut Device) -> Result<T, DeviceError>) -> ApiResult<T> {
        // Subscribed before taking the handle, so a lock from here on cancels the call.
        let mut locked = self.shared.locks.subscribe();
        let mut guard = self.shared.sync_device.lock().await;
        if self.shared.device.lock().await.is_none() {
            return Err(DeviceError::Locked.into());
        }
        let device = guard.as_mut().ok_or(DeviceError::Locked)?;
        let result = tokio::select! {
            result = f(device) => result,
            _ = locked.changed() => Err(DeviceError::Locked),
        };
        let value = result?;
        self.shared.wake.notify_one();
        Ok(value)
    }

    /// Holds `device` as the open device, with a second handle for sync.
    pub async fn open(&self, device: Device) -> ApiResult<()> {
        let second = device.reopen()?;
        *self.shared.sync_device.lock().await = Some(second);
        *self.shared.device.lock().await = Some(device);
        self.shared.wake.notify_one();
        Ok(())
    }

    /// Closes both handles: the key leaves memory with them. A sync in progress is
    /// abandoned (safe: changes not acknowledged by the relay stay queued, and the
    /// relay ignores a change it already has).
    pub async fn close(&self) {
        *self.shared.device.lock().await = None;
        self.shared.locks.send_modify(|n| *n = n.wrapping_add(1));
        *self.shared.sync_device.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_to_the_ui_as_code_and_message() {
        let value = serde_json::to_value(ApiError::from(DeviceError::Locked)).expect("json");
        assert_eq!(value["code"], "locked");
        assert!(value["message"].as_str().is_some_and(|m| m.contains("locked")), "{value}");
        let value = serde_json::to_value(ApiError::from(DeviceError::NotEnrolled)).expect("json");
        assert_eq!(value["code"], "not_enrolled");
        assert_eq!(value.as_object().map(|o| o.len()), Some(2), "only code and message: {value}");
    }
}
