//! A generator of realistic Arabic corpora with known truth, for tests and benchmarks.
