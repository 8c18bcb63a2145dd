//! The app's TypeScript types are generated from these Rust views (ts-rs) into
//! `ui/src/generated/`, which is committed. This test fails when that folder is stale;
//! `WAYMARK_BLESS=1 cargo test -p waymark-device --test bindings` rewrites it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};
use waymark_device::*;

fn generate(dir: &Path) {
    // JSON numbers are numbers in TypeScript: no bigint for counts and days.
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all(&cfg).expect(stringify!($t)); )* };
    }
    export!(
        InitView,
        IdView,
        PersonAdded,
        PersonView,
        PersonShow,
        CardView,
        EncounterView,
        ReferralView,
        ReferralCreated,
        MergeView,
        TeamView,
        EnrollView,
        InviteView,
        DeviceView,
        RevokeView,
        SyncView,
        StatusView,
        HomeView,
        PersonSeen,
        ReferralCheck,
        PersonInput,
        TeamInput,
        EncounterInput,
        ReferralInput,
        ErrorCode,
        SyncState,
        CaseNote,
        SessionView,
        StartInput,
        EnrollInput,
        UnlockState,
        ConsentInput,
        ConsentRevoked,
        Consent,
        AuditView,
        office::DuplicatePair,
        office::DuplicateSide,
        office::ConferenceView,
        office::ConferenceRow,
        office::FollowupView,
        office::InactiveRow,
        office::MarkView,
        report::ReportView,
        export::HmisExportView,
        export::CsvExportView,
        export::GeojsonExportView,
    );
}

/// Every `.ts` file under `dir`, by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ts") {
                let name = path.strip_prefix(dir).map(|p| p.display().to_string()).unwrap_or_default();
                out.insert(name, std::fs::read_to_string(&path).expect("read binding"));
            }
        }
    }
    out
}

#[test]
fn ui_types_match_the_rust_views() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated");
    let fresh = tempfile::TempDir::new().expect("temp dir");
    generate(fresh.path());
    if std::env::var_os("WAYMARK_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).expect("create ui/src/generated");
        generate(&committed);
    }
    let (want, have) = (files(fresh.path()), files(&committed));
    assert!(want.contains_key("PersonView.ts") && want.contains_key("SyncView.ts"), "{:?}", want.keys());
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        have.keys().collect::<Vec<_>>(),
        "ui/src/generated has other files than the views make: regenerate with WAYMARK_BLESS=1"
    );
    for (name, text) in &want {
        assert_eq!(Some(text), have.get(name), "ui/src/generated/{name} is stale: regenerate with WAYMARK_BLESS=1");
    }
}
