//! The extension's messages: the one place they are defined.
//!
//! Extension pages (popup, options) and content scripts send these to the
//! service worker; the worker answers with a `Reply`. Anything that does not
//! parse as one of them is refused with an error naming what was wrong.

use serde::{Deserialize, Serialize};

use crate::fill::FillTrigger;

/// A request to the service worker. `type` names the variant in snake case.
/// No `Debug`: a request may carry a passphrase.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    // From the popup and options page.
    /// Is there a vault, is it unlocked, and what the popup should show.
    Status,
    /// First run: make a member and a vault protected by this passphrase.
    CreateVault { name: String, passphrase: String },
    /// Open the vault with the passphrase.
    Unlock { passphrase: String },
    /// Forget every key now.
    Lock,
    /// Entries, those saved for `site` first; no secret is decrypted.
    List {
        #[serde(default)]
        site: Option<String>,
        #[serde(default)]
        query: String,
    },
    /// Add an entry.
    AddEntry { entry: Draft },
    /// Add many entries at once (an import).
    Import { entries: Vec<Draft> },
    /// Show (or copy) an entry's password; written to the audit trail.
    Reveal {
        entry: String,
        #[serde(default)]
        copy: bool,
    },
    /// The popup's fill button: fill this entry into that tab.
    Fill { entry: String, tab_id: i64 },
    /// The entry view: the current TOTP code, or for HOTP only that it is one.
    Code { entry: String },
    /// HOTP's "next code": uses the code and stores the advanced counter.
    NextCode { entry: String },
    /// A new password or passphrase for the add or edit form.
    Generate { policy: Generate },
    /// Change the fields given, keep every other one (a new version).
    Edit { entry: String, changes: Changes },
    /// Every version of an entry, oldest first.
    History { entry: String },
    /// Append a copy of an older version as the newest one.
    Rollback { entry: String, version: u64 },
    /// The save or update offer waiting for that tab, if any.
    Offer { tab_id: i64 },
    /// Carry out that tab's offer: save the login or update its password.
    SaveOffer { tab_id: i64 },
    /// Drop that tab's offer ("Not now").
    DismissOffer { tab_id: i64 },

    // The native host (popup and options page).
    /// Is the host installed and paired, is the OS store usable, is quick unlock set up.
    HostStatus,
    /// Pair with the host, using the code `latchkey pair` shows.
    Pair { code: String },
    /// Forget the pairing (the host's side is revoked with `latchkey pairings revoke`).
    Unpair,
    /// Keep a device key in the OS secure store so the next unlock needs no passphrase.
    QuickUnlockOn,
    /// Remove the device key from the OS store and the sealed copy from here.
    QuickUnlockOff,
    /// Unlock with the device key from the OS store.
    QuickUnlock,
    /// First run: take the member and vault the command line keeps through the host.
    OpenFromHost,

    // From content scripts.
    /// A frame answering a fill offer: it has a login form and wants the credential.
    FillClaim { request_id: String },
    /// The top frame answering a fill offer: it has no login form (so a frame
    /// of its origin below it may be offered the fill).
    FillDecline { request_id: String },
    /// A login form of the frame was submitted with these values.
    LoginSubmitted { username: String, password: String },
}

impl Request {
    /// Whether only latchkey's own pages may send this request.
    pub fn from_extension_page_only(&self) -> bool {
        !matches!(
            self,
            Request::FillClaim { .. }
                | Request::FillDecline { .. }
                | Request::LoginSubmitted { .. }
        )
    }

    /// A name for errors and logs that never includes the message's content.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Status => "status",
            Request::CreateVault { .. } => "create_vault",
            Request::Unlock { .. } => "unlock",
            Request::Lock => "lock",
            Request::List { .. } => "list",
            Request::AddEntry { .. } => "add_entry",
            Request::Import { .. } => "import",
            Request::Reveal { .. } => "reveal",
            Request::Fill { .. } => "fill",
            Request::HostStatus => "host_status",
            Request::Pair { .. } => "pair",
            Request::Unpair => "unpair",
            Request::QuickUnlockOn => "quick_unlock_on",
            Request::QuickUnlockOff => "quick_unlock_off",
            Request::QuickUnlock => "quick_unlock",
            Request::OpenFromHost => "open_from_host",
            Request::FillClaim { .. } => "fill_claim",
            Request::FillDecline { .. } => "fill_decline",
            Request::Code { .. } => "code",
            Request::NextCode { .. } => "next_code",
            Request::Generate { .. } => "generate",
            Request::Edit { .. } => "edit",
            Request::History { .. } => "history",
            Request::Rollback { .. } => "rollback",
            Request::Offer { .. } => "offer",
            Request::SaveOffer { .. } => "save_offer",
            Request::DismissOffer { .. } => "dismiss_offer",
            Request::LoginSubmitted { .. } => "login_submitted",
        }
    }
}

