//! The native host's jobs, as the worker starts and ends them.

use super::{Purpose, Worker, error};
use crate::host::{Answer, HostError, Job, Step};
use zeroize::Zeroizing;

use crate::message::{Reply, VaultState};

/// The native host's jobs: each starts here and ends in `host_done`.
impl Worker {
    pub(super) fn host_status(&mut self) -> Reply {
        let member = self.session.member_id();
        match self.session_job(Job::Status { member }, Purpose::Status) {
            Ok(reply) => reply,
            Err(HostError::NotPaired) => {
                let (job, step) = self.host.probe();
                self.started(job, step, Purpose::Status)
            }
            Err(e) => error(&e.to_string()),
        }
    }

    pub(super) fn pair(&mut self, code: &str) -> Reply {
        match self.host.pair(code) {
            Ok((job, step)) => self.started(job, step, Purpose::Other),
            Err(e) => error(&e.to_string()),
        }
    }

    pub(super) fn started(&mut self, job: u32, step: Step, purpose: Purpose) -> Reply {
        // Purposes of jobs the link dropped (too many in flight) go with them.
        self.purposes.retain(|j, _| self.host.is_current(*j));
        self.purposes.insert(job, purpose);
        step_reply(job, step)
    }

    pub(super) fn quick_unlock_on(&mut self) -> Reply {
        let (Some(member), Ok((sealed, key))) =
            (self.session.member_id(), self.session.prepare_quick())
        else {
            return error("unlock the vault with your passphrase first");
        };
        let purpose = Purpose::QuickOn(Box::new(sealed));
        self.session_job(Job::StoreKey { member, key }, purpose)
            .unwrap_or_else(|e| error(&e.to_string()))
    }

    pub(super) fn quick_unlock_off(&mut self) -> Reply {
        let Some(member) = self.session.member_id() else {
            return error("there is no vault yet");
        };
        // The sealed copy is useless without the key; it goes first, whatever the host says.
        self.session.forget_quick();
        self.session_job(Job::DeleteKey { member }, Purpose::Other)
            .unwrap_or_else(|e| error(&e.to_string()))
    }

    pub(super) fn quick_unlock(&mut self) -> Reply {
        let Some(member) = self.session.member_id() else {
            return error("there is no vault yet");
        };
        if !self.session.has_quick() {
            return error(&crate::session::SessionError::NoQuick.to_string());
        }
        self.session_job(Job::LoadKey { member }, Purpose::Other)
            .unwrap_or_else(|e| error(&e.to_string()))
    }

    /// A job that brings the open vault and the host's vault file together,
    /// when the vault changed since the last one and this browser is paired.
    pub fn sync_job(&mut self) -> Option<Reply> {
        let due = self.sync_due && self.identity.is_some();
        if !due || self.session.state() != VaultState::Unlocked {
            return None;
        }
        self.sync_due = false;
        self.session_job(Job::ReadVault, Purpose::Sync).ok()
    }

    pub(super) fn session_job(&mut self, job: Job, purpose: Purpose) -> Result<Reply, HostError> {
        let identity = self
            .identity
            .as_ref()
            .ok_or(HostError::NotPaired)?
            .duplicate()?;
        let (job, step) = self.host.session(identity, job);
        Ok(self.started(job, step, purpose))
    }

    /// A frame from the host's port for job `job`; `None` if that job was replaced.
    pub fn host_receive(&mut self, job: u32, frame: &str, now_ms: f64) -> Option<Reply> {
        let step = self.host.receive(job, frame, (now_ms / 1000.0) as u64)?;
        Some(match step {
            Step::Send(frames) => Reply::Host { job, send: frames },
            Step::Done(result) => self.host_done(job, result, now_ms),
        })
    }

    /// The host's port closed; `answered` says whether anything came on it first.
    pub fn host_gone(
        &mut self,
        job: u32,
        reason: &str,
        answered: bool,
        now_ms: f64,
    ) -> Option<Reply> {
        let e = self.host.gone(job, reason, answered)?;
        Some(self.host_done(job, Err(e), now_ms))
    }

