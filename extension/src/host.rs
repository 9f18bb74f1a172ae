//! The link to the native host: pairing, the Noise session, and the few
//! requests quick unlock needs.
//!
//! The JavaScript opens a native-messaging port per job and moves frames
//! both ways; every frame is built and read here, so the channel keys and the
//! device key never pass through JavaScript. Jobs are numbered, so the popup
//! and the options page can each have one in flight; a job's frames go only
//! to its own state.
//!
//! A job runs `hello` (agree on the protocol version), then either pairing
//! (`XXpsk3` from the code `latchkey pair` shows) or a `KK` session with the
//! host key pinned at pairing, then one sealed request and its answer.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use latchkey_core::DeviceKey;
use latchkey_core::channel::{
    AwaitingConfirmation, Channel, ChannelPublicKey, ClientFrame, DeviceKeyBytes, ErrorCode,
    HostFrame, PROTOCOL_VERSION, PairingCode, PairingInitiator, Request, RequestBody, Response,
    ResponseBody, SessionInitiator, StaticKeypair, StoreState, parse_host_frame,
};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::rng;

/// The name the host is installed under (native-host/src/browsers.rs).
pub const HOST_NAME: &str = "com.latchkey.host";

const IDENTITY_KIND: &str = "latchkey-extension-channel";
const IDENTITY_FORMAT: u32 = 1;

/// The extension's half of a pairing: its own static key and the host's,
/// pinned when the user typed the code. Kept in `storage.local`.
pub struct Identity {
    own: StaticKeypair,
    host: ChannelPublicKey,
    pairing: String,
    paired_at: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredIdentity {
    kind: String,
    format: u32,
    own: String,
    host: String,
    pairing: String,
    paired_at: u64,
}

impl Identity {
    pub fn from_json(text: &str) -> Result<Identity, HostError> {
        let bad = |what: &str| HostError::Stored(what.to_owned());
        let stored: StoredIdentity = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
        if stored.kind != IDENTITY_KIND || stored.format != IDENTITY_FORMAT {
            return Err(bad("it is not a pairing this version knows"));
        }
        Ok(Identity {
            own: StaticKeypair::from_base64(&stored.own).map_err(|_| bad("the own key"))?,
            host: ChannelPublicKey::from_base64(&stored.host).map_err(|_| bad("the host key"))?,
            pairing: stored.pairing,
            paired_at: stored.paired_at,
        })
    }

    /// The JSON for `storage.local`. It holds the extension's channel private
    /// key: a process that can read the browser profile can act as this
    /// extension towards the host (docs/THREAT-MODEL.md, "A local process").
    pub fn to_json(&self) -> Zeroizing<String> {
        let stored = StoredIdentity {
            kind: IDENTITY_KIND.into(),
            format: IDENTITY_FORMAT,
            own: self.own.private_to_base64().to_string(),
            host: self.host.to_base64(),
            pairing: self.pairing.clone(),
            paired_at: self.paired_at,
        };
        // Invariant: plain strings and numbers always serialize.
        Zeroizing::new(serde_json::to_string(&stored).unwrap_or_default())
    }

    /// A second copy, for a job that takes one.
    pub fn duplicate(&self) -> Result<Identity, HostError> {
        Ok(Identity {
            own: StaticKeypair::from_base64(&self.own.private_to_base64())
                .map_err(|_| HostError::Stored("the own key".into()))?,
            host: self.host,
            pairing: self.pairing.clone(),
            paired_at: self.paired_at,
        })
    }

    pub fn pairing(&self) -> &str {
        &self.pairing
    }

    pub fn paired_at(&self) -> u64 {
        self.paired_at
    }
}

/// What went wrong talking to the host, in words that say what to do.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error(
        "the latchkey host is not installed for this browser ({0}); install it with \
         `latchkey install` (or `cargo xtask install`) and try again"
    )]
    NotInstalled(String),
    #[error("the latchkey host stopped before it answered ({0}); see `latchkey doctor`")]
    Gone(String),
    #[error("this browser is not paired with the latchkey host; pair it on the options page")]
    NotPaired,
    #[error(
        "pairing failed: the code was wrong, expired or already used; run `latchkey pair` \
         for a new code"
    )]
    PairingFailed,
    #[error("the host did not prove it holds the key pinned at pairing; pair again")]
    WrongHost,
    #[error("the host refused: {message} ({name})")]
    Refused { name: String, message: String },
    #[error("the host sent something latchkey does not understand: {0}")]
    Protocol(String),
    #[error("the stored pairing cannot be read ({0}); pair again on the options page")]
    Stored(String),
    #[error("{0}")]
    Random(String),
}

