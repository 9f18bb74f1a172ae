//! The vault file both the extension and the command line use.
//!
//! The vault only grows: a write that would drop a record the file holds is refused
//! (checked with `VaultFile::contains_all`). Writes are atomic (a temp file in the same
//! directory, fsync, rename, fsync of the directory), serialized across processes by an
//! exclusive lock on a sibling `.lock` file, and the previous good file is kept beside the
//! vault as `<name>.last-good`. A corrupt file is reported, with what and where, and never
//! overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use latchkey_core::VaultFile;
use latchkey_core::channel::ErrorCode;
use thiserror::Error;

/// How long a writer waits for another to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Error)]
pub enum VaultStoreError {
    #[error(
        "the vault file {path} is corrupt: {reason}; it was left as it is, and the last good \
         copy (if any) is {last_good}"
    )]
    Corrupt {
        path: PathBuf,
        reason: String,
        last_good: PathBuf,
    },
    #[error("the vault offered for writing is not a vault file: {0}")]
    OfferedCorrupt(String),
    #[error(
        "refused: the new vault lacks records that {path} already holds (a vault only grows); \
         merge the two copies first"
    )]
    WouldDropRecords { path: PathBuf },
    #[error("another program is writing {path}; try again when it has finished")]
    Busy { path: PathBuf },
    #[error("{path} already exists; it was left as it is")]
    Exists { path: PathBuf },
    #[error("cannot {action} {path}: {error}")]
    Io {
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },
}

impl VaultStoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            VaultStoreError::Corrupt { .. } | VaultStoreError::OfferedCorrupt(_) => {
                ErrorCode::VaultCorrupt
            }
            VaultStoreError::WouldDropRecords { .. } => ErrorCode::VaultWouldDropRecords,
            VaultStoreError::Busy { .. } => ErrorCode::VaultBusy,
            VaultStoreError::Io { .. } | VaultStoreError::Exists { .. } => ErrorCode::VaultIo,
        }
    }
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> VaultStoreError {
    let path = path.to_owned();
    move |error| VaultStoreError::Io {
        action,
        path,
        error,
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The last good copy kept beside `path`.
pub fn last_good_path(path: &Path) -> PathBuf {
    sibling(path, ".last-good")
}

/// Reads and checks the vault file; `Ok(None)` when there is none yet.
/// The largest vault file read: 100,000 entries with some history take about 200 MB.
pub const MAX_VAULT_BYTES: u64 = 1024 * 1024 * 1024;

pub fn read(path: &Path) -> Result<Option<(String, VaultFile)>, VaultStoreError> {
    let corrupt = |reason: String| VaultStoreError::Corrupt {
        path: path.to_owned(),
        reason,
        last_good: last_good_path(path),
    };
    // A device or a pipe (`--vault /dev/zero`) would be read until memory ran out,
    // and no vault is larger than the cap: both are refused before reading.
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(corrupt("it is not a regular file".into()));
        }
        Ok(meta) if meta.len() > MAX_VAULT_BYTES => {
            return Err(corrupt(format!(
                "it is {} bytes, more than the {MAX_VAULT_BYTES} a vault may have",
                meta.len()
            )));
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", path)(e)),
    }
    let text = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", path)(e)),
    };
    let text = String::from_utf8(text).map_err(|e| {
        corrupt(format!(
            "not UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let vault = VaultFile::from_json(&text).map_err(|e| corrupt(e.to_string()))?;
    Ok(Some((text, vault)))
}

/// Holds the exclusive writer lock until dropped.
pub struct WriteLock {
    _file: File,
}

/// Takes the writer lock for `path`, waiting up to ten seconds for another writer.
pub fn lock(path: &Path) -> Result<WriteLock, VaultStoreError> {
    lock_waiting(path, LOCK_WAIT)
}

fn lock_waiting(path: &Path, wait: Duration) -> Result<WriteLock, VaultStoreError> {
    let lock_path = sibling(path, ".lock");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(io_error("create the directory of", path))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io_error("open the lock file", &lock_path))?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(WriteLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(VaultStoreError::Busy {
                    path: path.to_owned(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_error("lock", &lock_path)(e)),
        }
    }
}

/// Writes `text` as the new vault file, if it holds every record the current one does.
/// Returns the number of bytes written.
pub fn write(path: &Path, text: &str) -> Result<u64, VaultStoreError> {
    let offered =
        VaultFile::from_json(text).map_err(|e| VaultStoreError::OfferedCorrupt(e.to_string()))?;
    let _lock = lock(path)?;
    write_locked(path, text, &offered)
}

/// [`write`] for a caller that already holds the lock (the CLI's read-modify-write).
pub fn write_locked(path: &Path, text: &str, offered: &VaultFile) -> Result<u64, VaultStoreError> {
    if let Some((current_text, current)) = read(path)? {
        if !offered.contains_all(&current) {
            return Err(VaultStoreError::WouldDropRecords {
                path: path.to_owned(),
            });
        }
        if current_text == text {
            return Ok(text.len() as u64);
        }
        replace(&last_good_path(path), current_text.as_bytes())?;
    }
    replace(path, text.as_bytes())?;
    Ok(text.len() as u64)
}

/// Atomically replaces `path` with `bytes`: a new temp file (random name, O_EXCL, 0600),
/// fsync, rename, fsync of the directory.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), VaultStoreError> {
    let dir = parent_dir(path);
    fs::create_dir_all(&dir).map_err(io_error("create the directory", &dir))?;
    let temp = write_temp(path, bytes)?;
    if let Err(e) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(io_error("rename the new file onto", path)(e));
    }
    sync_dir(&dir)
}

/// Writes `bytes` as the new file `path`, atomically, and never over an existing file
/// ([`VaultStoreError::Exists`]): a temp file is written and synced, then hard-linked to
/// `path` (which fails if the name is taken) and removed.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<(), VaultStoreError> {
    let dir = parent_dir(path);
    fs::create_dir_all(&dir).map_err(io_error("create the directory", &dir))?;
    let temp = write_temp(path, bytes)?;
    let linked = fs::hard_link(&temp, path);
    let _ = fs::remove_file(&temp);
    match linked {
        Ok(()) => sync_dir(&dir),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(VaultStoreError::Exists {
            path: path.to_owned(),
        }),
        Err(e) => Err(io_error("create", path)(e)),
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir.to_owned(),
        None => PathBuf::from("."),
    }
}

/// A new temp file beside `path` holding `bytes`, synced: `<name>.tmp-<random>`, made with
/// O_EXCL and mode 0600, so it is never a file (or link) someone else put there first: a
/// predictable name could be planted as a symlink, and writing through it would overwrite
/// whatever it points at.
fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf, VaultStoreError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    for _ in 0..16 {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| io_error("name a temp file for", path)(io::Error::other(e)))?;
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let temp = sibling(path, &format!(".tmp-{hex}"));
        let mut file = match options.open(&temp) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error("create", &temp)(e)),
        };
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(io_error("write", &temp)(e));
        }
        return Ok(temp);
    }
    Err(io_error("create a temp file for", path)(io::Error::other(
        "16 random names were all taken",
    )))
}

