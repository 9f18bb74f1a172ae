//! Native messaging: the host's side of the protocol in docs/PROTOCOL.md.
//!
//! One frame in, zero or more frames out. The handler is synchronous (the OS store blocks
//! on D-Bus) and runs off the event loop; the loop only moves frames. stdout carries
//! frames and nothing else.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use getrandom::SysRng;
use latchkey_core::channel::{
    Channel, ChannelError, ClientFrame, ErrorCode, FrameError, HostFrame, PROTOCOL_VERSION,
    PairingResponder, Request, RequestBody, Response, ResponseBody, SessionResponder,
    StaticKeypair, VaultState, parse_client_frame,
};
use rand_core::UnwrapErr;
use tokio::io::{AsyncRead, AsyncWrite};
use zeroize::Zeroizing;

use crate::framing::{Incoming, read_browser_frame, write_frame};
use crate::pairings::{PairingStore, PairingStoreError};
use crate::{keystore, vault_store};

/// The OS random source. Failure to read it is unrecoverable: nothing can be keyed.
pub fn os_rng() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Everything one connection needs.
pub struct Host {
    /// `Some(reason)` when the caller is not allowed: every frame gets `origin_refused`.
    refused: Option<String>,
    caller: String,
    pairings: PairingStore,
    vault: PathBuf,
    member: PathBuf,
    host_key: Option<StaticKeypair>,
    /// The live session, kept until a new one is established: a `session_start` or a
    /// pairing that fails leaves it as it was.
    session: Option<Channel>,
    /// The pairing the live session runs under: checked again before every answer, so
    /// a pairing revoked while a session is open ends that session too.
    session_pairing: Option<String>,
    /// A pairing between `pair_start` and `pair_finish`.
    pairing: Option<Box<PairingResponder>>,
}

impl Host {
    pub fn new(caller: String, refused: Option<String>, data_dir: PathBuf, vault: PathBuf) -> Host {
        Host {
            refused,
            caller,
            member: data_dir.join("member.json"),
            pairings: PairingStore::new(data_dir),
            vault,
            host_key: None,
            session: None,
            session_pairing: None,
            pairing: None,
        }
    }

    fn host_key(&mut self) -> Result<&StaticKeypair, PairingStoreError> {
        let key = match self.host_key.take() {
            Some(key) => key,
            None => self.pairings.host_key(&mut os_rng())?,
        };
        Ok(self.host_key.insert(key))
    }

    /// An error in clear before a session, sealed once a session exists.
    fn error(&mut self, id: Option<u64>, code: ErrorCode, message: String) -> Vec<HostFrame> {
        tracing::info!(code = code.number(), name = code.name(), "refused a frame");
        if let Some(channel) = &mut self.session {
            let response = Response::error(id.unwrap_or(0), code, message.clone());
            if let Ok(frames) = channel.seal_response(&response) {
                return frames.into_iter().map(HostFrame::Sealed).collect();
            }
        }
        vec![HostFrame::Error {
            id,
            code: code.number(),
            name: code.name().into(),
            message,
        }]
    }

    fn frame_error(&mut self, id: Option<u64>, fault: FrameError) -> Vec<HostFrame> {
        self.error(id, fault.code(), fault.to_string())
    }

    /// The answer to one frame.
    pub fn handle(&mut self, bytes: &[u8]) -> Vec<HostFrame> {
        if let Some(reason) = self.refused.clone() {
            return vec![HostFrame::Error {
                id: None,
                code: ErrorCode::OriginRefused.number(),
                name: ErrorCode::OriginRefused.name().into(),
                message: reason,
            }];
        }
        match parse_client_frame(bytes) {
            Ok(frame) => self.dispatch(frame),
            Err(fault) => self.frame_error(None, fault),
        }
    }

    /// The answer to a frame that could not be read to its end (stdin closed).
    pub fn truncated(&mut self, fault: FrameError) -> Vec<HostFrame> {
        self.frame_error(None, fault)
    }

