//! Every session after pairing: a Noise `KK` handshake (both static keys already pinned),
//! then sealed transport messages with strict per-direction counters and chunking.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rand_core::CryptoRng;
use snow::{Builder, HandshakeState, TransportState};
use zeroize::Zeroizing;

use super::MAX_MESSAGE;
use super::error::ChannelError;
use super::frame::SealedFrame;
use super::keys::{ChannelPublicKey, StaticKeypair};
use super::message::{Request, Response};
use super::rng::SeededResolver;

pub(crate) const SESSION_PATTERN: &str = "Noise_KK_25519_ChaChaPoly_BLAKE2s";

/// The longest Noise message (Noise spec section 3).
pub(crate) const NOISE_MAX: usize = 65535;
const TAG: usize = 16;

/// Plaintext bytes per sealed frame: one flag byte says whether more pieces follow.
const PIECE: usize = NOISE_MAX - TAG - 1;
const MORE: u8 = 0;
const LAST: u8 = 1;

fn prologue(pairing: &str) -> Vec<u8> {
    let mut prologue = b"latchkey channel v1 session ".to_vec();
    prologue.extend_from_slice(pairing.as_bytes());
    prologue
}

pub(crate) fn builder<'a, R: CryptoRng>(pattern: &str, rng: &mut R) -> Builder<'a> {
    // The pattern strings are constants of this module, which snow always parses.
    let params = match pattern.parse() {
        Ok(params) => params,
        Err(_) => unreachable!("channel Noise patterns are valid"),
    };
    Builder::with_resolver(params, Box::new(SeededResolver::new(rng)))
}

fn vague(_: snow::Error) -> ChannelError {
    ChannelError::HandshakeFailed
}

/// The extension's side of a session handshake.
pub struct SessionInitiator {
    state: HandshakeState,
}

impl SessionInitiator {
    /// Starts a session with the host pinned at pairing; returns the first message.
    pub fn start<R: CryptoRng>(
        me: &StaticKeypair,
        host: &ChannelPublicKey,
        pairing: &str,
        rng: &mut R,
    ) -> Result<(SessionInitiator, Vec<u8>), ChannelError> {
        let prologue = prologue(pairing);
        let mut state = builder(SESSION_PATTERN, rng)
            .local_private_key(me.private_bytes())
            .and_then(|b| b.remote_public_key(&host.0))
            .and_then(|b| b.prologue(&prologue))
            .and_then(|b| b.build_initiator())
            .map_err(vague)?;
        let mut message = vec![0u8; NOISE_MAX];
        let len = state.write_message(&[], &mut message).map_err(vague)?;
        message.truncate(len);
        Ok((SessionInitiator { state }, message))
    }

    /// Reads the host's answer; fails unless the host holds the pinned private key.
    pub fn finish(mut self, answer: &[u8]) -> Result<Channel, ChannelError> {
        let mut payload = vec![0u8; NOISE_MAX];
        self.state
            .read_message(answer, &mut payload)
            .map_err(vague)?;
        Channel::from_handshake(self.state)
    }
}

/// The host's side of a session handshake.
pub struct SessionResponder;

impl SessionResponder {
    /// Answers a session start from the extension pinned under `pairing`.
    pub fn accept<R: CryptoRng>(
        me: &StaticKeypair,
        extension: &ChannelPublicKey,
        pairing: &str,
        first: &[u8],
        rng: &mut R,
    ) -> Result<(Channel, Vec<u8>), ChannelError> {
        let prologue = prologue(pairing);
        let mut state = builder(SESSION_PATTERN, rng)
            .local_private_key(me.private_bytes())
            .and_then(|b| b.remote_public_key(&extension.0))
            .and_then(|b| b.prologue(&prologue))
            .and_then(|b| b.build_responder())
            .map_err(vague)?;
        let mut payload = vec![0u8; NOISE_MAX];
        state.read_message(first, &mut payload).map_err(vague)?;
        let mut answer = vec![0u8; NOISE_MAX];
        let len = state.write_message(&[], &mut answer).map_err(vague)?;
        answer.truncate(len);
        Ok((Channel::from_handshake(state)?, answer))
    }
}

/// An established session: seals outgoing messages and opens incoming ones in order.
pub struct Channel {
    transport: TransportState,
    peer: ChannelPublicKey,
    partial: Zeroizing<Vec<u8>>,
}

