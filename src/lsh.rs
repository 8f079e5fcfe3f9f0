//! Locality-sensitive hashing: bands and rows from the threshold, candidate pairs.