impl HostError {
    /// The host's numbered code, when the host itself refused.
    pub fn refused_as(&self, code: ErrorCode) -> bool {
        matches!(self, HostError::Refused { name, .. } if name == code.name())
    }
}

/// The sealed request a session job sends.
pub enum Job {
    Status { member: Option<String> },
    StoreKey { member: String, key: DeviceKey },
    LoadKey { member: String },
    DeleteKey { member: String },
    ReadMember,
    ReadVault,
    WriteVault { vault: String },
}

impl Job {
    fn body(&self) -> RequestBody {
        match self {
            Job::Status { member } => RequestBody::Status {
                member: member.clone(),
            },
            Job::StoreKey { member, key } => RequestBody::DeviceKeyStore {
                member: member.clone(),
                key: DeviceKeyBytes(key.to_bytes()),
            },
            Job::LoadKey { member } => RequestBody::DeviceKeyLoad {
                member: member.clone(),
            },
            Job::DeleteKey { member } => RequestBody::DeviceKeyDelete {
                member: member.clone(),
            },
            Job::ReadMember => RequestBody::MemberRead,
            Job::ReadVault => RequestBody::VaultRead,
            Job::WriteVault { vault } => RequestBody::VaultWrite {
                vault: vault.clone(),
            },
        }
    }
}

/// A finished job's result.
pub enum Answer {
    Installed {
        host_version: String,
    },
    Paired(Box<Identity>),
    Status {
        host_version: String,
        store: StoreState,
        store_message: String,
        quick_unlock: Option<bool>,
    },
    KeyStored(DeviceKey),
    Key(DeviceKey),
    KeyDeleted {
        existed: bool,
    },
    /// The command line's member file, if there is one.
    Member(Option<String>),
    /// The host's vault file, if there is one.
    Vault(Option<String>),
    VaultWritten,
}

/// What the JavaScript should do next.
pub enum Step {
    /// Post these frames (JSON text) on the port, and pass back what comes.
    Send(Vec<String>),
    /// The job is over: close the port.
    Done(Result<Answer, HostError>),
}

enum Stage {
    Hello(Box<Next>),
    PairReply {
        initiator: PairingInitiator,
        own: StaticKeypair,
    },
    Paired {
        waiting: Box<AwaitingConfirmation>,
        own: StaticKeypair,
    },
    Accept {
        initiator: SessionInitiator,
        job: Job,
    },
    Answer {
        channel: Box<Channel>,
        job: Job,
        id: u64,
    },
}

enum Next {
    /// Only `hello`: is the host installed, and which version.
    Probe,
    Pair {
        code: PairingCode,
    },
    Session {
        job: Job,
        identity: Identity,
    },
}

/// At most this many jobs in flight; a page that starts more loses its oldest.
const MAX_JOBS: usize = 8;

/// The jobs in flight.
#[derive(Default)]
pub struct HostLink {
    jobs: std::collections::BTreeMap<u32, Stage>,
    last_job: u32,
    next_id: u64,
}

/// The frame as the JSON text the port carries.
fn text(frame: &ClientFrame) -> String {
    String::from_utf8_lossy(&frame.to_bytes()).into_owned()
}

impl HostLink {
    /// Starts pairing with the code the user typed; the job's number and its first frames.
    pub fn pair(&mut self, typed: &str) -> Result<(u32, Step), HostError> {
        let code = PairingCode::parse(typed).map_err(|_| HostError::PairingFailed)?;
        Ok(self.begin(Next::Pair { code }))
    }

    /// Asks only whether a host answers, for an extension not yet paired.
    pub fn probe(&mut self) -> (u32, Step) {
        self.begin(Next::Probe)
    }

    /// Starts a session job with the pinned host.
    pub fn session(&mut self, identity: Identity, job: Job) -> (u32, Step) {
        self.begin(Next::Session { job, identity })
    }

