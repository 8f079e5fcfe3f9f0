//! The library's error type.

use std::path::PathBuf;

/// Everything that can go wrong in athar's library code.
///
/// Problems with single documents (bad encoding, an empty file, a malformed
/// JSON line) are not errors: the document is skipped and the reason is
/// reported. An `Error` stops the whole run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A path named on the command line does not exist.
    #[error("{}: no such file or directory", path.display())]
    MissingPath {
        /// The path as given.
        path: PathBuf,
    },
    /// An I/O error on a path.
    #[error("{}: {err}", path.display())]
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error (shown in the message, not chained).
        err: std::io::Error,
    },
    /// No document could be analysed.
    #[error("nothing to analyse: {read} document(s) read, all skipped")]
    NothingToAnalyse {
        /// Documents read (all skipped).
        read: usize,
    },
    /// Two MinHash signatures built with different parameters were compared.
    #[error("incompatible signatures: {what} differs ({a} vs {b})")]
    IncompatibleSignatures {
        /// Which parameter differs.
        what: &'static str,
        /// The value on the left.
        a: String,
        /// The value on the right.
        b: String,
    },
    /// An archive (`athar index`) cannot be used as asked: not an archive,
    /// built with other parameters, written by another process, ...
    #[error("{}: {message}", path.display())]
    Archive {
        /// The archive file.
        path: PathBuf,
        /// What is wrong, and what to do.
        message: String,
    },
    /// A parameter value or combination is invalid.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// A labels or other auxiliary input file is malformed.
    #[error("{}:{line}: {message}", path.display())]
    BadInput {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Result with athar's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
