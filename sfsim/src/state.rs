//! The simulator's shared state: the org, its sessions, its traffic controls, its addresses
//! and the start point a reset goes back to.

use parking_lot::Mutex;

use crate::auth::Tokens;
use crate::org::Org;
use crate::traffic::{SimClock, Traffic, TrafficConfig};

mod site;

pub use site::{FixtureText, Site, StartPoint, reset};

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
    /// Simulated time for token expiry and the rolling API window; tests stop and move it
    /// through `PUT /__sim/clock`.
    pub clock: SimClock,
    /// The org's URLs and what `/__sim/reset` goes back to.
    pub site: Site,
}

impl Sim {
    /// State around `org` with default traffic settings, not yet served anywhere (its URL is
    /// `http://127.0.0.1`). For unit tests of handlers; a served org is built by
    /// [`crate::SimServer::start`].
    pub fn new(org: Org) -> Self {
        let traffic = TrafficConfig::default();
        Sim {
            org: Mutex::new(org),
            auth: Tokens::default(),
            traffic: Traffic::new(&traffic),
            clock: SimClock::default(),
            site: Site::new(
                "http://127.0.0.1".to_owned(),
                StartPoint {
                    fixture: None,
                    traffic,
                    token_lifetime: crate::auth::DEFAULT_LIFETIME,
                },
            ),
        }
    }
}
