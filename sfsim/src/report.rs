//! How an error is told: its own message, then every cause beneath it, so that an answer or a
//! log line says why a fixture was refused, not only that it was. sfsim's error types keep
//! their causes as `#[source]`; this prints them.

use std::error::Error;
use std::fmt;

/// Formats an error with its causes, outermost first, separated by `: `.
///
/// A cause whose message the error above it already ends with (`#[error("… {source}")]`) is
/// printed once.
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
