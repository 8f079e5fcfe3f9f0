//! # athar (أثر, "trace")
//!
//! Finds near-duplicate Arabic articles and the passages they share.
//!
//! ## Brief overview
//!
//! The pipeline, one module per stage, in data-flow order:
//!
//! 1. [`corpus`] reads folders, files, JSON Lines and standard input into
//!    [`corpus::Document`]s; bad documents are skipped with a reason.
//! 2. [`normalize`] and [`tokenize`] turn a text into normalized tokens, each
//!    with the [`Span`] of the original text it came from.
//! 3. [`shingle`] hashes word k-shingles with a stable hash; [`minhash`]
//!    reduces them to signatures; [`lsh`] bands signatures into candidate pairs.
//! 4. [`verify`] checks candidates exactly; [`cluster`] groups them.
//! 5. [`align`] finds verbatim passages; [`narrative`] finds passages that tell
//!    the same story in other words; [`phrases`] ranks reused phrases and
//!    recognises boilerplate.
//! 6. [`pipeline`] runs it all and returns a [`report::Report`], which
//!    [`report`] renders as text, JSON or HTML. [`dedup`] runs the
//!    near-duplicate pass alone over a stream, for millions of documents.
//!
//! Only [`corpus`] reads input and only [`report`] writes output; the stages
//! in between are pure functions over plain types.

#![warn(missing_docs)]

pub mod align;
pub mod app;
pub mod cli;
pub mod cluster;
pub mod corpus;
pub mod dedup;
pub mod error;
pub mod lsh;
pub mod minhash;
pub mod narrative;
pub mod normalize;
pub mod phrases;
pub mod pipeline;
pub mod report;
pub mod shingle;
pub mod span;
pub mod stem;
pub mod synth;
pub mod tokenize;
pub mod tune;
pub mod verify;

pub use error::{Error, Result};
pub use span::Span;