fn sync_dir(dir: &Path) -> Result<(), VaultStoreError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_error("sync the directory", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use getrandom::SysRng;
    use latchkey_core::{EntryDraft, KdfParams, Member, Passphrase, Trust};
    use rand_core::UnwrapErr;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("latchkey-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir.join("vault.json")
    }

    /// A new vault, and the same vault after one more entry.
    fn vault_and_grown() -> (String, String) {
        let mut rng = UnwrapErr(SysRng);
        let pass = Passphrase::new("pass phrase".into());
        let member =
            Member::create("m1", "Ada", &pass, KdfParams::minimum(), 2048, &mut rng).unwrap();
        let me = member.unlock(&pass).unwrap();
        let vault = VaultFile::create(&me, "Team", 1_700_000_000, &mut rng).unwrap();
        let mut open = vault.open(&me, &Trust::own(&me), &mut rng).unwrap();
        let draft = EntryDraft {
            title: "router".into(),
            ..EntryDraft::default()
        };
        open.add(draft, 1_700_000_001, &mut rng).unwrap();
        (vault.to_json(), open.file().to_json())
    }

    #[test]
    fn the_vault_only_grows_and_the_last_good_copy_is_kept() {
        let path = temp("grow");
        let (first, grown) = vault_and_grown();
        let (other, _) = vault_and_grown();

        assert!(read(&path).unwrap().is_none());
        write(&path, &first).unwrap();
        assert_eq!(read(&path).unwrap().unwrap().0, first);

        write(&path, &grown).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), grown);
        assert_eq!(fs::read_to_string(last_good_path(&path)).unwrap(), first);

        let shrink = write(&path, &first).unwrap_err();
        assert!(
            matches!(shrink, VaultStoreError::WouldDropRecords { .. }),
            "{shrink}"
        );
        let foreign = write(&path, &other).unwrap_err();
        assert_eq!(foreign.code(), ErrorCode::VaultWouldDropRecords);
        assert_eq!(fs::read_to_string(&path).unwrap(), grown);
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_before_it_is_read() {
        let error = read(Path::new("/dev/zero")).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn a_corrupt_file_is_reported_with_where_and_never_overwritten() {
        let path = temp("corrupt");
        let (first, _) = vault_and_grown();
        let truncated = &first[..first.len() / 2];
        fs::write(&path, truncated).unwrap();

        let err = read(&path).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.code(), ErrorCode::VaultCorrupt);
        assert!(text.contains("line") && text.contains("column"), "{text}");
        assert!(text.contains(&path.display().to_string()), "{text}");

        assert!(write(&path, &first).is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), truncated);

        let offered = write(&path, "{\"kind\":\"nope\"}").unwrap_err();
        assert!(
            matches!(offered, VaultStoreError::OfferedCorrupt(_)),
            "{offered}"
        );
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn temp_files_are_new_private_and_never_a_planted_link() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp("tempfiles");
        let dir = path.parent().unwrap().to_owned();
        // The name an earlier version used (pid-based), planted as a link to a victim.
        let victim = dir.join("victim");
        fs::write(&victim, "keep me").unwrap();
        let planted = sibling(&path, &format!(".tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();

        replace(&path, b"first").unwrap();
        replace(&path, b"second").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        // Two temp files never share a name, each is 0600, and replace leaves none behind.
        let a = write_temp(&path, b"a").unwrap();
        let b = write_temp(&path, b"b").unwrap();
        assert_ne!(a, b);
        for t in [&a, &b] {
            let mode = fs::metadata(t).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            fs::remove_file(t).unwrap();
        }
        let mut left: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let pid_name = planted.file_name().unwrap().to_string_lossy().into_owned();
        let mut want = vec![pid_name, "vault.json".into(), "victim".into()];
        want.sort();
        assert_eq!(left, want);

        // create_new never replaces a file that exists.
        let taken = create_new(&path, b"other").unwrap_err();
        assert!(matches!(taken, VaultStoreError::Exists { .. }), "{taken}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_second_writer_waits_for_the_lock() {
        let path = temp("lock");
        let held = lock(&path).unwrap();
        let busy = lock_waiting(&path, Duration::from_millis(50))
            .err()
            .unwrap();
        assert_eq!(busy.code(), ErrorCode::VaultBusy);
        drop(held);
        assert!(lock_waiting(&path, Duration::from_millis(50)).is_ok());
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }
}
