//! Pairing: the one time the extension and the host meet without pinned keys.
//!
//! `latchkey pair` shows a short code; the user types it into the extension. Both ends
//! stretch it with Argon2id (RFC 9106) and HKDF-SHA256 (RFC 5869) into the pre-shared key
//! of a Noise `XXpsk3` handshake, which exchanges and authenticates both static keys.
//!
//! Caveat: the code has 40 bits. A forged caller gets one online guess (the host burns the
//! code on any failed attempt). A fake host that answers the extension could test guesses
//! offline against the third handshake message; Argon2id at 19 MiB makes each guess cost
//! tens of milliseconds, so the code's short life (minutes) is what really protects it.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use hkdf::Hkdf;
use rand_core::CryptoRng;
use sha2::Sha256;
use snow::HandshakeState;
use zeroize::Zeroizing;

use super::error::ChannelError;
use super::frame::SealedFrame;
use super::keys::{ChannelPublicKey, StaticKeypair};
use super::message::{Response, ResponseBody};
use super::session::{Channel, NOISE_MAX, builder};

pub(crate) const PAIRING_PATTERN: &str = "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s";
const PROLOGUE: &[u8] = b"latchkey channel v1 pairing";

/// Crockford's base32 alphabet: no I, L, O or U, so the code reads aloud unambiguously.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LEN: usize = 8;

/// A pairing code: 8 base32 symbols (40 bits), shown as `ABCD-EFGH`.
#[derive(Clone, PartialEq, Eq)]
pub struct PairingCode(Zeroizing<String>);

impl PairingCode {
    pub fn generate<R: CryptoRng>(rng: &mut R) -> PairingCode {
        let mut bytes = Zeroizing::new([0u8; 5]);
        rng.fill_bytes(bytes.as_mut());
        let mut bits = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let mut symbols = [0u8; CODE_LEN];
        for slot in symbols.iter_mut().rev() {
            *slot = ALPHABET[(bits & 31) as usize];
            bits >>= 5;
        }
        PairingCode(Zeroizing::new(
            symbols.iter().map(|&c| char::from(c)).collect(),
        ))
    }

    /// Reads a code as a person typed it: any case, dashes and spaces ignored, and the
    /// letters O, I and L read as the digits they look like.
    pub fn parse(typed: &str) -> Result<PairingCode, ChannelError> {
        let mut code = Zeroizing::new(String::with_capacity(CODE_LEN));
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return Err(ChannelError::PairingFailed),
            };
            code.push(c);
        }
        if code.len() != CODE_LEN {
            return Err(ChannelError::PairingFailed);
        }
        Ok(PairingCode(code))
    }

    /// The code as the user sees it, `ABCD-EFGH`.
    pub fn display(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}-{}", &self.0[..4], &self.0[4..]))
    }

    /// Stretches the code into the handshake's pre-shared key.
    pub fn derive_psk(&self) -> Result<PairingPsk, ChannelError> {
        // 19 MiB, t=2, p=1: RFC 9106's second recommended option, the same floor the
        // vault's passphrase KDF accepts. The salt is fixed; the code itself is fresh.
        let params = Params::new(19 * 1024, 2, 1, Some(32)).map_err(|_| ChannelError::State)?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut stretched = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(
                self.0.as_bytes(),
                b"latchkey pairing code v1",
                stretched.as_mut(),
            )
            .map_err(|_| ChannelError::State)?;

        let mut psk = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(None, stretched.as_ref())
            .expand(b"latchkey channel v1 pairing psk", psk.as_mut())
            .map_err(|_| ChannelError::State)?;
        Ok(PairingPsk(psk))
    }
}

impl fmt::Debug for PairingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairingCode(..)")
    }
}

/// The 32-byte pre-shared key derived from a pairing code. Never printed.
#[derive(Clone)]
pub struct PairingPsk(Zeroizing<[u8; 32]>);

