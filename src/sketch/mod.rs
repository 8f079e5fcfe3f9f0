//! Sketches: the hot path from tokens to candidate pairs.
//!
//! [`shingle`] hashes word k-shingles with a stable hash; [`minhash`] reduces
//! a shingle set to a signature that carries its parameters; [`lsh`] bands
//! signatures into candidate pairs.

pub(crate) mod bucket;
pub mod lsh;
pub mod minhash;
pub mod shingle;
