//! The report model and its renderers.
//!
//! [`Report`] is the finished, sorted result of a run. Renderers compute
//! nothing: they take a `Report` (plus the original texts, for renderers that
//! quote them) and write it in one format.
//!
//! Every byte offset in the report indexes the document's ORIGINAL UTF-8
//! text; `start_char`/`end_char` give the same positions in Unicode scalar
//! values for tools that count code points.
//!
//! Files: `model.rs` holds the types (the JSON contract), `common.rs` what
//! the text and HTML renderers share (order, snippets, findings);
//! `text/`, `json.rs` and `html/` are the renderers, `tune.rs` renders
//! `athar tune`'s result.

use serde::{Deserialize, Serialize};

mod common;
pub mod html;
pub mod json;
mod model;
pub mod text;
pub mod tune;

pub(crate) use common::*;
pub use model::*;

/// Access to original document texts, for renderers that quote them.
pub trait TextSource {
    /// The original text of document `id`, if available.
    fn text(&self, id: &str) -> Option<&str>;
}

impl TextSource for std::collections::HashMap<String, String> {
    fn text(&self, id: &str) -> Option<&str> {
        self.get(id).map(String::as_str)
    }
}

impl TextSource for std::collections::BTreeMap<String, String> {
    fn text(&self, id: &str) -> Option<&str> {
        self.get(id).map(String::as_str)
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Readable terminal report.
    #[default]
    Text,
    /// The JSON contract.
    Json,
    /// A self-contained HTML page.
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 3] = [Format::Text, Format::Json, Format::Html];

    /// The format's name: `text`, `json` or `html`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    /// Parses `text`, `json` or `html` (any case).
    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown format {s:?}: expected text, json or html"))
    }
}

/// How a report is rendered. The defaults suit an interactive terminal
/// without colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Emit ANSI colours (text format only). The CLI decides: standard
    /// output is a terminal and `NO_COLOR` is unset.
    pub color: bool,
    /// Most items listed per section (text and HTML); `0` means no limit.
    /// Cut sections end with "… and N more".
    pub top: usize,
    /// Pretty-print JSON (indented); compact, one line, otherwise.
    pub pretty: bool,
    /// HTML: most side-by-side pair views rendered; `0` means no limit.
    pub max_pair_views: usize,
    /// HTML: most documents in the similarity heat map; `0` means no limit.
    pub max_heatmap_docs: usize,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            color: false,
            top: 20,
            pretty: true,
            max_pair_views: 50,
            max_heatmap_docs: 40,
        }
    }
}

/// Writes `report` to `out` in `format`.
///
/// `texts` supplies the original documents for quoting snippets (text) and
/// for the side-by-side views (HTML); documents it lacks are rendered
/// without quotes. The JSON format ignores `texts`. Renderers compute
/// nothing: they lay out the finished, sorted report as it is, so the same
/// report always gives the same bytes.
///
/// ```
/// use athar::report::{render, Format, RenderOptions, Report};
/// use std::collections::BTreeMap;
/// let texts: BTreeMap<String, String> = BTreeMap::new();
/// let mut out = Vec::new();
/// render(&Report::default(), &texts, Format::Json, &RenderOptions::default(), &mut out).unwrap();
/// let back: Report = serde_json::from_slice(&out).unwrap();
/// assert_eq!(back, Report::default());
/// ```
pub fn render(
    report: &Report,
    texts: &dyn TextSource,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::render(report, texts, opts, out),
        Format::Json => json::render(report, opts, out),
        Format::Html => html::render(report, texts, opts, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
        }
        assert_eq!("HTML".parse::<Format>(), Ok(Format::Html));
        let err = "pdf".parse::<Format>().unwrap_err();
        assert!(err.contains("expected text, json or html"), "{err}");
    }
}
