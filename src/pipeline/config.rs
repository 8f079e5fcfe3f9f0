//! The pipeline's configuration: every knob of a report run, with its
//! defaults in one place ([`Config::default`]) and its rules in one check
//! ([`Config::validate`]).
//!
//! [`analyse`](super::analyse), [`Dedup::new`](crate::dedup::Dedup::new) and
//! [`tune`](crate::tune::tune) validate the configuration they are given, so
//! no caller runs an unchecked one. The command line takes its defaults from
//! [`Config::default`] and shows [`Config::validate`]'s messages with the
//! field names (in backquotes) turned into its flags.

use crate::error::{Error, Result};
use crate::narrative::NarrativeParams;
use crate::sketch::lsh::{self, LshParams};
use crate::sketch::minhash::MAX_NUM_PERM;
use crate::text::normalize::NormalizeOptions;
use crate::verify::Thresholds;

pub use crate::phrases::MaxDf;
pub use crate::sketch::minhash::Algorithm;

use super::build::round;

/// Everything a run needs to know, validated.
#[derive(Clone, Debug)]
pub struct Config {
    /// How inputs are read.
    pub read: crate::corpus::ReadOptions,
    /// How text is normalized.
    pub normalize: NormalizeOptions,
    /// Words per shingle.
    pub shingle_size: usize,
    /// MinHash values per signature.
    pub num_perm: usize,
    /// MinHash seed.
    pub seed: u64,
    /// MinHash algorithm.
    pub algorithm: Algorithm,
    /// Jaccard threshold for a near-duplicate pair.
    pub threshold: f64,
    /// Containment (of the smaller document) threshold for a reuse pair.
    pub containment: f64,
    /// LSH bands and rows; `None` = chosen from the threshold.
    pub bands_rows: Option<(usize, usize)>,
    /// Largest LSH bucket expanded into pairs.
    pub max_bucket: usize,
    /// Boilerplate limit: a shingle found in more near-duplicate clusters than
    /// this (a lone document is a cluster of its own) is boilerplate. Default:
    /// 2% of the documents, never fewer than [`crate::phrases::MIN_BOILERPLATE_DOCS`].
    pub max_df: MaxDf,
    /// Largest gap (tokens) bridged inside one verbatim passage.
    pub max_gap: usize,
    /// Shortest passage reported (tokens).
    pub min_passage: usize,
    /// Look for narrative links.
    pub narratives: bool,
    /// Score a narrative link needs.
    pub narrative_threshold: f64,
    /// Report every verbatim passage, and every pair that shares one, even
    /// when the shared text is formula (evidence weight below
    /// [`crate::evidence::MIN_EVIDENCE`]): `--all-passages`.
    pub all_passages: bool,
    /// The evidence weight (content words both sides share, outside
    /// formula, see [`crate::evidence`]) the passages of a pair that is
    /// neither near-duplicate nor contained need together for the pair to
    /// be listed as sharing passages: `--min-evidence`.
    pub min_evidence: f64,
    /// Documents that both carry a date and were published more than this
    /// many days apart are not linked as one story (`--narrative-days`);
    /// `None`: no limit.
    pub narrative_days: Option<f64>,
    /// Link passages of two documents of the same outlet as narratives
    /// (`--narrative-same-outlet`). Off by default: the narrative level
    /// tells which stories travel *between* outlets, and the wording one
    /// outlet's articles share without sharing a story is its own (a
    /// site's templates, a desk's stock phrasing, a section's recurring
    /// subject), not another outlet's retelling.
    pub narrative_same_outlet: bool,
    /// Documents that both carry a date and were published more than this
    /// many days apart need twice [`Config::min_evidence`] to be listed as
    /// sharing passages (`--cycle-days`): a copy follows its source within
    /// the news cycle, a template recurs for months. `None`: no such rule.
    pub cycle_days: Option<f64>,
}

/// Default of [`Config::narrative_days`]: a story told by several outlets is
/// told within about two days.
pub const NARRATIVE_DAYS: f64 = 2.0;

/// Default of [`Config::cycle_days`]: the news cycle, as for narratives.
pub const CYCLE_DAYS: f64 = 2.0;

/// How much more evidence than [`Config::min_evidence`] a pair of documents
/// published further apart than [`Config::cycle_days`] needs.
pub const DISTANT_EVIDENCE_FACTOR: f64 = 2.0;