    fn dispatch(&mut self, frame: ClientFrame) -> Vec<HostFrame> {
        match frame {
            ClientFrame::Hello { id, versions } => {
                if !versions.contains(&PROTOCOL_VERSION) {
                    let fault = FrameError::UnsupportedVersion {
                        got: versions.first().copied().map_or(0, u64::from),
                        supported: PROTOCOL_VERSION,
                    };
                    return self.frame_error(Some(id), fault);
                }
                vec![HostFrame::Hello {
                    id,
                    version: PROTOCOL_VERSION,
                    host_version: env!("CARGO_PKG_VERSION").into(),
                }]
            }
            ClientFrame::PairStart { id, handshake } => self.pair_start(id, &handshake),
            ClientFrame::PairFinish { id, handshake } => self.pair_finish(id, &handshake),
            ClientFrame::SessionStart {
                id,
                pairing,
                handshake,
            } => self.session_start(id, &pairing, &handshake),
            ClientFrame::Sealed(sealed) => {
                let Some(channel) = &mut self.session else {
                    let message = "no session: send session_start (or pair) first".into();
                    return self.error(None, ErrorCode::NoSession, message);
                };
                match channel.open(&sealed) {
                    Ok(None) => Vec::new(),
                    Ok(Some(plain)) => self.request(&plain),
                    // The piece authenticated but its flag byte is neither "more" nor
                    // "last": the message it belongs to cannot be trusted, so its pieces
                    // so far are dropped and the next message starts clean.
                    Err(ChannelError::State) => {
                        channel.discard_partial();
                        let message = format!(
                            "sealed message {} is not a valid piece (its flag byte must be 0, \
                             more follows, or 1, last); it and the unfinished message before \
                             it were dropped, send that message again",
                            sealed.n
                        );
                        self.error(None, ErrorCode::BadMessage, message)
                    }
                    Err(e) => self.error(None, e.code(), e.to_string()),
                }
            }
        }
    }

    fn decode(&mut self, id: u64, text: &str) -> Result<Vec<u8>, Vec<HostFrame>> {
        B64.decode(text.as_bytes()).map_err(|_| {
            let fault = FrameError::BadMessage {
                kind: "handshake".into(),
                reason: "`handshake` is not base64".into(),
            };
            self.frame_error(Some(id), fault)
        })
    }

    fn pair_start(&mut self, id: u64, handshake: &str) -> Vec<HostFrame> {
        let first = match self.decode(id, handshake) {
            Ok(bytes) => bytes,
            Err(frames) => return frames,
        };
        let psk = match self.pairings.take_pending(now()) {
            Ok(psk) => psk,
            Err(PairingStoreError::NoPending) => {
                let message = PairingStoreError::NoPending.to_string();
                return self.error(Some(id), ErrorCode::NoPendingPairing, message);
            }
            Err(e) => return self.error(Some(id), ErrorCode::PairingFailed, e.to_string()),
        };
        let accepted = match self.host_key() {
            Ok(key) => PairingResponder::accept(key, &psk, &first, &mut os_rng()),
            Err(e) => return self.error(Some(id), ErrorCode::Internal, e.to_string()),
        };
        match accepted {
            Ok((responder, reply)) => {
                self.pairing = Some(Box::new(responder));
                vec![HostFrame::PairReply {
                    id,
                    handshake: B64.encode(reply),
                }]
            }
            Err(e) => self.error(Some(id), e.code(), e.to_string()),
        }
    }

    fn pair_finish(&mut self, id: u64, handshake: &str) -> Vec<HostFrame> {
        let last = match self.decode(id, handshake) {
            Ok(bytes) => bytes,
            Err(frames) => return frames,
        };
        let Some(responder) = self.pairing.take() else {
            let message = "pair_finish without pair_start; start pairing again".into();
            return self.error(Some(id), ErrorCode::PairingFailed, message);
        };
        let mut paired = match responder.finish(&last) {
            Ok(paired) => paired,
            Err(e) => {
                tracing::warn!("a pairing attempt failed; the code is used up");
                return self.error(Some(id), e.code(), e.to_string());
            }
        };
        let pairing = match self
            .pairings
            .add(paired.peer, &self.caller, now(), &mut os_rng())
        {
            Ok(pairing) => pairing,
            Err(e) => return self.error(Some(id), ErrorCode::Internal, e.to_string()),
        };
        tracing::info!(pairing = %pairing.id, "paired with an extension");
        let answer = Response {
            id,
            body: ResponseBody::Paired {
                pairing: pairing.id.clone(),
            },
        };
        let frames = paired.channel.seal_response(&answer);
        self.session = Some(paired.channel);
        self.session_pairing = Some(pairing.id.clone());
        frames
            .map(|f| f.into_iter().map(HostFrame::Sealed).collect())
            .unwrap_or_default()
    }

