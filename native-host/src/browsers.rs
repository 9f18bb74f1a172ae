//! The browsers the installer knows and where each looks for native messaging manifests.

use std::path::{Path, PathBuf};

/// The host's name in every manifest; browsers allow lowercase letters, digits, dots
/// and underscores.
pub const HOST_NAME: &str = "com.latchkey.host";

/// The extension's own ids (fixed by manifest/chrome.json's key and manifest/firefox.json).
pub const CHROME_EXTENSION_ID: &str = "gbaebdhpdpjkklhkedkjnnoedbdnpfej";
pub const FIREFOX_EXTENSION_ID: &str = "latchkey@latchkey.invalid";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `allowed_origins` of `chrome-extension://ID/`.
    Chromium,
    /// `allowed_extensions` of add-on ids.
    Firefox,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Browser {
    pub key: &'static str,
    pub name: &'static str,
    pub family: Family,
    /// Relative to the XDG config directory (Firefox: to the home directory).
    linux_user: &'static str,
    linux_system: &'static str,
    /// Relative to ~/Library/Application Support.
    mac_user: &'static str,
    mac_system: &'static str,
    /// Registry key under HKCU or HKLM.
    pub windows_key: &'static str,
    /// Flatpak application id and its manifest directory inside ~/.var/app/ID.
    pub flatpak: (&'static str, &'static str),
    pub snap: &'static str,
}

pub const BROWSERS: &[Browser] = &[
    Browser {
        key: "chrome",
        name: "Google Chrome",
        family: Family::Chromium,
        linux_user: "google-chrome/NativeMessagingHosts",
        linux_system: "/etc/opt/chrome/native-messaging-hosts",
        mac_user: "Google/Chrome/NativeMessagingHosts",
        mac_system: "/Library/Google/Chrome/NativeMessagingHosts",
        windows_key: r"Software\Google\Chrome\NativeMessagingHosts",
        flatpak: (
            "com.google.Chrome",
            "config/google-chrome/NativeMessagingHosts",
        ),
        snap: "",
    },
    Browser {
        key: "chromium",
        name: "Chromium",
        family: Family::Chromium,
        linux_user: "chromium/NativeMessagingHosts",
        linux_system: "/etc/chromium/native-messaging-hosts",
        mac_user: "Chromium/NativeMessagingHosts",
        mac_system: "/Library/Application Support/Chromium/NativeMessagingHosts",
        windows_key: r"Software\Chromium\NativeMessagingHosts",
        flatpak: (
            "org.chromium.Chromium",
            "config/chromium/NativeMessagingHosts",
        ),
        snap: "chromium",
    },
    Browser {
        key: "edge",
        name: "Microsoft Edge",
        family: Family::Chromium,
        linux_user: "microsoft-edge/NativeMessagingHosts",
        linux_system: "/etc/opt/edge/native-messaging-hosts",
        mac_user: "Microsoft Edge/NativeMessagingHosts",
        mac_system: "/Library/Microsoft/Edge/NativeMessagingHosts",
        windows_key: r"Software\Microsoft\Edge\NativeMessagingHosts",
        flatpak: (
            "com.microsoft.Edge",
            "config/microsoft-edge/NativeMessagingHosts",
        ),
        snap: "",
    },
    Browser {
        key: "brave",
        name: "Brave",
        family: Family::Chromium,
        linux_user: "BraveSoftware/Brave-Browser/NativeMessagingHosts",
        linux_system: "/etc/opt/chrome/native-messaging-hosts",
        mac_user: "BraveSoftware/Brave-Browser/NativeMessagingHosts",
        mac_system: "/Library/Google/Chrome/NativeMessagingHosts",
        windows_key: r"Software\BraveSoftware\Brave-Browser\NativeMessagingHosts",
        flatpak: (
            "com.brave.Browser",
            "config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
        ),
        snap: "brave",
    },
    Browser {
        key: "vivaldi",
        name: "Vivaldi",
        family: Family::Chromium,
        linux_user: "vivaldi/NativeMessagingHosts",
        linux_system: "/etc/opt/chrome/native-messaging-hosts",
        mac_user: "Vivaldi/NativeMessagingHosts",
        mac_system: "/Library/Application Support/Vivaldi/NativeMessagingHosts",
        windows_key: r"Software\Vivaldi\NativeMessagingHosts",
        flatpak: ("com.vivaldi.Vivaldi", "config/vivaldi/NativeMessagingHosts"),
        snap: "",
    },
    Browser {
        key: "firefox",
        name: "Firefox",
        family: Family::Firefox,
        linux_user: ".mozilla/native-messaging-hosts",
        linux_system: "/usr/lib/mozilla/native-messaging-hosts",
        mac_user: "Mozilla/NativeMessagingHosts",
        mac_system: "/Library/Application Support/Mozilla/NativeMessagingHosts",
        windows_key: r"Software\Mozilla\NativeMessagingHosts",
        flatpak: ("org.mozilla.firefox", ".mozilla/native-messaging-hosts"),
        snap: "firefox",
    },
];

pub fn by_key(key: &str) -> Option<&'static Browser> {
    BROWSERS.iter().find(|b| b.key.eq_ignore_ascii_case(key))
}

impl Browser {
    /// The directory this browser reads manifests from, for the user or system-wide.
    /// On Windows the manifest sits in the host's data directory and a registry value
    /// points at it, so this is that directory.
    pub fn manifest_dir(&self, system: bool, home: &Path, config: &Path) -> PathBuf {
        if cfg!(target_os = "macos") {
            return if system {
                PathBuf::from(self.mac_system)
            } else {
                home.join("Library/Application Support").join(self.mac_user)
            };
        }
        if system {
            return PathBuf::from(self.linux_system);
        }
        match self.family {
            Family::Firefox => home.join(self.linux_user),
            Family::Chromium => config.join(self.linux_user),
        }
    }

    /// Whether the user has a profile of this browser (its manifest directory's parent).
    pub fn has_profile(&self, home: &Path, config: &Path) -> bool {
        let dir = self.manifest_dir(false, home, config);
        dir.parent().is_some_and(Path::is_dir)
    }

    /// The manifest inside this browser's Flatpak sandbox.
    pub fn flatpak_manifest(&self, home: &Path) -> PathBuf {
        let (app, dir) = self.flatpak;
        home.join(".var/app")
            .join(app)
            .join(dir)
            .join(format!("{HOST_NAME}.json"))
    }

    /// Where the host is copied inside this browser's Flatpak sandbox.
    pub fn flatpak_copy(&self, home: &Path) -> PathBuf {
        home.join(".var/app")
            .join(self.flatpak.0)
            .join("data/latchkey/latchkey")
    }

    pub fn manifest_path(&self, system: bool, home: &Path, config: &Path) -> PathBuf {
        self.manifest_dir(system, home, config)
            .join(format!("{HOST_NAME}.json"))
    }
}
