//! What a client already trusts before it opens a vault.
//!
//! A vault file proves nothing by itself: a store could build one from
//! scratch, with keys it made. A client accepts a vault only when the member
//! event that added it was signed by a key in its [`Trust`]: its own (it
//! created the vault) or the admin whose fingerprint it confirmed when it
//! accepted the grant. The highest head counter it has seen lets it notice a
//! store that serves an older copy.

use crate::member::{Fingerprint, UnlockedMember};
use crate::primitives::hash::Digest;

#[derive(Debug, Clone)]
pub struct Trust {
    pub(crate) own: Fingerprint,
    pub(crate) admins: Vec<Fingerprint>,
    pub(crate) min_head: u64,
    pub(crate) seen: Option<HeadSeen>,
}

/// The newest head a client saw: its counter and its id. Remembering the id
/// as well as the counter catches a store that serves two members two
/// different histories: at the same counter the head must be the one seen,
/// at a higher counter the heads must descend from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadSeen {
    pub counter: u64,
    pub id: Digest,
}

impl Trust {
    /// Trusts the member's own key, and nothing else yet.
    pub fn own(me: &UnlockedMember) -> Trust {
        Trust {
            own: me.card().fingerprint(),
            admins: Vec::new(),
            min_head: 0,
            seen: None,
        }
    }

    /// Also trusts an admin whose fingerprint the member confirmed.
    pub fn with_admin(mut self, admin: Fingerprint) -> Trust {
        self.admins.push(admin);
        self
    }

    /// Refuses any copy whose newest head counter is below `counter`, the
    /// highest this client has seen ([`crate::OpenVault::head_counter`]).
    pub fn with_min_head(mut self, counter: u64) -> Trust {
        self.min_head = self.min_head.max(counter);
        self
    }

    /// Refuses an older copy, and a copy whose heads do not descend from
    /// `seen` (a fork): a different head at the same counter, or newer heads
    /// whose superseded heads do not lead back to it.
    pub fn with_seen_head(mut self, seen: HeadSeen) -> Trust {
        self.min_head = self.min_head.max(seen.counter);
        self.seen = Some(seen);
        self
    }

    pub(crate) fn trusts(&self, fingerprint: &Fingerprint) -> bool {
        *fingerprint == self.own || self.admins.contains(fingerprint)
    }
}