impl Default for Config {
    fn default() -> Self {
        Config {
            read: Default::default(),
            normalize: NormalizeOptions::default(),
            shingle_size: 5,
            num_perm: 128,
            seed: 1,
            algorithm: Algorithm::Fast,
            threshold: 0.5,
            containment: 0.5,
            bands_rows: None,
            max_bucket: 200,
            max_df: MaxDf::Fraction(0.02),
            max_gap: 8,
            min_passage: 10,
            narratives: true,
            narrative_threshold: round(NarrativeParams::default().threshold as f64),
            all_passages: false,
            min_evidence: crate::evidence::MIN_PAIR_EVIDENCE,
            narrative_days: Some(NARRATIVE_DAYS),
            narrative_same_outlet: false,
            cycle_days: Some(CYCLE_DAYS),
        }
    }
}

impl Config {
    /// Check every range and every rule between fields:
    ///
    /// - `threshold`, `containment` and `narrative_threshold` in `(0, 1]`;
    /// - `shingle_size ≥ 1`, `min_passage ≥ 1`, `max_bucket ≥ 2`;
    /// - `1 ≤ num_perm ≤ `[`MAX_NUM_PERM`];
    /// - `bands_rows`: `bands ≥ 1`, `rows ≥ 1` and `bands · rows ≤ num_perm`;
    /// - `max_df`: a count of at least 1, or a fraction in `(0, 1]`.
    ///
    /// The error ([`Error::InvalidParameter`]) names the field in backquotes
    /// (`` `threshold` ``), and for `bands_rows` its parts `` `bands` `` and
    /// `` `rows` ``.
    ///
    /// ```
    /// use athar::pipeline::Config;
    /// assert!(Config::default().validate().is_ok());
    /// let bad = Config { threshold: 1.5, ..Config::default() };
    /// assert!(bad.validate().unwrap_err().to_string().contains("`threshold`"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("threshold", self.threshold),
            ("containment", self.containment),
            ("narrative_threshold", self.narrative_threshold),
        ] {
            if !(v > 0.0 && v <= 1.0) {
                return invalid(format!("`{name}` must be above 0 and at most 1, got {v}"));
            }
        }
        for (name, days) in [
            ("narrative_days", self.narrative_days),
            ("cycle_days", self.cycle_days),
        ] {
            if let Some(d) = days {
                if !(d >= 0.0 && d.is_finite()) {
                    return invalid(format!("`{name}` must be 0 or more, got {d}"));
                }
            }
        }
        if !(self.min_evidence >= 0.0 && self.min_evidence.is_finite()) {
            return invalid(format!(
                "`min_evidence` must be a weight of 0 or more, got {}",
                self.min_evidence
            ));
        }
        for (name, v, min) in [
            ("shingle_size", self.shingle_size, 1),
            ("min_passage", self.min_passage, 1),
            ("max_bucket", self.max_bucket, 2),
        ] {
            if v < min {
                return invalid(format!("`{name}` must be at least {min}, got {v}"));
            }
        }
        if !(1..=MAX_NUM_PERM).contains(&self.num_perm) {
            return invalid(format!(
                "`num_perm` must be between 1 and {MAX_NUM_PERM}, got {}",
                self.num_perm
            ));
        }
        if let Some((bands, rows)) = self.bands_rows {
            if bands == 0 || rows == 0 {
                return invalid(format!(
                    "`bands` and `rows` must be at least 1, got {bands} and {rows}"
                ));
            }
            if bands.saturating_mul(rows) > self.num_perm {
                return invalid(format!(
                    "`bands` × `rows` = {bands} × {rows} must not exceed `num_perm` = {} \
                     (the MinHash slots they cut into bands)",
                    self.num_perm
                ));
            }
        }
        match self.max_df {
            MaxDf::Count(0) => invalid("`max_df` must be at least 1 document, got 0".into()),
            MaxDf::Fraction(f) if !(f > 0.0 && f <= 1.0) => invalid(format!(
                "`max_df` as a fraction must be above 0 and at most 1, got {f}"
            )),
            _ => Ok(()),
        }
    }

    /// The LSH bands and rows: [`bands_rows`](Self::bands_rows) when set,
    /// else chosen for the Jaccard `target` ([`lsh_params_for`]).
    pub fn lsh_params(&self, target: f64) -> Result<LshParams> {
        match self.bands_rows {
            Some((bands, rows)) => Ok(LshParams { bands, rows }),
            None => lsh_params_for(target, self.num_perm),
        }
    }

    /// Shingles two documents must share before they are aligned (and, found
    /// through shingle postings, checked at all): enough to hold one passage
    /// of `min_passage` tokens.
    pub fn min_shared(&self) -> usize {
        self.min_passage.saturating_sub(self.shingle_size) + 1
    }

    /// The Jaccard and containment thresholds a verified pair is judged by.
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            jaccard: self.threshold,
            containment: Some(self.containment),
        }
    }
}

