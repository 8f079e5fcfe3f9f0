//! Byte ranges into the ORIGINAL text of a document.
//!
//! Every offset athar reports is a [`Span`]: a half-open byte range
//! `start..end` into the document's original UTF-8 text, never into a
//! normalized copy. Filters and later stages never modify spans.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into a document's original text.
///
/// Invariant: `start <= end`. Spans produced by the tokenizer always fall on
/// UTF-8 character boundaries of the text they index, so `&text[span.range()]`
/// never panics for that text.
///
/// ```
/// use athar::Span;
/// let text = "سلامٌ عليكم";
/// let s = Span::new(0, 10);
/// assert_eq!(s.slice(text), "سلامٌ");
/// ```
///
/// Deserializing checks the invariant: `{"start": 3, "end": 2}` is an error.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(try_from = "RawSpan")]
pub struct Span {
    start: usize,
    end: usize,
}

/// A span as stored, before its invariant is checked.
#[derive(Deserialize)]
struct RawSpan {
    start: usize,
    end: usize,
}

impl TryFrom<RawSpan> for Span {
    type Error = String;

    fn try_from(raw: RawSpan) -> Result<Span, String> {
        if raw.start <= raw.end {
            Ok(Span {
                start: raw.start,
                end: raw.end,
            })
        } else {
            Err(format!(
                "span start {} is after its end {}",
                raw.start, raw.end
            ))
        }
    }
}

impl Span {
    /// A new span.
    ///
    /// # Panics
    /// When `start > end`.
    #[inline]
    pub fn new(start: usize, end: usize) -> Span {
        assert!(start <= end, "span start {start} > end {end}");
        Span { start, end }
    }

    /// First byte of the span.
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }

    /// One past the last byte of the span.
    #[inline]
    pub fn end(&self) -> usize {
        self.end
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The span as a `Range<usize>`.
    #[inline]
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// The text this span covers.
    ///
    /// # Panics
    /// When the span is out of bounds or not on character boundaries of `text`.
    #[inline]
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// The smallest span covering both `self` and `other`.
    #[inline]
    pub fn cover(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// True when the two spans share at least one byte.
    #[inline]
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_arabic_on_char_boundaries() {
        let text = "قال: الـسلام";
        let s = Span::new(0, 6);
        assert_eq!(s.slice(text), "قال");
        assert_eq!(s.len(), 6);
        assert!(Span::new(2, 4).overlaps(s));
        assert!(!Span::new(6, 8).overlaps(s));
        assert_eq!(s.cover(Span::new(8, 10)), Span::new(0, 10));
    }

    #[test]
    fn deserializing_checks_start_before_end() {
        let span: Span = serde_json::from_str(r#"{"start": 2, "end": 5}"#).unwrap();
        assert_eq!(span, Span::new(2, 5));
        let empty: Span = serde_json::from_str(r#"{"start": 4, "end": 4}"#).unwrap();
        assert!(empty.is_empty());
        let err = serde_json::from_str::<Span>(r#"{"start": 5, "end": 2}"#).unwrap_err();
        assert!(
            err.to_string().contains("start 5 is after its end 2"),
            "{err}"
        );
        assert!(serde_json::from_str::<Span>(r#"{"start": 1}"#).is_err());
        let json = serde_json::to_string(&Span::new(1, 3)).unwrap();
        assert_eq!(json, r#"{"start":1,"end":3}"#);
        assert_eq!(
            serde_json::from_str::<Span>(&json).unwrap(),
            Span::new(1, 3)
        );
    }

    #[test]
    #[should_panic(expected = "span start")]
    fn rejects_inverted_span() {
        Span::new(3, 2);
    }
}
