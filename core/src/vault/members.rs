//! The member log: who belongs to the vault, in which role, and since which
//! key epoch. Replayed and checked on every open.

use std::collections::BTreeMap;

use super::records::{MemberChange, MemberEvent, Role};
use crate::error::OpenError;
use crate::member::MemberCard;
use crate::primitives::hash::Digest;
use crate::primitives::sign;

/// The member list after replaying the log.
#[derive(Clone)]
pub(crate) struct MemberState {
    pub(crate) current: BTreeMap<String, (MemberCard, Role)>,
    /// Everyone ever listed, current or removed, for checking old signatures.
    pub(crate) ever: BTreeMap<String, MemberCard>,
    pub(crate) epoch: u64,
    pub(crate) tip: Digest,
    pub(crate) next_seq: u64,
    /// Who wrote the event that added each current member.
    pub(crate) added_by: BTreeMap<String, String>,
}

impl MemberState {
    pub(crate) fn role(&self, member: &str) -> Option<Role> {
        self.current.get(member).map(|(_, role)| *role)
    }

    pub(crate) fn admins(&self) -> impl Iterator<Item = &MemberCard> {
        self.current
            .values()
            .filter(|(_, role)| *role == Role::Admin)
            .map(|(card, _)| card)
    }
}

/// Replays the log: it must be one unbroken chain from the create event, each
/// event signed by an admin of the list as it stood before it.
pub(crate) fn replay(events: &[MemberEvent], vault_id: &str) -> Result<MemberState, OpenError> {
    let mut by_seq: BTreeMap<u64, &MemberEvent> = BTreeMap::new();
    for event in events {
        if let Some(other) = by_seq.insert(event.seq, event)
            && other.id(vault_id) != event.id(vault_id)
        {
            return Err(OpenError::Fork {
                log: "member log",
                at: format!("two different changes are both number {}", event.seq),
            });
        }
    }

    let mut state: Option<MemberState> = None;
    for (expected, (seq, event)) in by_seq.into_iter().enumerate() {
        let broken = |why: String| OpenError::BrokenChain {
            log: "member log",
            at: why,
        };
        if seq != expected as u64 {
            return Err(broken(format!("change {expected} is missing")));
        }
        let id = event.id(vault_id);
        state = Some(match state {
            None => start(event, vault_id, id)?,
            Some(mut state) => {
                if event.prev != Some(state.tip) {
                    return Err(broken(format!(
                        "change {seq} does not follow change {}",
                        seq - 1
                    )));
                }
                advance(&mut state, event, vault_id)?;
                state
            }
        });
    }
    state.ok_or(OpenError::BrokenChain {
        log: "member log",
        at: "it is empty".to_owned(),
    })
}

fn start(event: &MemberEvent, vault_id: &str, id: Digest) -> Result<MemberState, OpenError> {
    let MemberChange::Create { card, .. } = &event.change else {
        return Err(OpenError::BrokenChain {
            log: "member log",
            at: "it does not begin with the vault's creation".to_owned(),
        });
    };
    if event.prev.is_some() || card.id != event.author {
        return Err(OpenError::UnsignedMember {
            member: card.id.clone(),
        });
    }
    check_signature(event, card, vault_id)?;

    let mut current = BTreeMap::new();
    current.insert(card.id.clone(), (card.clone(), Role::Admin));
    let mut ever = BTreeMap::new();
    ever.insert(card.id.clone(), card.clone());
    let mut added_by = BTreeMap::new();
    added_by.insert(card.id.clone(), card.id.clone());
    Ok(MemberState {
        current,
        ever,
        epoch: 0,
        tip: id,
        next_seq: 1,
        added_by,
    })
}

/// Applies one event that follows the state's tip.
pub(crate) fn advance(
    state: &mut MemberState,
    event: &MemberEvent,
    vault_id: &str,
) -> Result<(), OpenError> {
    apply(state, event, vault_id)?;
    state.tip = event.id(vault_id);
    state.next_seq = event.seq + 1;
    Ok(())
}

fn apply(state: &mut MemberState, event: &MemberEvent, vault_id: &str) -> Result<(), OpenError> {
    let unsigned = |member: &str| OpenError::UnsignedMember {
        member: member.to_owned(),
    };
    let subject = match &event.change {
        MemberChange::Create { card, .. } | MemberChange::Grant { card, .. } => card.id.as_str(),
        MemberChange::Revoke { member, .. } => member.as_str(),
    };
    let Some((author, Role::Admin)) = state.current.get(&event.author).cloned() else {
        return Err(unsigned(subject));
    };
    check_signature(event, &author, vault_id).map_err(|_| unsigned(subject))?;

    match &event.change {
        MemberChange::Create { .. } => {
            return Err(OpenError::BrokenChain {
                log: "member log",
                at: format!("change {} creates the vault a second time", event.seq),
            });
        }
        MemberChange::Grant { card, role } => {
            if state.current.contains_key(&card.id) {
                return Err(OpenError::BrokenChain {
                    log: "member log",
                    at: format!(
                        "change {} adds {} who is already a member",
                        event.seq, card.id
                    ),
                });
            }
            state.current.insert(card.id.clone(), (card.clone(), *role));
            state.ever.insert(card.id.clone(), card.clone());
            state.added_by.insert(card.id.clone(), event.author.clone());
        }
        MemberChange::Revoke { member, epoch, .. } => {
            if state.current.remove(member).is_none() {
                return Err(OpenError::BrokenChain {
                    log: "member log",
                    at: format!("change {} removes {member}, who is not a member", event.seq),
                });
            }
            if *epoch != state.epoch + 1 {
                return Err(OpenError::BrokenChain {
                    log: "member log",
                    at: format!(
                        "change {} skips from key epoch {} to {epoch}",
                        event.seq, state.epoch
                    ),
                });
            }
            state.added_by.remove(member);
            state.epoch = *epoch;
        }
    }
    Ok(())
}

fn check_signature(
    event: &MemberEvent,
    author: &MemberCard,
    vault_id: &str,
) -> Result<(), OpenError> {
    let unsigned = OpenError::UnsignedMember {
        member: author.id.clone(),
    };
    let key = author.verifying_key().map_err(|_| unsigned.clone())?;
    if sign::verify(&key, &event.transcript(vault_id), &event.sig) {
        Ok(())
    } else {
        Err(unsigned)
    }
}
