//! Verbatim passages: seed-and-extend over shared shingles, and repeats inside a document.
