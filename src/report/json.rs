//! JSON renderer: the [`Report`] model as is, the format documented in
//! `docs/report-schema.md`.
//!
//! Output is deterministic: fields come in declaration order, lists in the
//! report's own (sorted) order, and nothing run-dependent such as a timestamp
//! or an absolute path is added. One JSON document is written, followed by a
//! newline.

use std::io::Write;

use super::{RenderOptions, Report};

/// Writes `report` as JSON, indented when `opts.pretty`, else on one line.
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    if opts.pretty {
        serde_json::to_writer_pretty(&mut out, report)?;
    } else {
        serde_json::to_writer(&mut out, report)?;
    }
    out.write_all(b"\n")?;
    out.flush()
}