    pub(super) fn host_done(
        &mut self,
        job: u32,
        result: Result<Answer, HostError>,
        now_ms: f64,
    ) -> Reply {
        let purpose = self.purposes.remove(&job).unwrap_or(Purpose::Other);
        let answer = match result {
            Ok(answer) => answer,
            Err(e) => return self.host_failed(e, &purpose),
        };
        match answer {
            Answer::Installed { host_version } => Reply::HostState {
                installed: true,
                paired: false,
                store: None,
                quick_unlock: false,
                host_version: Some(host_version),
                message: HostError::NotPaired.to_string(),
            },
            Answer::Paired(identity) => {
                self.identity_change = Some(Some(identity.to_json()));
                self.identity = Some(*identity);
                Reply::Done
            }
            Answer::Status {
                host_version,
                store,
                store_message,
                quick_unlock,
            } => {
                let usable = store == latchkey_core::channel::StoreState::Available;
                Reply::HostState {
                    installed: true,
                    paired: true,
                    store: Some(store),
                    quick_unlock: quick_unlock.unwrap_or(false),
                    host_version: Some(host_version),
                    message: if usable { String::new() } else { store_message },
                }
            }
            Answer::KeyStored(_) => match purpose {
                Purpose::QuickOn(sealed) => {
                    self.session.keep_quick(*sealed);
                    Reply::Done
                }
                _ => error("quick unlock was not being turned on"),
            },
            Answer::Key(key) => match self.session.quick_unlock(&key) {
                Ok(()) => {
                    self.last_use_ms = now_ms;
                    self.unlocked()
                }
                Err(e) => error(&e.to_string()),
            },
            Answer::KeyDeleted { .. } | Answer::VaultWritten => Reply::Done,
            Answer::Member(member) => self.adopt_member(member),
            Answer::Vault(vault) => match purpose {
                Purpose::AdoptVault(member) => self.adopt(&member, vault),
                Purpose::Sync => self.synced(vault),
                _ => error("the host's vault was not asked for"),
            },
        }
    }

    pub(super) fn adopt_member(&mut self, member: Option<String>) -> Reply {
        let Some(member) = member else {
            return error(
                "the latchkey host keeps no member yet; create one with `latchkey \
                 member-create`, or create a vault here instead",
            );
        };
        self.session_job(Job::ReadVault, Purpose::AdoptVault(Zeroizing::new(member)))
            .unwrap_or_else(|e| error(&e.to_string()))
    }

    pub(super) fn adopt(&mut self, member: &str, vault: Option<String>) -> Reply {
        let Some(vault) = vault else {
            return error(
                "the latchkey host keeps no vault yet; create one with `latchkey create`, or \
                 create a vault here instead",
            );
        };
        match self.session.adopt(member, &vault) {
            Ok(()) => Reply::Done,
            Err(e) => error(&e.to_string()),
        }
    }

    /// The host's vault file arrived for a sync: merge it in, write back what it lacks.
    pub(super) fn synced(&mut self, vault: Option<String>) -> Reply {
        // A host with no vault file, or another vault, is left alone: this copy
        // is shared only with a host vault of the same id.
        let Some(vault) = vault else {
            return Reply::Done;
        };
        match self.session.merge_from(&vault) {
            Ok(Some(merged)) => self
                .session_job(Job::WriteVault { vault: merged }, Purpose::Other)
                .unwrap_or_else(|e| error(&e.to_string())),
            Ok(None) => Reply::Done,
            Err(crate::session::SessionError::OtherVault) => Reply::Done,
            Err(e) => error(&e.to_string()),
        }
    }

    pub(super) fn host_failed(&mut self, e: HostError, purpose: &Purpose) -> Reply {
        if e.refused_as(latchkey_core::channel::ErrorCode::DeviceKeyNotFound) {
            // The key is gone from the OS store: the sealed copy can never open again.
            self.session.forget_quick();
            return error(
                "the OS secure store no longer holds this vault's device key; unlock with \
                 your passphrase and turn quick unlock on again",
            );
        }
        match e {
            HostError::NotInstalled(_) if matches!(purpose, Purpose::Status) => Reply::HostState {
                installed: false,
                paired: self.identity.is_some(),
                store: None,
                quick_unlock: false,
                host_version: None,
                message: e.to_string(),
            },
            e => error(&e.to_string()),
        }
    }
}

pub(super) fn step_reply(job: u32, step: Step) -> Reply {
    match step {
        Step::Send(send) => Reply::Host { job, send },
        Step::Done(Err(e)) => error(&e.to_string()),
        Step::Done(Ok(_)) => error("the host job ended before it began"),
    }
}
