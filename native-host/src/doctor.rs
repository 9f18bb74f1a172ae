//! `latchkey doctor`: checks what a browser would find, and says what to fix.

use std::fmt::Write as _;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use latchkey_core::channel::{ClientFrame, HostFrame, MAX_OUTGOING_FRAME, parse_host_frame};
use serde_json::Value;

use crate::browsers::{
    BROWSERS, Browser, CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID, Family, HOST_NAME, by_key,
};
use crate::install::{self, is_chrome_origin, is_firefox_extension};
use crate::{keystore, paths};

/// The report, and whether every check passed.
pub fn run() -> (String, bool) {
    let mut out = String::new();
    let mut ok = true;
    let (Some(home), Some(config)) = (paths::home(), paths::config_dir()) else {
        return ("no home directory: set HOME\n".into(), false);
    };

    let mut any = false;
    for browser in BROWSERS {
        for system in [false, true] {
            let path = browser.manifest_path(system, &home, &config);
            if path.is_file() {
                any = true;
                ok &= check_manifest(browser, &path, &mut out);
            }
        }
        sandbox_notes(browser, &home, &mut out);
    }
    // Manifests written into a browser's --user-data-dir by `install --profile`.
    for item in install::load_record().items {
        let browser = by_key(&item.browser).filter(|b| b.family == Family::Chromium);
        if let (Some(browser), Some(_)) = (browser, &item.profile)
            && item.manifest.is_file()
        {
            any = true;
            ok &= check_manifest(browser, &item.manifest, &mut out);
        }
    }
    if !any {
        ok = false;
        out.push_str("no latchkey manifest found for any browser; run `latchkey install`\n");
    }

    let store = keystore::status();
    let _ = writeln!(out, "OS secure store: {:?}: {}", store.state, store.message);
    (out, ok)
}

fn check_manifest(browser: &Browser, path: &Path, out: &mut String) -> bool {
    let _ = writeln!(out, "{}: {}", browser.name, path.display());
    let mut problems = Vec::new();
    let value: Value = match fs::read_to_string(path).map(|t| serde_json::from_str(&t)) {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => {
            let _ = writeln!(out, "  not JSON ({e}); run `latchkey install` again");
            return false;
        }
        Err(e) => {
            let _ = writeln!(out, "  unreadable: {e}");
            return false;
        }
    };

    if value["name"] != HOST_NAME {
        problems.push(format!("`name` should be {HOST_NAME}"));
    }
    if value["type"] != "stdio" {
        problems.push("`type` should be stdio".into());
    }
    let binary = value["path"].as_str().map(PathBuf::from);
    match &binary {
        None => problems.push("`path` is missing".into()),
        Some(p) if !p.is_absolute() => problems.push("`path` must be absolute".into()),
        Some(p) if !p.is_file() => problems.push(format!("`path` {} does not exist", p.display())),
        Some(p) if !executable(p) => problems.push(format!("{} is not executable", p.display())),
        Some(_) => {}
    }
    let (key, well_formed): (&str, fn(&str) -> bool) = match browser.family {
        Family::Chromium => ("allowed_origins", is_chrome_origin),
        Family::Firefox => ("allowed_extensions", is_firefox_extension),
    };
    match value[key].as_array() {
        Some(list) if !list.is_empty() => {
            for entry in list {
                let text = entry.as_str().unwrap_or("");
                if !well_formed(text) {
                    problems.push(format!("`{key}` entry `{text}` is not well formed"));
                }
            }
        }
        _ => problems.push(format!("`{key}` is missing or empty")),
    }

    if let (true, Some(binary)) = (problems.is_empty(), &binary)
        && let Err(problem) = launch(browser.family, binary)
    {
        problems.push(problem);
    }
    if problems.is_empty() {
        out.push_str("  ok: the manifest is valid and the host answers hello\n");
        return true;
    }
    for problem in &problems {
        let _ = writeln!(out, "  problem: {problem}");
    }
    false
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(path: &Path) -> bool {
    path.is_file()
}

/// Starts the host as the browser would and reads its answer to `hello`, explaining the
/// classic failure: anything printed before the first frame is read as a length.
fn launch(family: Family, binary: &Path) -> Result<(), String> {
    let mut command = Command::new(binary);
    match family {
        Family::Chromium => command.arg(format!("chrome-extension://{CHROME_EXTENSION_ID}/")),
        Family::Firefox => command.arg("doctor.json").arg(FIREFOX_EXTENSION_ID),
    };
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;

    let hello = ClientFrame::Hello {
        id: 1,
        versions: vec![1],
    }
    .to_bytes();
    if let Some(mut stdin) = child.stdin.take() {
        let mut framed = (hello.len() as u32).to_ne_bytes().to_vec();
        framed.extend_from_slice(&hello);
        let _ = stdin.write_all(&framed);
    }
    let Some(mut stdout) = child.stdout.take() else {
        return Err("the host's stdout could not be read".into());
    };
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        let _ = send.send(bytes);
    });
    let bytes = match receive.recv_timeout(Duration::from_secs(5)) {
        Ok(bytes) => bytes,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the host did not answer hello within 5 seconds".into());
        }
    };
    let _ = child.wait();
    explain(&bytes)
}

