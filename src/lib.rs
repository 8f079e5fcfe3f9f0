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
//! 2. [`text`] turns a text into normalized tokens ([`text::normalize`],
//!    [`text::tokenize`]), each with the [`Span`] of the original text it came
//!    from, and finds sentences ([`text::sentences`]).
//! 3. [`sketch`] hashes word k-shingles with a stable hash
//!    ([`sketch::shingle`]), reduces them to signatures ([`sketch::minhash`])
//!    and bands signatures into candidate pairs ([`sketch::lsh`]);
//!    [`candidates`] pairs documents through shared shingles and decides
//!    boilerplate.
//! 4. [`verify`] checks candidates exactly; [`cluster`] groups them.
//! 5. [`evidence`] learns formula (datelines, titles, templates) from the
//!    corpus and weighs shared text by what it says; [`passages`] finds
//!    verbatim passages; [`narrative`] finds passages that tell the same
//!    story in other words; [`phrases`] ranks reused phrases.
//! 6. [`pipeline`] runs it all and returns a [`report::Report`], which
//!    [`report`] renders as text, JSON or HTML. [`dedup`] runs the
//!    near-duplicate pass alone over a stream, for millions of documents;
//!    [`tune`] helps choose thresholds.
//!
//! Only [`corpus`] reads input and only [`report`] writes output; the stages
//! in between are pure functions over plain types. The command line lives in
//! the `athar-cli` crate.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod error;
pub mod span;

pub mod corpus;
pub mod text;

pub mod candidates;
pub mod sketch;

pub mod cluster;
pub mod verify;

pub mod evidence;

pub mod narrative;
pub mod passages;
pub mod phrases;

pub mod archive;
pub mod dedup;
pub mod direction;
pub mod pipeline;
pub mod report;
pub mod timing;
pub mod tune;

pub use error::{Error, Result};
pub use span::Span;
