//! Composite subrequests the org refuses (`/__sim/faults/subrequests`): an org whose composite
//! does not take a resource answers that subrequest `404 NOT_FOUND` and runs the others. The
//! composite resource takes every sObject resource but sObject Blob Get ("Send Multiple
//! Requests Using Composite", REST API Developer Guide), so an org refusing the password
//! resource there is one a client must be ready for, not one sfsim meets on its own.

use serde::{Deserialize, Serialize};

/// Refuse the next `count` subrequests to a resource (a path's last segment, e.g.
/// `password`), of one method or of any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubrequestRefusal {
    pub resource: String,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// The armed refusals, oldest first.
#[derive(Debug, Clone, Default)]
pub struct SubrequestRefusals {
    armed: Vec<SubrequestRefusal>,
}

impl SubrequestRefusals {
    /// Arms one more; a blank resource or a count of 0 is refused.
    pub fn arm(&mut self, refusal: SubrequestRefusal) -> Result<(), String> {
        if refusal.resource.trim().is_empty() {
            return Err("resource must name a path segment, e.g. \"password\"".to_owned());
        }
        if refusal.count == 0 {
            return Err("count must be at least 1".to_owned());
        }
        self.armed.push(refusal);
        Ok(())
    }

    /// Whether a subrequest of `method` to a path ending in `last` is refused; uses up one of
    /// the first matching refusal's count.
    pub fn take(&mut self, method: &str, last: Option<&str>) -> bool {
        let Some(last) = last else {
            return false;
        };
        let found = self.armed.iter().position(|r| {
            r.resource.eq_ignore_ascii_case(last)
                && r.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        });
        let Some(index) = found else {
            return false;
        };
        self.armed[index].count -= 1;
        if self.armed[index].count == 0 {
            self.armed.remove(index);
        }
        true
    }

    /// The armed refusals with what remains of each.
    pub fn view(&self) -> Vec<SubrequestRefusal> {
        self.armed.clone()
    }

    pub fn clear(&mut self) {
        self.armed.clear();
    }
}

#[cfg(test)]
mod tests;