/// LSH bands and rows for a Jaccard threshold: a pair at the threshold plus
/// 0.1 is found with probability 0.999 when the slots allow it (verification
/// is exact, so a missed pair costs more than a checked one); otherwise the
/// datasketch-style optimum of equal false-positive and false-negative weight.
pub fn lsh_params_for(threshold: f64, num_perm: usize) -> Result<LshParams> {
    let t = threshold.clamp(0.01, 0.99);
    lsh::params_for_recall(t, num_perm, (t + 0.1).min(0.999), 0.999)
        .or_else(|_| lsh::optimal_params(t, num_perm, 0.5, 0.5))
}

fn invalid(message: String) -> Result<()> {
    Err(Error::InvalidParameter(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default configuration changed by `f`.
    fn with(f: impl FnOnce(&mut Config)) -> Config {
        let mut c = Config::default();
        f(&mut c);
        c
    }

    #[test]
    fn every_rule_names_its_field() {
        for (config, field) in [
            (with(|c| c.threshold = 0.0), "`threshold`"),
            (with(|c| c.threshold = 1.5), "`threshold`"),
            (with(|c| c.threshold = f64::NAN), "`threshold`"),
            (with(|c| c.containment = -0.1), "`containment`"),
            (
                with(|c| c.narrative_threshold = 2.0),
                "`narrative_threshold`",
            ),
            (with(|c| c.shingle_size = 0), "`shingle_size`"),
            (with(|c| c.min_passage = 0), "`min_passage`"),
            (with(|c| c.max_bucket = 1), "`max_bucket`"),
            (with(|c| c.num_perm = 0), "`num_perm`"),
            (with(|c| c.num_perm = MAX_NUM_PERM + 1), "`num_perm`"),
            (with(|c| c.bands_rows = Some((0, 4))), "`bands`"),
            (with(|c| c.bands_rows = Some((64, 4))), "`num_perm`"),
            (with(|c| c.max_df = MaxDf::Count(0)), "`max_df`"),
            (with(|c| c.max_df = MaxDf::Fraction(0.0)), "`max_df`"),
            (with(|c| c.max_df = MaxDf::Fraction(1.5)), "`max_df`"),
        ] {
            match config.validate() {
                Err(Error::InvalidParameter(m)) => {
                    assert!(m.contains(field), "{m:?} does not name {field}")
                }
                other => panic!("{config:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn limits_are_valid() {
        for config in [
            Config::default(),
            with(|c| (c.threshold, c.containment, c.narrative_threshold) = (1.0, 1.0, 1.0)),
            with(|c| c.threshold = 0.01),
            with(|c| (c.shingle_size, c.min_passage, c.max_bucket, c.max_gap) = (1, 1, 2, 0)),
            with(|c| c.num_perm = 1),
            with(|c| c.num_perm = MAX_NUM_PERM),
            with(|c| c.bands_rows = Some((32, 4))),
            with(|c| c.bands_rows = Some((1, 1))),
            with(|c| c.max_df = MaxDf::Count(1)),
            with(|c| c.max_df = MaxDf::Fraction(1.0)),
        ] {
            assert!(config.validate().is_ok(), "{config:?}");
        }
    }

    /// A library caller cannot skip the checks: every entry point runs them.
    #[test]
    fn entry_points_validate() {
        use crate::corpus::{Corpus, Document};
        use crate::pipeline::{NoProgress, analyse};
        let corpus = Corpus {
            documents: vec![Document {
                id: "a".into(),
                source: "a".into(),
                text: "نص قصير من بضع كلمات لا أكثر ولا أقل".into(),
            }],
            ..Corpus::default()
        };
        let bad = with(|c| c.bands_rows = Some((64, 4)));
        let is_invalid =
            |r: Result<()>| matches!(r, Err(Error::InvalidParameter(m)) if m.contains("`bands`"));
        let none = &NoProgress;
        assert!(is_invalid(analyse(&corpus, &bad, none).map(drop)));
        assert!(is_invalid(crate::dedup::Dedup::new(&bad).map(drop)));
        assert!(is_invalid(
            crate::tune::tune(&corpus, &bad, None, none).map(drop)
        ));
        assert!(analyse(&corpus, &Config::default(), none).is_ok());
    }

    #[test]
    fn lsh_params_follow_bands_rows_or_the_target() {
        let c = with(|c| c.bands_rows = Some((16, 8)));
        let expect = LshParams { bands: 16, rows: 8 };
        assert_eq!(c.lsh_params(0.9).unwrap(), expect);
        let expect = lsh_params_for(0.5, 128).unwrap();
        assert_eq!(Config::default().lsh_params(0.5).unwrap(), expect);
    }
}