impl PairingPsk {
    /// For the host's short-lived record of a pending pairing.
    pub fn from_bytes(bytes: [u8; 32]) -> PairingPsk {
        PairingPsk(Zeroizing::new(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for PairingPsk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairingPsk(..)")
    }
}

/// A finished pairing: the peer's static key to pin, and a live channel.
pub struct Paired {
    pub peer: ChannelPublicKey,
    pub channel: Channel,
}

fn failed(_: snow::Error) -> ChannelError {
    ChannelError::PairingFailed
}

fn start_state<R: CryptoRng>(
    me: &StaticKeypair,
    psk: &PairingPsk,
    initiator: bool,
    rng: &mut R,
) -> Result<HandshakeState, ChannelError> {
    let builder = builder(PAIRING_PATTERN, rng)
        .local_private_key(me.private_bytes())
        .and_then(|b| b.psk(3, psk.as_bytes()))
        .and_then(|b| b.prologue(PROLOGUE))
        .map_err(failed)?;
    if initiator {
        builder.build_initiator().map_err(failed)
    } else {
        builder.build_responder().map_err(failed)
    }
}

fn write(state: &mut HandshakeState) -> Result<Vec<u8>, ChannelError> {
    let mut message = vec![0u8; NOISE_MAX];
    let len = state.write_message(&[], &mut message).map_err(failed)?;
    message.truncate(len);
    Ok(message)
}

fn read(state: &mut HandshakeState, message: &[u8]) -> Result<(), ChannelError> {
    let mut payload = Zeroizing::new(vec![0u8; NOISE_MAX]);
    state.read_message(message, &mut payload).map_err(failed)?;
    Ok(())
}

/// The extension's side of pairing.
pub struct PairingInitiator {
    state: HandshakeState,
}

impl PairingInitiator {
    pub fn start<R: CryptoRng>(
        me: &StaticKeypair,
        psk: &PairingPsk,
        rng: &mut R,
    ) -> Result<(PairingInitiator, Vec<u8>), ChannelError> {
        let mut state = start_state(me, psk, true, rng)?;
        let first = write(&mut state)?;
        Ok((PairingInitiator { state }, first))
    }

    /// Reads the host's reply and writes the last handshake message.
    ///
    /// The host has not yet proved it knows the code (in `XXpsk3` the key enters in the
    /// third message), so the host key is not returned here: only
    /// [`AwaitingConfirmation::confirm`], given the host's first sealed frame, yields it.
    pub fn finish(mut self, reply: &[u8]) -> Result<(Vec<u8>, AwaitingConfirmation), ChannelError> {
        read(&mut self.state, reply)?;
        let last = write(&mut self.state)?;
        let channel =
            Channel::from_handshake(self.state).map_err(|_| ChannelError::PairingFailed)?;
        Ok((last, AwaitingConfirmation { channel }))
    }
}

/// The extension after the last pairing message, before the host has proved the code.
pub struct AwaitingConfirmation {
    channel: Channel,
}

impl AwaitingConfirmation {
    /// Opens the host's `paired` answer. Success proves the host knew the code: pin
    /// `Paired::peer` under the returned pairing id.
    pub fn confirm(mut self, frame: &SealedFrame) -> Result<(Paired, String), ChannelError> {
        let opened = self
            .channel
            .open(frame)
            .map_err(|_| ChannelError::PairingFailed)?
            .ok_or(ChannelError::PairingFailed)?;
        let response = Response::from_bytes(&opened).map_err(|_| ChannelError::PairingFailed)?;
        let ResponseBody::Paired { pairing } = response.body else {
            return Err(ChannelError::PairingFailed);
        };
        let peer = *self.channel.peer();
        Ok((
            Paired {
                peer,
                channel: self.channel,
            },
            pairing,
        ))
    }
}

/// The host's side of pairing.
pub struct PairingResponder {
    state: HandshakeState,
}

impl PairingResponder {
    pub fn accept<R: CryptoRng>(
        me: &StaticKeypair,
        psk: &PairingPsk,
        first: &[u8],
        rng: &mut R,
    ) -> Result<(PairingResponder, Vec<u8>), ChannelError> {
        let mut state = start_state(me, psk, false, rng)?;
        read(&mut state, first)?;
        let reply = write(&mut state)?;
        Ok((PairingResponder { state }, reply))
    }

    /// Reads the last message; success proves the extension knew the code.
    pub fn finish(mut self, last: &[u8]) -> Result<Paired, ChannelError> {
        read(&mut self.state, last)?;
        let channel =
            Channel::from_handshake(self.state).map_err(|_| ChannelError::PairingFailed)?;
        let peer = *channel.peer();
        Ok(Paired { peer, channel })
    }
}
