//! Helpers shared by the device's integration tests.

use waymark_device::Device;

/// Hands every change `from` has made to `to`, as a sync through the relay would
/// (team settings aside: each standalone device has a team of its own).
pub fn deliver(from: &mut Device, to: &mut Device) {
    for change in from.store().outbox(usize::MAX).expect("outbox") {
        if change.doc.to_string().starts_with("team:") {
            continue;
        }
        to.store().apply_remote(change.doc, &change.bytes).expect("apply");
    }
}