    fn session_start(&mut self, id: u64, pairing_id: &str, handshake: &str) -> Vec<HostFrame> {
        let first = match self.decode(id, handshake) {
            Ok(bytes) => bytes,
            Err(frames) => return frames,
        };
        let pairing = match self.pairings.find(pairing_id) {
            Ok(Some(pairing)) => pairing,
            Ok(None) => {
                let message = "this extension is not paired (or was revoked); run `latchkey \
                               pair` and pair again"
                    .into();
                return self.error(Some(id), ErrorCode::NotPaired, message);
            }
            Err(e) => return self.error(Some(id), ErrorCode::Internal, e.to_string()),
        };
        // A pairing belongs to the extension it was made with: another allowed
        // extension quoting its id gets the same answer as an unknown pairing.
        if pairing.origin != self.caller {
            tracing::warn!(pairing = %pairing.id, "a pairing was quoted by another caller");
            let message = "this extension is not paired (or was revoked); run `latchkey \
                           pair` and pair again"
                .into();
            return self.error(Some(id), ErrorCode::NotPaired, message);
        }
        let accepted = match self.host_key() {
            Ok(key) => SessionResponder::accept(
                key,
                &pairing.extension_key,
                &pairing.id,
                &first,
                &mut os_rng(),
            ),
            Err(e) => return self.error(Some(id), ErrorCode::Internal, e.to_string()),
        };
        match accepted {
            Ok((channel, answer)) => {
                if let Err(e) = self.pairings.touch(&pairing.id, now()) {
                    tracing::warn!("could not record the pairing's last use: {e}");
                }
                self.session = Some(channel);
                self.session_pairing = Some(pairing.id.clone());
                self.pairing = None;
                vec![HostFrame::SessionAccept {
                    id,
                    handshake: B64.encode(answer),
                }]
            }
            Err(e) => {
                tracing::warn!(pairing = %pairing.id, "a session handshake failed");
                self.error(Some(id), e.code(), e.to_string())
            }
        }
    }

    /// Whether the live session's pairing still exists (it may have been revoked
    /// since the session began). Unreadable pairings count as gone.
    fn session_still_paired(&self) -> bool {
        match &self.session_pairing {
            Some(id) => matches!(self.pairings.find(id), Ok(Some(_))),
            None => false,
        }
    }

    fn request(&mut self, plain: &[u8]) -> Vec<HostFrame> {
        let parsed = Request::from_bytes(plain);
        if !self.session_still_paired() {
            let id = parsed.as_ref().ok().map(|r| r.id);
            let message = "this extension's pairing was revoked; run `latchkey pair` and pair \
                           again"
                .to_owned();
            let frames = self.error(id, ErrorCode::NotPaired, message);
            self.session = None;
            self.session_pairing = None;
            return frames;
        }
        let response = match parsed {
            Ok(request) => {
                let id = request.id;
                match answer(request.body, &self.vault, &self.member) {
                    Ok(body) => Response { id, body },
                    Err((code, message)) => Response::error(id, code, message),
                }
            }
            Err((id, fault)) => Response::error(id.unwrap_or(0), fault.code(), fault.to_string()),
        };
        let Some(channel) = &mut self.session else {
            return Vec::new();
        };
        match channel.seal_response(&response) {
            Ok(frames) => frames.into_iter().map(HostFrame::Sealed).collect(),
            Err(e) => {
                let message = format!("could not seal the answer: {e}");
                let fallback = Response::error(response.id, ErrorCode::Internal, message);
                channel
                    .seal_response(&fallback)
                    .map(|f| f.into_iter().map(HostFrame::Sealed).collect())
                    .unwrap_or_default()
            }
        }
    }
}