/// An entry as typed into the popup's add form.
/// No `Debug`: a draft carries the password.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub title: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub totp: Option<String>,
    #[serde(default)]
    pub notes: String,
}

/// The fields of an entry the edit form changed; a field left out is kept.
/// No `Debug`: it may carry the password.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub urls: Option<Vec<String>>,
    /// An `otpauth://` URI; an empty one removes the entry's codes.
    #[serde(default)]
    pub totp: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// What the generator should make, as chosen in the popup.
#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Generate {
    Password {
        length: usize,
        lowercase: bool,
        uppercase: bool,
        digits: bool,
        symbols: bool,
        #[serde(default)]
        exclude_look_alikes: bool,
    },
    Passphrase {
        words: usize,
        #[serde(default = "default_separator")]
        separator: String,
        #[serde(default)]
        capitalize: bool,
        #[serde(default)]
        include_number: bool,
    },
}

fn default_separator() -> String {
    "-".to_owned()
}

/// Which kind of one-time code an entry has.
#[derive(Debug, Serialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum OtpKind {
    /// Time-based (TOTP, Steam): the code changes every period.
    Totp,
    /// Counter-based (HOTP): a code is used by asking for the next one.
    Hotp,
}

/// One version in an entry's history, as the popup lists it.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct VersionView {
    pub version: u64,
    /// Unix seconds.
    pub time: u64,
    /// `create`, `edit`, `rollback` or `delete`.
    pub change: String,
    /// The version this one copies, for a rollback.
    pub from: Option<u64>,
    pub title: String,
    pub latest: bool,
}

/// A save or update offer as the popup shows it: never the password.
#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct OfferView {
    /// `save` (a new login) or `update` (a changed password).
    pub kind: String,
    /// The site's host, for "Save login for SITE?".
    pub site: String,
    pub username: String,
    /// The entry an update would change, for "Update password for TITLE?".
    pub title: Option<String>,
}

/// What the popup lists: never a secret.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Overview {
    pub id: String,
    pub title: String,
    pub username: String,
    pub urls: Vec<String>,
    pub has_totp: bool,
    /// Saved for the site the popup was opened on.
    pub for_site: bool,
}

/// The vault's state as the popup shows it.
#[derive(Debug, Serialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum VaultState {
    NoVault,
    Locked,
    Unlocked,
}

/// The service worker's answer. `type` names the variant in snake case.
/// No `Debug`: a reply may carry the credential.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Status {
        state: VaultState,
        /// A device-sealed copy is stored, so quick unlock can be tried.
        quick_unlock: bool,
        /// This browser is paired with a native host.
        paired: bool,
    },
    /// Open a port to the native host (if `job` is new), post these frames on
    /// it and pass back what arrives. The frames are sealed or handshakes.
    Host {
        job: u32,
        send: Vec<String>,
    },
    /// What the popup and options page show about the host.
    HostState {
        installed: bool,
        paired: bool,
        /// `available`, `locked` or `missing` (the protocol's names), once a session
        /// could ask.
        store: Option<latchkey_core::channel::StoreState>,
        /// The host has a device key for this member.
        quick_unlock: bool,
        host_version: Option<String>,
        /// What to do about it, in plain words; empty when all is well.
        message: String,
    },
    Done,
    Entries {
        entries: Vec<Overview>,
    },
    Added {
        id: String,
    },
    Imported {
        ids: Vec<String>,
    },
    Revealed {
        password: String,
    },
    /// An entry's one-time code. For HOTP `code` is there only after
    /// `next_code`; `seconds_left` and `period` are 0 for HOTP.
    Code {
        kind: OtpKind,
        code: Option<String>,
        seconds_left: u32,
        period: u32,
    },
    Generated {
        password: String,
        /// Roughly how strong it is, in bits.
        bits: f64,
    },
    History {
        versions: Vec<VersionView>,
    },
    Offer {
        offer: Option<OfferView>,
    },
    /// Tell the tab's frames that a fill is waiting for them (the JS side sends it).
    FillOffer {
        tab_id: i64,
        request_id: String,
        trigger: FillTrigger,
    },
    /// The one credential for the one frame that claimed it, and the origin it
    /// must still be on when the values are set.
    Credential {
        origin: String,
        username: String,
        password: String,
        otp: Option<String>,
    },
    /// Nothing for you, and why.
    Refused {
        reason: String,
    },
    Error {
        message: String,
    },
}
