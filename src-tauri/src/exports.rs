//! Where the app's exports go: a new folder for each export under the device's data
//! folder, `exports/<UTC time>-<kind>/` (e.g. `exports/20261104T193000Z-hmis/`), so
//! the screen can say where the files are and two exports never mix. The webview has
//! no file system access; the device writes the files (`waymark_device::export`).
//!
//! To hand an export over (an HMIS export to the HMIS lead), `zip_folder` writes a copy
//! of its folder as one `.zip` where the user chose in the system's save dialog.
//!
//! Exported files are plaintext by nature (HMIS holds names and dates of birth of
//! consenting participants), so the folders are owner-only, and when the device
//! erases its store (the 10th wrong passphrase, or a revocation) the app erases its
//! exports folder too: a wiped device must not keep readable records beside it.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use waymark_device::Timestamp;

/// The folder under the data folder that holds every export.
pub const EXPORTS_DIR: &str = "exports";
/// The GeoJSON export's file name inside its folder.
pub const GEOJSON_FILE: &str = "contacts.geojson";

/// One file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedFile {
    pub name: String,
    /// Absolute path.
    pub path: String,
}

/// An export as the UI receives it: where the files are, and the device's answer.
#[derive(Debug, Clone, Serialize)]
pub struct ExportDone<T> {
    /// The export's folder, absolute.
    pub folder: String,
    pub files: Vec<ExportedFile>,
    pub view: T,
}

impl<T> ExportDone<T> {
    /// The files `names` in `folder`, with the device's answer `view`.
    pub fn new(folder: &Path, names: &[String], view: T) -> Self {
        let files = names
            .iter()
            .map(|n| ExportedFile { name: n.clone(), path: folder.join(n).display().to_string() })
            .collect();
        Self { folder: folder.display().to_string(), files, view }
    }
}

/// `20261104T193000Z-hmis`: the export's UTC time (no colons, which some file systems
/// refuse) and its kind.
pub fn folder_name(kind: &str, now: Timestamp) -> String {
    format!("{}-{kind}", now.strftime("%Y%m%dT%H%M%SZ"))
}

/// Makes a folder owner-only where the platform has such a thing.
fn create_private(dir: &Path, all: bool) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(all);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates a new, empty folder for one export of `kind` under `data_dir`, absolute.
/// A second export of the same kind in the same second gets `-2`, `-3`, … so an
/// export never writes into another's folder.
pub fn new_folder(data_dir: &Path, kind: &str, now: Timestamp) -> io::Result<PathBuf> {
    let root = std::path::absolute(data_dir.join(EXPORTS_DIR))?;
    create_private(&root, true)?;
    let base = folder_name(kind, now);
    for n in 1..=100u32 {
        let dir = if n == 1 { root.join(&base) } else { root.join(format!("{base}-{n}")) };
        match create_private(&dir, false) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("too many exports named {base} in {}", root.display())))
}

/// Overwrites every file under `dir` with zeros and removes it all (as the store's
/// wipe does its own files). Best effort: what cannot be removed is left.
fn erase(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => erase(&path),
            Ok(_) => {
                if let Ok(meta) = std::fs::metadata(&path) {
                    let zeros = vec![0u8; usize::try_from(meta.len()).unwrap_or(0).min(1 << 20)];
                    if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&path) {
                        let mut left = meta.len();
                        while left > 0 && !zeros.is_empty() {
                            let n = left.min(zeros.len() as u64) as usize;
                            if std::io::Write::write_all(&mut f, &zeros[..n]).is_err() {
                                break;
                            }
                            left -= n as u64;
                        }
                        let _ = f.sync_all();
                    }
                }
                let _ = std::fs::remove_file(&path);
            }
            Err(_) => {}
        }
    }
    let _ = std::fs::remove_dir(dir);
}

/// Erases the exports folder of the store in `data_dir`: after the device wiped its
/// store, nothing readable stays behind.
pub fn erase_all(data_dir: &Path) {
    erase(&data_dir.join(EXPORTS_DIR));
}

/// The export folder `folder` (as the UI was told it), canonical, if it is one of the
/// exports of the store in `data_dir`: the webview can name an export, never any
/// other path.
pub fn export_folder(data_dir: &Path, folder: &str) -> io::Result<PathBuf> {
    let not_ours = || io::Error::new(io::ErrorKind::NotFound, format!("{folder} is not one of this device's exports"));
    let root = std::fs::canonicalize(data_dir.join(EXPORTS_DIR)).map_err(|_| not_ours())?;
    let given = std::fs::canonicalize(folder).map_err(|_| not_ours())?;
    if given.parent() != Some(root.as_path()) || !given.is_dir() {
        return Err(not_ours());
    }
    Ok(given)
}

