//! How an error is told: its own message, then every cause beneath it, so that a log line or an
//! operator's answer says why ("inbox write failed: database is locked"), not only what failed.
//!
//! Every error Gatehouse logs goes through [`chain`]; error types keep their causes as
//! `#[source]` rather than flattening them into strings, so the chain is there to print.

use std::error::Error;
use std::fmt;

/// Formats an error with its causes, outermost first, separated by `: `.
///
/// A cause whose message the error above it already repeats (a common `thiserror` habit of
/// `#[error("… {0}")]` with `#[source]`) is printed once.
pub fn chain<'a>(error: &'a (dyn Error + 'static)) -> Chain<'a> {
    Chain(error)
}

/// An error and its causes, ready to print; see [`chain`].
#[derive(Clone, Copy)]
pub struct Chain<'a>(&'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut written = self.0.to_string();
        f.write_str(&written)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            let message = error.to_string();
            if !written.ends_with(&message) {
                write!(f, ": {message}")?;
                written = message;
            }
            cause = error.source();
        }
        Ok(())
    }
}

impl fmt::Debug for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests;