impl Channel {
    pub(crate) fn from_handshake(state: HandshakeState) -> Result<Channel, ChannelError> {
        let peer = state
            .get_remote_static()
            .ok_or(ChannelError::HandshakeFailed)
            .and_then(ChannelPublicKey::from_slice)?;
        let transport = state.into_transport_mode().map_err(vague)?;
        Ok(Channel {
            transport,
            peer,
            partial: Zeroizing::new(Vec::new()),
        })
    }

    /// The other end's static key, as authenticated by the handshake.
    pub fn peer(&self) -> &ChannelPublicKey {
        &self.peer
    }

    /// Seals one message as one or more frames (pieces of at most 64 KiB).
    pub fn seal(&mut self, message: &[u8]) -> Result<Vec<SealedFrame>, ChannelError> {
        if message.len() > MAX_MESSAGE {
            return Err(ChannelError::MessageTooLarge { limit: MAX_MESSAGE });
        }

        let mut frames = Vec::with_capacity(message.len() / PIECE + 1);
        let mut pieces = message.chunks(PIECE).peekable();
        let mut plain = Zeroizing::new(Vec::with_capacity(PIECE + 1));
        let mut sealed = vec![0u8; NOISE_MAX];
        loop {
            let piece = pieces.next().unwrap_or(&[]);
            let last = pieces.peek().is_none();
            plain.clear();
            plain.push(if last { LAST } else { MORE });
            plain.extend_from_slice(piece);

            let n = self.transport.sending_nonce();
            let len = self
                .transport
                .write_message(&plain, &mut sealed)
                .map_err(|_| ChannelError::State)?;
            frames.push(SealedFrame {
                n,
                data: B64.encode(&sealed[..len]),
            });
            if last {
                return Ok(frames);
            }
        }
    }

    /// Opens one frame. Returns the whole message once its last piece has arrived.
    ///
    /// A refused frame leaves the channel as it was, so the next genuine frame opens.
    pub fn open(
        &mut self,
        frame: &SealedFrame,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, ChannelError> {
        let expected = self.transport.receiving_nonce();
        if frame.n < expected {
            return Err(ChannelError::Replayed {
                expected,
                got: frame.n,
            });
        }
        if frame.n > expected {
            return Err(ChannelError::OutOfOrder {
                expected,
                got: frame.n,
            });
        }

        let sealed = B64
            .decode(frame.data.as_bytes())
            .map_err(|_| ChannelError::BadBase64 { field: "data" })?;
        if sealed.len() > NOISE_MAX {
            return Err(ChannelError::Tampered { counter: frame.n });
        }
        let mut plain = Zeroizing::new(vec![0u8; NOISE_MAX]);
        let len = self
            .transport
            .read_message(&sealed, &mut plain)
            .map_err(|_| ChannelError::Tampered { counter: frame.n })?;

        let Some((&flag, piece)) = plain[..len].split_first() else {
            return Err(ChannelError::State);
        };
        // A piece that is neither "more" nor "last" is checked before it is kept, and
        // ends the message it belonged to: it can never become part of the next one.
        if flag != MORE && flag != LAST {
            self.partial.clear();
            return Err(ChannelError::State);
        }
        if self.partial.len() + piece.len() > MAX_MESSAGE {
            self.partial.clear();
            return Err(ChannelError::MessageTooLarge { limit: MAX_MESSAGE });
        }
        self.partial.extend_from_slice(piece);
        if flag == MORE {
            return Ok(None);
        }
        Ok(Some(std::mem::take(&mut self.partial)))
    }

    /// Drops the pieces of a message still being reassembled, for a caller that gives up
    /// on it. (`open` already drops them itself when a piece's flag byte is bad.)
    pub fn discard_partial(&mut self) {
        self.partial.clear();
    }

    /// Seals a request (the extension's side).
    pub fn seal_request(&mut self, request: &Request) -> Result<Vec<SealedFrame>, ChannelError> {
        self.seal(&request.to_bytes())
    }

    /// Seals an answer (the host's side).
    pub fn seal_response(&mut self, response: &Response) -> Result<Vec<SealedFrame>, ChannelError> {
        self.seal(&response.to_bytes())
    }
}
