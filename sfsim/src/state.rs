//! The simulator's shared state: the org, its sessions and its traffic controls.

use parking_lot::Mutex;

use crate::auth::Tokens;
use crate::org::Org;
use crate::traffic::Traffic;

/// Everything one running simulated org holds. Shared by every request handler as
/// `web::Data<Sim>`; tests that run the org in-process can reach it through [`crate::SimHandle`].
pub struct Sim {
    /// Records, rules and settings of the org. One lock: the org applies each request as one
    /// transaction, which is what makes all-or-none composite requests simple to get right.
    pub org: Mutex<Org>,
    /// Issued access tokens and their expiry.
    pub auth: Tokens,
    /// API usage counters, injected faults and latency, and the request log.
    pub traffic: Traffic,
}