/// `20261104T193000Z-hmis.zip`: the copy of an export is named after its folder.
pub fn zip_name(folder: &Path) -> String {
    let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".to_owned());
    format!("{name}.zip")
}

/// Writes every file of the export `folder` into a `.zip` at `dest` (deflated, at its
/// root, by name), first under a temporary name beside `dest`, then renamed: a failed
/// copy leaves no half-written file, and an earlier file of that name is replaced only
/// by a whole one. Answers how many files went in.
pub fn zip_folder(folder: &Path, dest: &Path) -> io::Result<usize> {
    use zip::write::SimpleFileOptions;

    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            names.push((entry.file_name().to_string_lossy().into_owned(), entry.path()));
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(io::Error::new(io::ErrorKind::NotFound, format!("{} holds no files", folder.display())));
    }
    let file_name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dest.with_file_name(format!(".{file_name}.partial"));
    let zip_error = |e: zip::result::ZipError| io::Error::other(format!("cannot write the .zip: {e}"));
    let written = (|| -> io::Result<()> {
        let file = std::fs::File::create(&partial)?;
        let mut zip = zip::ZipWriter::new(io::BufWriter::new(file));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).unix_permissions(0o600);
        for (name, path) in &names {
            zip.start_file(name.as_str(), options).map_err(zip_error)?;
            io::copy(&mut std::fs::File::open(path)?, &mut zip)?;
        }
        let mut out = zip.finish().map_err(zip_error)?;
        io::Write::flush(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    if let Err(e) = written.and_then(|()| std::fs::rename(&partial, dest)) {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    Ok(names.len())
}

/// Removes an export's folder if nothing was written to it (the export failed).
pub fn discard_if_empty(folder: &Path) {
    let _ = std::fs::remove_dir(folder);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    /// A fresh folder under the system's temporary folder, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("waymark-app-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("scratch folder");
            Self(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn folders_are_named_by_utc_time_and_kind() {
        // 11:30 in Los Angeles is 19:30 UTC: the name is UTC whatever the zone.
        assert_eq!(folder_name("hmis", ts("2026-11-04T11:30:00-08:00")), "20261104T193000Z-hmis");
        assert_eq!(folder_name("geojson", ts("2027-01-01T00:00:09.750Z")), "20270101T000009Z-geojson");
    }

    #[test]
    fn each_export_gets_its_own_new_folder() {
        let scratch = Scratch::new("folders");
        let now = ts("2026-11-04T19:30:00Z");
        let first = new_folder(&scratch.0, "csv", now).expect("first");
        let second = new_folder(&scratch.0, "csv", now).expect("second");
        let other = new_folder(&scratch.0, "hmis", now).expect("other kind");
        assert!(first.is_absolute());
        assert_eq!(first, std::path::absolute(scratch.0.join("exports/20261104T193000Z-csv")).expect("absolute"));
        assert_eq!(second.file_name().and_then(|n| n.to_str()), Some("20261104T193000Z-csv-2"));
        assert_eq!(other.file_name().and_then(|n| n.to_str()), Some("20261104T193000Z-hmis"));
        for dir in [&first, &second, &other] {
            assert!(dir.is_dir() && std::fs::read_dir(dir).expect("read").next().is_none(), "{}", dir.display());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for dir in [scratch.0.join(EXPORTS_DIR), first.clone()] {
                let mode = std::fs::metadata(&dir).expect("meta").permissions().mode() & 0o777;
                assert_eq!(mode, 0o700, "{} is owner-only", dir.display());
            }
        }
        // A failed export leaves no empty folder; one with files is kept.
        std::fs::write(second.join("contacts.csv"), "x").expect("write");
        discard_if_empty(&first);
        discard_if_empty(&second);
        assert!(!first.exists());
        assert!(second.join("contacts.csv").is_file());
    }

    #[test]
    fn the_answer_names_every_file_with_its_absolute_path() {
        let folder = Path::new("/data/store/exports/20261104T193000Z-csv");
        let done = ExportDone::new(folder, &["contacts.csv".to_owned(), "services.csv".to_owned()], 7);
        let v = serde_json::to_value(&done).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "folder": "/data/store/exports/20261104T193000Z-csv",
                "files": [
                    {"name": "contacts.csv", "path": "/data/store/exports/20261104T193000Z-csv/contacts.csv"},
                    {"name": "services.csv", "path": "/data/store/exports/20261104T193000Z-csv/services.csv"},
                ],
                "view": 7,
            })
        );
    }

    #[test]
    fn only_an_export_of_this_store_can_be_copied() {
        let scratch = Scratch::new("which");
        let folder = new_folder(&scratch.0, "hmis", ts("2026-11-04T19:30:00Z")).expect("folder");
        let text = folder.display().to_string();
        assert_eq!(export_folder(&scratch.0, &text).expect("ours"), std::fs::canonicalize(&folder).expect("canonical"));
        // Anything else, however it is spelled, is not found.
        let exports = scratch.0.join(EXPORTS_DIR);
        std::fs::write(scratch.0.join("waymark.db"), "store").expect("write");
        for other in [
            exports.display().to_string(),
            scratch.0.display().to_string(),
            scratch.0.join("waymark.db").display().to_string(),
            format!("{text}/.."),
            format!("{}/../..", folder.join("x").display()),
            "/etc".to_owned(),
            "relative/path".to_owned(),
            String::new(),
        ] {
            let e = export_folder(&scratch.0, &other).expect_err(&other);
            assert_eq!(e.kind(), io::ErrorKind::NotFound, "{other}");
        }
    }

    #[test]
    fn a_copy_is_one_whole_zip_of_the_exports_files() {
        let scratch = Scratch::new("zip");
        let folder = new_folder(&scratch.0, "hmis", ts("2026-11-04T19:30:00Z")).expect("folder");
        let client = "PersonalID,FirstName\r\n1,Rosa\r\n".repeat(50);
        std::fs::write(folder.join("Export.csv"), "ExportID\r\n1\r\n").expect("write");
        std::fs::write(folder.join("Client.csv"), &client).expect("write");
        assert_eq!(zip_name(&folder), "20261104T193000Z-hmis.zip");
        let out = scratch.0.join("handover");
        std::fs::create_dir_all(&out).expect("out");
        let dest = out.join(zip_name(&folder));
        std::fs::write(&dest, "an older copy").expect("older");
        assert_eq!(zip_folder(&folder, &dest).expect("zip"), 2);

        let mut archive = zip::ZipArchive::new(std::fs::File::open(&dest).expect("open")).expect("a zip");
        let names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).expect("entry").name().expect("name").into_owned())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(sorted, ["Client.csv", "Export.csv"]);
        let mut back = String::new();
        io::Read::read_to_string(&mut archive.by_name("Client.csv").expect("entry"), &mut back).expect("read");
        assert_eq!(back, client, "the file comes back byte for byte");
        assert!(std::fs::metadata(&dest).expect("meta").len() < client.len() as u64, "deflated");
        let left: Vec<_> = std::fs::read_dir(&out).expect("read").flatten().map(|e| e.file_name()).collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");

        // A folder that is gone: an error, and the earlier copy is untouched.
        let before = std::fs::read(&dest).expect("read");
        let gone = scratch.0.join("exports/none");
        assert!(zip_folder(&gone, &dest).is_err());
        assert_eq!(std::fs::read(&dest).expect("read"), before);
        // Into a folder that does not exist: an error, nothing written.
        assert!(zip_folder(&folder, &scratch.0.join("missing/x.zip")).is_err());
    }

    #[test]
    fn a_wiped_store_leaves_no_export_behind() {
        let scratch = Scratch::new("erase");
        let folder = new_folder(&scratch.0, "hmis", ts("2026-11-04T19:30:00Z")).expect("folder");
        std::fs::write(folder.join("Client.csv"), "PersonalID,FirstName\n1,Rosa\n").expect("write");
        std::fs::create_dir_all(folder.join("nested")).expect("nested");
        std::fs::write(folder.join("nested/x.csv"), "y").expect("write");
        std::fs::write(scratch.0.join("unlock.json"), "{}").expect("other file");
        erase_all(&scratch.0);
        assert!(!scratch.0.join(EXPORTS_DIR).exists());
        assert!(scratch.0.join("unlock.json").is_file(), "only the exports folder is erased");
        // Nothing to erase is fine too.
        erase_all(&scratch.0);
    }
}
