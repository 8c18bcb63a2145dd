//! Exports for funders, evaluators and the HMIS lead (supervisor, audited).
//! `waymark export`: HMIS CSV, CSV and GeoJSON files. `--json` prints the device's
//! view (the contract's `files` / `features` first); otherwise a few lines.

use std::fmt::Write;

use waymark_device::export::{CsvExportView, GeojsonExportView, HmisExportView};

use crate::Failure;
use crate::args::{Cli, ExportCmd};

pub(crate) fn run(cli: &Cli, cmd: &ExportCmd) -> Result<(), Failure> {
    let mut device = crate::open(cli)?;
    match cmd {
        ExportCmd::Hmis { out } => {
            let view = device.export_hmis(out)?;
            crate::print(cli.json, &view, hmis_text)
        }
        ExportCmd::Csv { out, from, to } => {
            let view = device.export_csv(out, from.as_deref(), to.as_deref())?;
            crate::print(cli.json, &view, csv_text)
        }
        ExportCmd::Geojson { out, from, to, precision } => {
            let view = device.export_geojson(out, from.as_deref(), to.as_deref(), precision.as_deref())?;
            crate::print(cli.json, &view, geojson_text)
        }
    }
}

fn period(from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (None, None) => "all time".to_owned(),
        (f, t) => format!("{} to {}", f.unwrap_or("the start"), t.unwrap_or("today")),
    }
}

fn hmis_text(v: &HmisExportView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "HMIS CSV ({}) written to {}: {}", v.csv_version, v.out, v.files.join(", "));
    let _ = writeln!(
        out,
        "{} clients, {} enrollments, {} exits, {} living situations, {} services",
        v.clients, v.enrollments, v.exits, v.living_situations, v.services
    );
    if v.excluded_without_consent > 0 {
        let _ = writeln!(out, "{} left out: no consent covering HMIS", v.excluded_without_consent);
    }
    if v.deidentified > 0 {
        let _ = writeln!(out, "{} de-identified: no consent covering HMIS", v.deidentified);
    }
    if v.not_enrolled > 0 {
        let _ = writeln!(out, "{} referred but never contacted: not enrolled", v.not_enrolled);
    }
    if !v.services_without_hmis_code.is_empty() {
        let list: Vec<String> = v.services_without_hmis_code.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(out, "services HUD has no code for (not in Services.csv): {}", list.join(", "));
    }
    out
}

fn csv_text(v: &CsvExportView) -> String {
    format!(
        "{} contacts ({}, locations {}) written to {}: {}",
        v.contacts,
        period(v.from.as_deref(), v.to.as_deref()),
        v.precision,
        v.out,
        v.files.join(", ")
    )
}

fn geojson_text(v: &GeojsonExportView) -> String {
    let mut out = format!(
        "{} points ({}, precision {}) written to {}",
        v.features,
        period(v.from.as_deref(), v.to.as_deref()),
        v.precision,
        v.out
    );
    if let Some(asked) = &v.requested_precision
        && asked != &v.precision
    {
        let _ =
            write!(out, "\n{asked} was asked for; the team's export precision allows no finer than {}", v.precision);
    }
    out
}