/// What a browser would make of these bytes on the host's stdout.
pub fn explain(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 4 {
        return Err(format!(
            "the host wrote {} bytes, too few for a frame; it may have crashed",
            bytes.len()
        ));
    }
    let mut header = [0u8; 4];
    header.copy_from_slice(&bytes[..4]);
    let length = u32::from_ne_bytes(header) as usize;
    let shown: String = bytes[..4]
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect();
    if length > MAX_OUTGOING_FRAME || length > bytes.len() - 4 {
        return Err(format!(
            "something printed to stdout before the first frame: the browser would read the \
             bytes {:02x} {:02x} {:02x} {:02x} (\"{shown}\") as a length of {length} and \
             disconnect; nothing but frames may be written to stdout",
            bytes[0], bytes[1], bytes[2], bytes[3]
        ));
    }
    match parse_host_frame(&bytes[4..4 + length]) {
        Ok(HostFrame::Hello { .. }) => Ok(()),
        Ok(HostFrame::Error { message, .. }) => Err(format!("the host refused hello: {message}")),
        Ok(_) => Err("the host answered hello with something else".into()),
        Err(e) => Err(format!(
            "the host's first frame is not a protocol message: {e}"
        )),
    }
}

fn sandbox_notes(browser: &Browser, home: &Path, out: &mut String) {
    let (app, dir) = browser.flatpak;
    let app_dir = home.join(".var/app").join(app);
    if app_dir.is_dir() {
        let manifest = app_dir.join(dir).join(format!("{HOST_NAME}.json"));
        let state = if manifest.is_file() {
            "has a latchkey manifest in its sandbox"
        } else {
            "has no latchkey manifest in its sandbox; run `latchkey install`"
        };
        let _ = writeln!(
            out,
            "{} (Flatpak {app}) {state}; the sandbox must also be allowed to reach the OS store \
             (flatpak override --user --talk-name=org.freedesktop.secrets {app})",
            browser.name
        );
    }
    if !browser.snap.is_empty() && home.join("snap").join(browser.snap).is_dir() {
        let _ = writeln!(
            out,
            "{} is a Snap: its confinement blocks starting the host; use a .deb build or the \
             passphrase",
            browser.name
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn text_before_the_first_frame_is_explained_as_a_length() {
        let err = explain(b"hello from a shell profile\n").unwrap_err();
        // "hell" read as a little-endian u32 is 0x6c6c6568.
        assert!(err.contains("68 65 6c 6c"), "{err}");
        assert!(err.contains(&format!("{}", 0x6c6c_6568u32)), "{err}");
    }
}