type Answer = Result<ResponseBody, (ErrorCode, String)>;

fn answer(body: RequestBody, vault: &std::path::Path, member: &std::path::Path) -> Answer {
    let store = |e: keystore::StoreError| (e.code(), e.to_string());
    let file = |e: vault_store::VaultStoreError| (e.code(), e.to_string());
    match body {
        RequestBody::Status { member } => {
            let store_status = keystore::status();
            let quick_unlock = member.map(|m| keystore::has_device_key(&m).unwrap_or(false));
            Ok(ResponseBody::Status {
                host_version: env!("CARGO_PKG_VERSION").into(),
                store: store_status,
                vault: VaultState {
                    path: vault.display().to_string(),
                    exists: vault.is_file(),
                },
                quick_unlock,
            })
        }
        RequestBody::Version => Ok(ResponseBody::Version {
            host_version: env!("CARGO_PKG_VERSION").into(),
            protocol: PROTOCOL_VERSION,
        }),
        RequestBody::DeviceKeyStore { member, key } => {
            keystore::store_device_key(&member, &key.0).map_err(store)?;
            Ok(ResponseBody::DeviceKeyStored { member })
        }
        RequestBody::DeviceKeyLoad { member } => {
            let key = keystore::load_device_key(&member).map_err(store)?;
            Ok(ResponseBody::DeviceKey {
                member,
                key: latchkey_core::channel::DeviceKeyBytes(key),
            })
        }
        RequestBody::DeviceKeyDelete { member } => {
            let existed = keystore::delete_device_key(&member).map_err(store)?;
            Ok(ResponseBody::DeviceKeyDeleted { member, existed })
        }
        RequestBody::VaultRead => {
            let vault = vault_store::read(vault).map_err(file)?;
            Ok(ResponseBody::Vault {
                vault: vault.map(|(text, _)| text),
            })
        }
        RequestBody::MemberRead => {
            // The member file is sealed under its passphrase, like the vault: safe to hand over.
            let member = match std::fs::read_to_string(member) {
                Ok(text) => Some(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    let message = format!("could not read {}: {e}", member.display());
                    return Err((ErrorCode::VaultIo, message));
                }
            };
            Ok(ResponseBody::Member { member })
        }
        RequestBody::VaultWrite { vault: text } => {
            let text = Zeroizing::new(text);
            let bytes = vault_store::write(vault, &text).map_err(file)?;
            Ok(ResponseBody::VaultWritten { bytes })
        }
    }
}

/// Serves frames from `input` until it closes.
pub async fn serve<R, W>(mut host: Host, mut input: R, mut output: W) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    loop {
        let incoming = read_browser_frame(&mut input).await;
        let (frames, last) = match incoming {
            Incoming::End => return Ok(()),
            Incoming::Frame(bytes) => run(host, move |h| h.handle(&bytes)).await,
            Incoming::Refused(fault) => run(host, move |h| h.frame_error(None, fault)).await,
            Incoming::Truncated(fault) => {
                let (frames, h) = run(host, move |h| h.truncated(fault)).await;
                for frame in frames {
                    write_frame(&mut output, &frame.to_bytes()).await?;
                }
                drop(h);
                return Ok(());
            }
        };
        host = last;
        for frame in frames {
            write_frame(&mut output, &frame.to_bytes()).await?;
        }
    }
}

async fn run<F>(mut host: Host, work: F) -> (Vec<HostFrame>, Host)
where
    F: FnOnce(&mut Host) -> Vec<HostFrame> + Send + 'static,
{
    let joined = tokio::task::spawn_blocking(move || {
        let frames = work(&mut host);
        (frames, host)
    })
    .await;
    match joined {
        Ok(result) => result,
        // The handler does not panic on any input; if it ever does, the session is lost
        // and the browser sees the pipe close, which it reports as a disconnected host.
        Err(e) => {
            tracing::error!("the frame handler failed: {e}");
            std::process::exit(70);
        }
    }
}
