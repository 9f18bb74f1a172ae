//! Attacker fixtures only (the `forgery` feature, enabled for the core's own
//! tests and never in a product build): a client that ignores its role.
//!
//! A member holds the vault key and its own signing key, so a member who
//! edits the file by hand can write any record a modified client would. The
//! tests in `core/tests` use this to write such records with real keys and
//! check that every honest reader refuses them.

use super::members::MemberState;
use super::{OpenVault, Role};

impl OpenVault {
    /// From now on acts as `role`: the honest role checks before a change
    /// are skipped, and records are written and signed as that role would.
    #[doc(hidden)]
    pub fn forge_role(&mut self, role: Role) {
        self.pretend = Some(role);
    }
}

impl OpenVault {
    /// Lets this client's own copy of the member list accept a change it
    /// signs while pretending to be an admin; returns the role to restore.
    pub(super) fn pretend_admin(&self, state: &mut MemberState) -> Option<Role> {
        self.pretend?;
        let (_, role) = state.current.get_mut(&self.me.card.id)?;
        Some(std::mem::replace(role, Role::Admin))
    }

    pub(super) fn restore_role(&self, state: &mut MemberState, real: Option<Role>) {
        if let (Some(real), Some((_, role))) = (real, state.current.get_mut(&self.me.card.id)) {
            *role = real;
        }
    }
}
