//! Exact Jaccard and containment of candidate pairs.
