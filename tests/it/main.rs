//! The integration tests of the library, one module a file, in one test
//! binary: every test binary links the whole library (and its debug
//! information), so one binary instead of one a file saves most of the link
//! time of `cargo test`. Run one file's tests with `cargo test --test it
//! FILE::` (for example `cargo test --test it report::`).

#[path = "../common/mod.rs"]
mod common;

mod align;
mod archive;
mod books;
mod corpus;
mod dedup;
mod hashing;
mod invariants;
mod narrative;
mod narrative_stories;
mod normalize;
mod oracle;
mod passages;
mod phrases;
mod real_data;
mod regressions;
mod report;
mod report_html;
mod seeds;
mod sketch_export;
mod synth;
mod tune;
