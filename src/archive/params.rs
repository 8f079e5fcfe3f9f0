//! What an archive was built with, and the refusal to mix anything else in.

use serde::{Deserialize, Serialize};

use crate::pipeline::Config;
use crate::sketch::lsh::LshParams;
use crate::sketch::minhash::{Algorithm, MinHashParams};
use crate::sketch::shingle;

/// Version of the archive's tables. [`super::Archive::open`] upgrades an
/// older archive step by step (see `store::MIGRATIONS`) and refuses a newer
/// one.
pub const ARCHIVE_SCHEMA_VERSION: u32 = 4;

/// Winnowing window (in shingles) of the anchor shingles indexed for each
/// document: any run of this many shingles two documents share holds an
/// anchor both index, so a shared passage of `window + k − 1` tokens (10 at
/// the defaults, `--min-passage`) always makes the pair a candidate.
pub const DEFAULT_WINDOW: usize = 6;

/// The parameters a stored document was signed and indexed with. Documents
/// and queries signed otherwise cannot be compared with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveParams {
    /// Words per shingle.
    pub shingle_size: usize,
    /// Normalization id ([`crate::text::normalize::NormalizeOptions::id`]).
    pub normalize: String,
    /// Token and shingle hash ([`shingle::HASH_ID`]).
    pub hash: String,
    /// MinHash algorithm (`fast` or `classic`).
    pub minhash: String,
    /// MinHash slots.
    pub num_perm: usize,
    /// MinHash seed.
    pub seed: u64,
    /// LSH bands of the stored band keys.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Winnowing window of the indexed anchor shingles.
    pub window: usize,
}

impl ArchiveParams {
    /// The parameters `config` signs with; the LSH banding is the one
    /// `config` uses at its Jaccard threshold (or its `bands_rows`).
    pub fn from_config(config: &Config) -> crate::Result<ArchiveParams> {
        config.validate()?;
        let lsh = config.lsh_params(config.threshold)?;
        Ok(ArchiveParams {
            shingle_size: config.shingle_size,
            normalize: config.normalize.id(),
            hash: shingle::HASH_ID.to_string(),
            minhash: config.algorithm.as_str().to_string(),
            num_perm: config.num_perm,
            seed: config.seed,
            bands: lsh.bands,
            rows: lsh.rows,
            window: DEFAULT_WINDOW,
        })
    }

    /// The MinHash parameters of the stored signatures.
    pub fn minhash_params(&self) -> crate::Result<MinHashParams> {
        Ok(MinHashParams {
            algorithm: self.minhash.parse::<Algorithm>()?,
            num_perm: self.num_perm,
            seed: self.seed,
            k: self.shingle_size,
            normalization: self.normalize.clone(),
            hash: self.hash.clone(),
        })
    }

    /// The LSH banding of the stored band keys.
    pub fn lsh(&self) -> LshParams {
        LshParams {
            bands: self.bands,
            rows: self.rows,
        }
    }

    /// `Ok` when documents signed with `config` can be compared with the
    /// stored ones: same shingle size, normalization, hash, MinHash
    /// algorithm, slots and seed, and no `bands_rows` other than the
    /// archive's. Otherwise a message naming the first difference, its flag,
    /// and both values. Thresholds may differ: they only decide which
    /// verified pairs are reported.
    pub fn check(&self, config: &Config) -> std::result::Result<(), String> {
        let asked = ArchiveParams::from_config(config).map_err(|e| e.to_string())?;
        let differ = |what: &str, flag: &str, stored: String, given: String| {
            Err(format!(
                "it was built with {what} {stored}, this run uses {given} ({flag}): documents \
                 signed otherwise cannot be compared with it; run with the archive's parameters \
                 (athar index stats lists them) or use another archive"
            ))
        };
        if self.shingle_size != asked.shingle_size {
            let (s, g) = (self.shingle_size, asked.shingle_size);
            return differ(
                "shingle size",
                "--shingle-size",
                s.to_string(),
                g.to_string(),
            );
        }
        if self.normalize != asked.normalize {
            let (s, g) = (self.normalize.clone(), asked.normalize);
            return differ("normalization", "--normalize and its flags", s, g);
        }
        if self.hash != asked.hash {
            return differ("hash", "the athar version", self.hash.clone(), asked.hash);
        }
        if self.minhash != asked.minhash {
            return differ("MinHash", "--minhash", self.minhash.clone(), asked.minhash);
        }
        if self.num_perm != asked.num_perm {
            let (s, g) = (self.num_perm, asked.num_perm);
            return differ("num_perm", "--num-perm", s.to_string(), g.to_string());
        }
        if self.seed != asked.seed {
            return differ(
                "seed",
                "--seed",
                self.seed.to_string(),
                asked.seed.to_string(),
            );
        }
        if let Some((bands, rows)) = config.bands_rows {
            if (bands, rows) != (self.bands, self.rows) {
                return differ(
                    "LSH bands × rows",
                    "--bands/--rows",
                    format!("{}×{}", self.bands, self.rows),
                    format!("{bands}×{rows}"),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_config_passes_and_thresholds_may_differ() {
        let p = ArchiveParams::from_config(&Config::default()).unwrap();
        assert!(p.check(&Config::default()).is_ok());
        let looser = Config {
            threshold: 0.7,
            containment: 0.8,
            ..Config::default()
        };
        assert!(p.check(&looser).is_ok());
    }

    #[test]
    fn each_signing_parameter_is_refused_by_name() {
        let p = ArchiveParams::from_config(&Config::default()).unwrap();
        let cases = [
            (
                Config {
                    shingle_size: 4,
                    ..Config::default()
                },
                "--shingle-size",
            ),
            (
                Config {
                    num_perm: 64,
                    ..Config::default()
                },
                "--num-perm",
            ),
            (
                Config {
                    seed: 9,
                    ..Config::default()
                },
                "--seed",
            ),
            (
                Config {
                    algorithm: Algorithm::Classic,
                    ..Config::default()
                },
                "--minhash",
            ),
            (
                Config {
                    bands_rows: Some((p.bands + 1, 1)),
                    ..Config::default()
                },
                "--bands",
            ),
        ];
        for (config, flag) in cases {
            let err = p.check(&config).unwrap_err();
            assert!(err.contains(flag), "{flag}: {err}");
        }
    }
}
