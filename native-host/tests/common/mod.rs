//! Drives the real `latchkey` binary over pipes, as a browser does, in a temporary home.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use latchkey_core::channel::{HostFrame, parse_host_frame};

pub const BIN: &str = env!("CARGO_BIN_EXE_latchkey");
pub const CHROME_ORIGIN: &str = "chrome-extension://gbaebdhpdpjkklhkedkjnnoedbdnpfej/";

/// A throwaway home directory, removed on drop.
pub struct Home {
    pub root: PathBuf,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl Home {
    pub fn new(name: &str) -> Home {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let root =
            std::env::temp_dir().join(format!("latchkey-test-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Home { root }
    }

    pub fn data(&self) -> PathBuf {
        self.root.join(".local/share/latchkey")
    }

    pub fn command(&self) -> Command {
        let mut command = Command::new(BIN);
        command
            .env("HOME", &self.root)
            .env("XDG_CONFIG_HOME", self.root.join(".config"))
            .env("XDG_DATA_HOME", self.root.join(".local/share"))
            .env_remove("LATCHKEY_VAULT")
            .env("LATCHKEY_LOG", "warn");
        command
    }

    /// Runs the CLI and returns its output.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Installs for Chromium and Firefox, as the tests' browsers.
    pub fn install(&self) {
        let out = self.cli(&["install", "--browser", "chromium", "--browser", "firefox"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the host as Chrome would for `origin`.
    pub fn launch(&self, origin: &str) -> Host {
        let child = self
            .command()
            .arg(origin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Host::new(child)
    }

    pub fn replace_in(&self, path: &Path) -> String {
        std::fs::read_to_string(path)
            .unwrap()
            .replace(&*self.root.to_string_lossy(), "$HOME")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub struct Host {
    pub child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
}

impl Host {
    fn new(mut child: Child) -> Host {
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        Host {
            child,
            stdin,
            stdout,
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, body: &[u8]) {
        let mut framed = (body.len() as u32).to_ne_bytes().to_vec();
        framed.extend_from_slice(body);
        self.send_raw(&framed);
    }

    /// Reads one frame's raw body, checking the 1 MiB limit on the way.
    pub fn recv_raw(&mut self) -> Vec<u8> {
        let mut header = [0u8; 4];
        self.stdout.read_exact(&mut header).unwrap();
        let length = u32::from_ne_bytes(header) as usize;
        assert!(length <= 1024 * 1024, "host sent a {length}-byte frame");
        let mut body = vec![0u8; length];
        self.stdout.read_exact(&mut body).unwrap();
        body
    }

    pub fn recv(&mut self) -> HostFrame {
        let body = self.recv_raw();
        parse_host_frame(&body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&body)))
    }

    /// Closes stdin and waits; returns the exit status and whatever stdout still held.
    pub fn close(mut self) -> (std::process::ExitStatus, Vec<u8>, String) {
        drop(self.stdin.take());
        let mut rest = Vec::new();
        self.stdout.read_to_end(&mut rest).unwrap();
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            e.read_to_string(&mut stderr).unwrap();
        }
        (self.child.wait().unwrap(), rest, stderr)
    }
}

/// The `(code, name)` of a plain error frame.
pub fn error_of(frame: &HostFrame) -> (u16, String, String) {
    match frame {
        HostFrame::Error {
            code,
            name,
            message,
            ..
        } => (*code, name.clone(), message.clone()),
        other => panic!("expected an error frame, got {other:?}"),
    }
}

pub const HELLO: &[u8] = br#"{"v":1,"id":1,"type":"hello","versions":[1]}"#;

pub fn assert_hello(frame: &HostFrame) {
    assert!(
        matches!(frame, HostFrame::Hello { version: 1, .. }),
        "{frame:?}"
    );
}
