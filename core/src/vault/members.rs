//! The member log: who belongs to the vault, in which role, and since which
//! key epoch. Replayed and checked on every open.

use std::collections::{BTreeMap, HashMap};

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
    /// Every stretch of membership, current or ended, so that a record is
    /// judged by the role its author held when it was written, not now.
    pub(crate) terms: BTreeMap<String, Vec<Term>>,
    /// Each event's id to its number, and the key epoch after each number.
    seq_of: HashMap<Digest, u64>,
    epoch_after: Vec<u64>,
}

/// One stretch of membership: from the event that granted it (or created the
/// vault) up to the one that revoked it. Roles never change inside a term;
/// a new role needs a revoke and a new grant, which starts a new term.
#[derive(Clone, Debug)]
pub(crate) struct Term {
    role: Role,
    from_seq: u64,
    /// The revoke's number; the member is no longer one after it.
    until_seq: Option<u64>,
    from_epoch: u64,
    /// The epoch the revoke started: the member never held its key.
    until_epoch: Option<u64>,
}

impl Term {
    fn holds_seq(&self, seq: u64) -> bool {
        self.from_seq <= seq && self.until_seq.is_none_or(|until| seq < until)
    }

    fn holds_epoch(&self, epoch: u64) -> bool {
        self.from_epoch <= epoch && self.until_epoch.is_none_or(|until| epoch < until)
    }
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

    /// The role `member` held right after the member event `event`, and the
    /// key epoch then; `None` if the event is not in the log or `member` was
    /// not a member at that point.
    pub(crate) fn role_after(&self, member: &str, event: &Digest) -> Option<(Role, u64)> {
        let seq = *self.seq_of.get(event)?;
        let epoch = *self.epoch_after.get(usize::try_from(seq).ok()?)?;
        let term = self.terms.get(member)?.iter().find(|t| t.holds_seq(seq))?;
        Some((term.role, epoch))
    }

    /// The role `member` held during key epoch `epoch`, if it was a member
    /// then. A member removed during an epoch still held its key, so it
    /// counts as a member of that epoch.
    pub(crate) fn role_in_epoch(&self, member: &str, epoch: u64) -> Option<Role> {
        let terms = self.terms.get(member)?;
        terms.iter().find(|t| t.holds_epoch(epoch)).map(|t| t.role)
    }

    fn open_term(&mut self, member: &str, role: Role, seq: u64) {
        let term = Term {
            role,
            from_seq: seq,
            until_seq: None,
            from_epoch: self.epoch,
            until_epoch: None,
        };
        self.terms.entry(member.to_owned()).or_default().push(term);
    }

    fn close_term(&mut self, member: &str, seq: u64, epoch: u64) {
        let open = self
            .terms
            .get_mut(member)
            .and_then(|terms| terms.iter_mut().find(|t| t.until_seq.is_none()));
        if let Some(term) = open {
            term.until_seq = Some(seq);
            term.until_epoch = Some(epoch);
        }
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
    let mut state = MemberState {
        current,
        ever,
        epoch: 0,
        tip: id,
        next_seq: 1,
        added_by,
        terms: BTreeMap::new(),
        seq_of: HashMap::from([(id, 0)]),
        epoch_after: vec![0],
    };
    state.open_term(&card.id, Role::Admin, 0);
    Ok(state)
}

/// Applies one event that follows the state's tip.
pub(crate) fn advance(
    state: &mut MemberState,
    event: &MemberEvent,
    vault_id: &str,
) -> Result<(), OpenError> {
    apply(state, event, vault_id)?;
    let id = event.id(vault_id);
    state.tip = id;
    state.next_seq = event.seq + 1;
    state.seq_of.insert(id, event.seq);
    state.epoch_after.push(state.epoch);
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
            state.open_term(&card.id, *role, event.seq);
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
            state.close_term(member, event.seq, *epoch);
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
