//! latchkey-core: the vault model and its cryptography.
//!
//! Pure by design: no I/O, no async, no clock and no randomness that the caller
//! did not hand in. The same code runs in the native host and, compiled to
//! wasm32, inside the browser extension.
//!
//! # Public API (final signatures)
//!
//! This follows the agreed contract; where it differs, the difference is
//! marked "differs:" and says why.
//!
//! ```text
//! Passphrase::new(String)            Secret::new(String) / .expose()
//! KdfParams { m_kib, t, p }          ::default() 64 MiB,t3,p4; ::minimum() 19 MiB,t2,p1; .check()
//! DeviceKey::from_bytes([u8;32]) / ::generate(rng) / .to_bytes()
//! Member::create(id, name, &Passphrase, KdfParams, rsa_bits, rng) -> Result<Member, MemberError>
//! Member::from_json(&str) -> Result<Member, FormatError>; .to_json(); .card(); .kdf()
//! Member::unlock(&Passphrase) -> Result<UnlockedMember, UnlockError>
//! UnlockedMember::card(); ::reseal(&Passphrase, KdfParams, rng) -> Result<Member, MemberError>
//! UnlockedMember::seal_for_device(&DeviceKey, rng) -> Result<DeviceSealedMember, MemberError>
//! DeviceSealedMember::unlock(&DeviceKey) -> Result<UnlockedMember, UnlockError>; from_json/to_json
//! MemberCard { id, name, rsa_spki, ed25519 }; .fingerprint() -> Fingerprint; .check()
//! Fingerprint: Display = 16 groups of 4 hex digits; FromStr
//! VaultFile::create(&UnlockedMember, name, now, rng) -> Result<VaultFile, VaultError>
//! VaultFile::from_json / to_json / vault_id / contains_all / merge
//! VaultFile::open(&UnlockedMember, &Trust, rng) -> Result<OpenVault, OpenError>
//!     differs: takes `rng`, which blinds the RSA decryption of the member's wrap.
//! Trust::own(&UnlockedMember).with_admin(Fingerprint).with_min_head(u64)
//!     added: .with_seen_head(HeadSeen { counter, id }) also catches a fork, at equal or
//!     higher counters.
//! OpenVault: id, name, head_counter, list, search, overview, history, conflicts, members,
//!     audit, file; secrets(id, Access, now, rng); add(EntryDraft, now, rng) -> EntryId;
//!     edit(id, draft, now, rng); delete(id, now, rng); rollback(id, version, now, rng);
//!     grant(&MemberCard, &Fingerprint, Role, now, rng); revoke(&str, now, rng)
//!     differs: revoke takes the member id as `&str` (`MemberId` is an alias of `str`).
//!     added: head_seen() -> HeadSeen; import(Vec<EntryDraft>, now, rng) -> Vec<EntryId>
//!     (many adds, one head); verify_signatures() checks every version and audit signature.
//! UnlockError::{WrongPassphrase, WrongDeviceKey, WeakKdf(KdfError), Corrupt { what }}
//! OpenError: CannotOpen (every crypto failure) or a named finding: NotAMember, Untrusted,
//!     UnsignedMember, UnsignedWrap, BrokenChain, Fork, OlderHead, Dropped, Unvouched,
//!     RemovedWriter, RoleForbids (a record its author's role did not allow when written).
//! ```
//!
//! Differs: the fingerprint is SHA-256 over the SPKI *followed by the Ed25519
//! key*, so that confirming it confirms both of the member's keys.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod audit;
mod entry;
mod error;
mod format;
mod kdf;
mod member;
mod primitives;
mod secret;
mod trust;
mod vault;

// The typed native-messaging messages and the Noise session (issue 4).
pub mod channel;

// TOTP, URL matching and the password generator (issue 3).
pub mod generator;
pub mod matching;
pub mod totp;

pub use audit::{AuditAction, AuditRecord};
pub use entry::{
    Access, Change, CustomField, EntryDraft, EntryOverview, EntrySecrets, FieldValue, SavedUrl,
};
pub use error::{OpenError, VaultError};
pub use format::{FORMAT_VERSION, FormatError};
pub use kdf::{KdfError, KdfParams};
pub use member::{
    DeviceSealedMember, Fingerprint, FingerprintError, Member, MemberCard, MemberError, RSA_BITS,
    UnlockError, UnlockedMember,
};
pub use primitives::hash::Digest;
pub use secret::{DeviceKey, Passphrase, Secret};
pub use trust::{HeadSeen, Trust};
pub use vault::{Conflict, EntryId, MemberId, OpenVault, Role, VaultFile, VaultId, VersionInfo};
