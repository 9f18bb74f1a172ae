//! Creating a vault, granting access and revoking it.

use std::collections::BTreeMap;

use super::file::VaultFile;
use super::members::{self, MemberState};
use super::open::{EpochKey, OpenVault, name_aad, previous_key_aad};
use super::records::{MemberChange, MemberEvent, Wrap, wrap_label};
use super::{Role, VaultId};
use crate::audit::AuditAction;
use crate::error::VaultError;
use crate::format::FormatError;
use crate::member::{Fingerprint, MemberCard, UnlockedMember};
use crate::primitives::{sign, wrap};
use crate::secret::Key32;

impl VaultFile {
    /// A new vault with one member, its creator, as admin.
    pub fn create<R: rand_core::CryptoRng + ?Sized>(
        owner: &UnlockedMember,
        name: &str,
        now: u64,
        rng: &mut R,
    ) -> Result<VaultFile, VaultError> {
        if name.trim().is_empty() || name.chars().count() > 200 {
            return Err(FormatError::invalid("the vault name", "use 1 to 200 characters").into());
        }

        let vault_id = VaultId::generate(rng);
        let key = EpochKey::new(Key32::generate(rng));
        let sealed_name = key
            .seal
            .seal(&name_aad(vault_id.as_str()), name.as_bytes(), rng);
        let mut event = MemberEvent {
            seq: 0,
            prev: None,
            time: now,
            author: owner.card().id.clone(),
            change: MemberChange::Create {
                card: owner.card().clone(),
                name: sealed_name,
            },
            sig: [0; 64],
        };
        event.sig = sign::sign(owner.signing(), &event.transcript(vault_id.as_str()));

        let mut file = VaultFile::empty(vault_id);
        file.members.push(event);
        let state = members::replay(&file.members, file.vault_id.as_str())
            .map_err(|_| VaultError::CannotOpen)?;

        let mut keys = BTreeMap::new();
        keys.insert(0, key);
        let mut vault = OpenVault::assemble(file, name.to_owned(), owner, keys, state);
        vault.push_wrap(owner.card(), 0, rng)?;
        vault.append_audit(AuditAction::CreateVault, None, None, now, rng);
        vault.write_head(now);
        Ok(vault.file)
    }
}

impl OpenVault {
    /// Gives `card` access in `role`, only if its fingerprint is the one the
    /// admin confirmed with its owner (read aloud, compared on screen).
    pub fn grant<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        card: &MemberCard,
        confirmed: &Fingerprint,
        role: Role,
        now: u64,
        rng: &mut R,
    ) -> Result<(), VaultError> {
        self.require(|r| r == Role::Admin, "grant access")?;
        card.check()?;
        let found = card.fingerprint();
        if found != *confirmed {
            return Err(VaultError::FingerprintMismatch {
                member: card.id.clone(),
                confirmed: confirmed.to_string(),
                found: found.to_string(),
            });
        }
        if self.members.current.contains_key(&card.id) {
            return Err(VaultError::AlreadyMember(card.id.clone()));
        }

        self.push_event(
            MemberChange::Grant {
                card: card.clone(),
                role,
            },
            now,
        )?;
        self.push_wrap(card, self.members.epoch, rng)?;
        self.append_audit(AuditAction::Grant, None, Some(&card.id), now, rng);
        self.write_head(now);
        Ok(())
    }

    /// Removes a member and rotates the vault key: a new key, wrapped for
    /// everyone who remains, with the retired key sealed under it so old
    /// versions stay readable. What is written after this is out of the
    /// removed member's reach; what they already read, they may have kept.
    pub fn revoke<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        member: &str,
        now: u64,
        rng: &mut R,
    ) -> Result<(), VaultError> {
        self.require(|r| r == Role::Admin, "revoke access")?;
        let Some((_, role)) = self.members.current.get(member) else {
            return Err(VaultError::NotAMember(member.to_owned()));
        };
        if *role == Role::Admin && self.members.admins().count() == 1 {
            return Err(VaultError::LastAdmin(member.to_owned()));
        }

        let vault_id = self.vault_id().to_owned();
        let epoch = self.members.epoch + 1;
        let next = EpochKey::new(Key32::generate(rng));
        let previous = next.seal.seal(
            &previous_key_aad(&vault_id, epoch),
            self.current_key().key.as_bytes(),
            rng,
        );
        self.push_event(
            MemberChange::Revoke {
                member: member.to_owned(),
                epoch,
                previous,
            },
            now,
        )?;
        self.keys.insert(epoch, next);

        let remaining: Vec<MemberCard> = self
            .members
            .current
            .values()
            .map(|(c, _)| c.clone())
            .collect();
        for card in &remaining {
            self.push_wrap(card, epoch, rng)?;
        }
        self.append_audit(AuditAction::Revoke, None, Some(member), now, rng);
        self.write_head(now);
        Ok(())
    }

    fn push_event(&mut self, change: MemberChange, now: u64) -> Result<(), VaultError> {
        let vault_id = self.vault_id().to_owned();
        let mut event = MemberEvent {
            seq: self.members.next_seq,
            prev: Some(self.members.tip),
            time: now,
            author: self.me.card.id.clone(),
            change,
            sig: [0; 64],
        };
        event.sig = sign::sign(&self.me.signing, &event.transcript(&vault_id));
        let mut state: MemberState = self.members.clone();
        #[cfg(feature = "forgery")]
        let real_role = self.pretend_admin(&mut state);
        members::advance(&mut state, &event, &vault_id).map_err(|_| VaultError::CannotOpen)?;
        #[cfg(feature = "forgery")]
        self.restore_role(&mut state, real_role);
        self.members = state;
        self.file.members.push(event);
        Ok(())
    }

    fn push_wrap<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        card: &MemberCard,
        epoch: u64,
        rng: &mut R,
    ) -> Result<(), VaultError> {
        let vault_id = self.vault_id().to_owned();
        let fingerprint = card.fingerprint();
        let label = wrap_label(&vault_id, &card.id, &fingerprint.0, epoch);
        let public = card.rsa_public()?;
        let key = &self.keys.get(&epoch).ok_or(VaultError::CannotOpen)?.key;
        let wrapped =
            wrap::wrap(&public, &label, key, rng).map_err(|_| VaultError::Wrap(card.id.clone()))?;

        let mut record = Wrap {
            epoch,
            recipient: card.id.clone(),
            fingerprint: fingerprint.0,
            wrapped,
            author: self.me.card.id.clone(),
            sig: [0; 64],
        };
        record.sig = sign::sign(&self.me.signing, &record.transcript(&vault_id));
        self.file.wraps.push(record);
        Ok(())
    }
}
