//! Data at rest: nothing a worker writes is readable in the device's files.

use crate::support::{Device, PASSPHRASE, arr, files_under, s};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn notes_descriptions_and_the_passphrase_are_not_readable_in_the_data_dir() {
    let note = "CANARYNOTE7f3a sleeping behind the laundromat";
    let description = "CANARYDESC9b1e rose tattoo on left hand";
    let name = "Canaryname Quillfeather";
    let device = Device::init("supervisor", &[]);
    let p = device.ok(&["person", "add", "--name", name, "--description", description]);
    let id = s(&p, "id");
    device.ok(&["note", "add", "--person", id, "--text", note]);
    device.ok(&["encounter", "log", "--person", id, "--note", note, "--service", "naloxone=2"]);
    device.ok(&["referral", "create", "--pathway", "community", "--person", id, "--narrative", note]);
    device.ok(&["person", "update", id, "--alias", "CANARYALIAS42"]);

    // The canaries really were stored: the device reads them back.
    let notes = device.ok(&["note", "list", "--person", id]);
    assert_eq!(arr(&notes, "note list")[0]["text"], note);
    assert_eq!(device.ok(&["person", "show", id])["description"], description);

    let files = files_under(&device.data());
    assert!(!files.is_empty(), "the device wrote files");
    let total: usize = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len() as usize).unwrap_or(0)).sum();
    assert!(total > 4096, "the store is not empty: {total} bytes in {files:?}");
    let canaries: [&str; 6] =
        ["CANARYNOTE7f3a", "CANARYDESC9b1e", "Canaryname", "Quillfeather", "CANARYALIAS42", PASSPHRASE];
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        for canary in canaries {
            assert!(!contains(&bytes, canary.as_bytes()), "{canary:?} is readable in {}", file.display());
            let utf16: Vec<u8> = canary.encode_utf16().flat_map(u16::to_le_bytes).collect();
            assert!(!contains(&bytes, &utf16), "{canary:?} is readable (UTF-16) in {}", file.display());
        }
        assert!(!contains(&bytes, b"SQLite format 3"), "{} is a plain SQLite database", file.display());
    }
}
