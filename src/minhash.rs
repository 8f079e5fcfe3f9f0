//! MinHash signatures that carry their parameters.