    fn begin(&mut self, next: Next) -> (u32, Step) {
        self.last_job = self.last_job.wrapping_add(1);
        let hello = ClientFrame::Hello {
            id: self.id(),
            versions: vec![PROTOCOL_VERSION],
        };
        while self.jobs.len() >= MAX_JOBS {
            self.jobs.pop_first();
        }
        self.jobs
            .insert(self.last_job, Stage::Hello(Box::new(next)));
        (self.last_job, Step::Send(vec![text(&hello)]))
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Whether `job` is in flight.
    pub fn is_current(&self, job: u32) -> bool {
        self.jobs.contains_key(&job)
    }

    /// The port closed before the job finished.
    pub fn gone(&mut self, job: u32, reason: &str, answered: bool) -> Option<HostError> {
        self.jobs.remove(&job)?;
        let reason = if reason.is_empty() {
            "no reason given"
        } else {
            reason
        };
        Some(if answered {
            HostError::Gone(reason.to_owned())
        } else {
            HostError::NotInstalled(reason.to_owned())
        })
    }

    /// One frame from the host for job `job`; `None` when it belongs to no current job.
    pub fn receive(&mut self, job: u32, frame: &str, now: u64) -> Option<Step> {
        let stage = self.jobs.remove(&job)?;
        let frame = match parse_host_frame(frame.as_bytes()) {
            Ok(frame) => frame,
            Err(e) => return Some(Step::Done(Err(HostError::Protocol(e.to_string())))),
        };
        if let HostFrame::Error {
            code,
            name,
            message,
            ..
        } = &frame
        {
            return Some(Step::Done(Err(refusal(*code, name, message))));
        }
        match self.advance(stage, frame, now) {
            Ok(Progress::Continue(stage, frames)) => {
                self.jobs.insert(job, *stage);
                Some(Step::Send(frames))
            }
            Ok(Progress::Finished(answer)) => Some(Step::Done(Ok(answer))),
            Err(e) => Some(Step::Done(Err(e))),
        }
    }

    /// Moves the job on by one frame: the next stage and what to send, or the result.
    fn advance(&mut self, stage: Stage, frame: HostFrame, now: u64) -> Result<Progress, HostError> {
        let unexpected = |what: &str| Err(HostError::Protocol(format!("unexpected {what}")));
        match (stage, frame) {
            (
                Stage::Hello(next),
                HostFrame::Hello {
                    version,
                    host_version,
                    ..
                },
            ) => {
                if version != PROTOCOL_VERSION {
                    return unexpected("protocol version");
                }
                if let Next::Probe = *next {
                    return Ok(Progress::Finished(Answer::Installed { host_version }));
                }
                self.after_hello(*next)
            }
            (Stage::PairReply { initiator, own }, HostFrame::PairReply { handshake, .. }) => {
                let reply = decode(&handshake)?;
                let (last, waiting) = initiator
                    .finish(&reply)
                    .map_err(|_| HostError::PairingFailed)?;
                let frame = ClientFrame::PairFinish {
                    id: self.id(),
                    handshake: B64.encode(last),
                };
                let waiting = Box::new(waiting);
                Ok(continue_with(
                    Stage::Paired { waiting, own },
                    vec![text(&frame)],
                ))
            }
            (Stage::Paired { waiting, own }, HostFrame::Sealed(sealed)) => {
                let (paired, pairing) = waiting
                    .confirm(&sealed)
                    .map_err(|_| HostError::PairingFailed)?;
                Ok(Progress::Finished(Answer::Paired(Box::new(Identity {
                    own,
                    host: paired.peer,
                    pairing,
                    paired_at: now,
                }))))
            }
            (Stage::Accept { initiator, job }, HostFrame::SessionAccept { handshake, .. }) => {
                let answer = decode(&handshake)?;
                let mut channel = initiator
                    .finish(&answer)
                    .map_err(|_| HostError::WrongHost)?;
                let id = self.id();
                let request = Request {
                    id,
                    body: job.body(),
                };
                let frames = channel
                    .seal_request(&request)
                    .map_err(|e| HostError::Protocol(e.to_string()))?;
                let frames = frames
                    .into_iter()
                    .map(|f| text(&ClientFrame::Sealed(f)))
                    .collect();
                let channel = Box::new(channel);
                Ok(continue_with(Stage::Answer { channel, job, id }, frames))
            }
            (
                Stage::Answer {
                    mut channel,
                    job,
                    id,
                },
                HostFrame::Sealed(sealed),
            ) => {
                let opened = channel
                    .open(&sealed)
                    .map_err(|e| HostError::Protocol(e.to_string()))?;
                match opened {
                    // More pieces of a chunked answer follow.
                    None => Ok(continue_with(
                        Stage::Answer { channel, job, id },
                        Vec::new(),
                    )),
                    Some(plain) => finish(job, id, &plain).map(Progress::Finished),
                }
            }
            (_, _) => unexpected("frame from the host"),
        }
    }

    fn after_hello(&mut self, next: Next) -> Result<Progress, HostError> {
        let mut rng = rng::fresh().map_err(HostError::Random)?;
        match next {
            Next::Probe => Err(HostError::Protocol("a probe has no next step".into())),
            Next::Pair { code } => {
                let psk = code.derive_psk().map_err(|_| HostError::PairingFailed)?;
                let own = StaticKeypair::generate(&mut rng);
                let (initiator, first) = PairingInitiator::start(&own, &psk, &mut rng)
                    .map_err(|_| HostError::PairingFailed)?;
                let frame = ClientFrame::PairStart {
                    id: self.id(),
                    handshake: B64.encode(first),
                };
                let stage = Stage::PairReply { initiator, own };
                Ok(continue_with(stage, vec![text(&frame)]))
            }
            Next::Session { job, identity } => {
                let (initiator, first) = SessionInitiator::start(
                    &identity.own,
                    &identity.host,
                    &identity.pairing,
                    &mut rng,
                )
                .map_err(|_| HostError::WrongHost)?;
                let frame = ClientFrame::SessionStart {
                    id: self.id(),
                    pairing: identity.pairing.clone(),
                    handshake: B64.encode(first),
                };
                Ok(continue_with(
                    Stage::Accept { initiator, job },
                    vec![text(&frame)],
                ))
            }
        }
    }
}

fn decode(text: &str) -> Result<Vec<u8>, HostError> {
    B64.decode(text.as_bytes())
        .map_err(|_| HostError::Protocol("a handshake that is not base64".into()))
}

/// One frame moved the job on: to a next stage (and frames to send), or to its end.
enum Progress {
    Continue(Box<Stage>, Vec<String>),
    Finished(Answer),
}

fn continue_with(stage: Stage, frames: Vec<String>) -> Progress {
    Progress::Continue(Box::new(stage), frames)
}

fn refusal(code: u16, name: &str, message: &str) -> HostError {
    if code == ErrorCode::NotPaired.number() {
        return HostError::NotPaired;
    }
    if code == ErrorCode::NoPendingPairing.number() || code == ErrorCode::PairingFailed.number() {
        return HostError::PairingFailed;
    }
    HostError::Refused {
        name: name.to_owned(),
        message: message.to_owned(),
    }
}

/// Reads the sealed answer to a job's request.
fn finish(job: Job, id: u64, plain: &[u8]) -> Result<Answer, HostError> {
    let response =
        Response::from_bytes(plain).map_err(|(_, e)| HostError::Protocol(e.to_string()))?;
    if response.id != id && response.id != 0 {
        return Err(HostError::Protocol("an answer to another request".into()));
    }
    match (job, response.body) {
        (_, ResponseBody::Error(e)) => Err(refusal(e.code, &e.name, &e.message)),
        (
            Job::Status { .. },
            ResponseBody::Status {
                host_version,
                store,
                quick_unlock,
                ..
            },
        ) => Ok(Answer::Status {
            host_version,
            store: store.state,
            store_message: store.message,
            quick_unlock,
        }),
        (Job::StoreKey { key, .. }, ResponseBody::DeviceKeyStored { .. }) => {
            Ok(Answer::KeyStored(key))
        }
        (Job::LoadKey { .. }, ResponseBody::DeviceKey { key, .. }) => {
            Ok(Answer::Key(DeviceKey::from_bytes(*key.0)))
        }
        (Job::DeleteKey { .. }, ResponseBody::DeviceKeyDeleted { existed, .. }) => {
            Ok(Answer::KeyDeleted { existed })
        }
        (Job::ReadMember, ResponseBody::Member { member }) => Ok(Answer::Member(member)),
        (Job::ReadVault, ResponseBody::Vault { vault }) => Ok(Answer::Vault(vault)),
        (Job::WriteVault { .. }, ResponseBody::VaultWritten { .. }) => Ok(Answer::VaultWritten),
        _ => Err(HostError::Protocol(
            "an answer that does not fit the request".into(),
        )),
    }
}
