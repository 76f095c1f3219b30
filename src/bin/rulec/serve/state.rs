//! The catalog a server decides with, swapped whole on reload: a request takes the current one
//! once and decides with it to the end, whatever reloads happen meanwhile.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use rulec::Engine;

use super::metrics::Metrics;
use crate::cli::FAILED;
use crate::load;

/// A loaded catalog and what `GET /v1/catalog` says about it.
pub(crate) struct Loaded {
    pub(crate) engine: Engine,
    /// [`rulec::Catalog::hash`].
    pub(crate) hash: String,
    /// When it was loaded, RFC 3339 in UTC.
    pub(crate) since: String,
}

impl Loaded {
    fn new(engine: Engine) -> Self {
        Self {
            hash: engine.catalog().hash(),
            engine,
            since: rfc3339(SystemTime::now()),
        }
    }
}

/// What every request shares.
pub(crate) struct State {
    paths: Vec<PathBuf>,
    current: RwLock<Arc<Loaded>>,
    pub(crate) metrics: Metrics,
    /// Cleared at shutdown: `/readyz` then says so.
    ready: AtomicBool,
    /// Held while a reload runs.
    reloading: Mutex<()>,
}

impl State {
    /// Loads the catalog at `paths`, or returns the exit code after printing why not.
    pub(crate) fn load(paths: Vec<PathBuf>) -> Result<Self, u8> {
        let catalog = load::catalog(&paths, "not serving", FAILED)?;
        Ok(Self {
            paths,
            current: RwLock::new(Arc::new(Loaded::new(Engine::new(catalog)))),
            metrics: Metrics::default(),
            ready: AtomicBool::new(true),
            reloading: Mutex::new(()),
        })
    }

    /// The catalog to decide a request with.
    pub(crate) fn current(&self) -> Arc<Loaded> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Loads the catalog again. One that fails to load is not used: the old one stays, its
    /// diagnostics go to standard error and the failure is counted. Blocking: call it off the
    /// request threads.
    pub(crate) fn reload(&self) {
        // A SIGHUP and a file change can come together: one reload at a time, so that the last
        // to start is the last to finish.
        let _one = self
            .reloading
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match load::catalog(
            &self.paths,
            "the catalog is not reloaded; the old one stays",
            FAILED,
        ) {
            Ok(catalog) => {
                let loaded = Arc::new(Loaded::new(Engine::new(catalog)));
                eprintln!("rulec serve: reloaded the catalog ({})", loaded.hash);
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = loaded;
                self.metrics.reloaded(true);
            }
            Err(_) => self.metrics.reloaded(false),
        }
    }

    /// The files of the catalog and their modification times and sizes, to notice a change.
    pub(crate) fn fingerprint(&self) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
        let mut files = Vec::new();
        for path in &self.paths {
            let found = rulec::source::files_under(path, true, |p| {
                p.extension().is_some_and(|e| e == "rules")
            })
            .unwrap_or_else(|_| vec![path.clone()]);
            for file in found {
                let meta = std::fs::metadata(&file).ok();
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                let len = meta.map_or(0, |m| m.len());
                files.push((file, modified, len));
            }
        }
        files
    }

    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed)
    }

    pub(crate) fn stop(&self) {
        self.ready.store(false, Ordering::Relaxed);
    }
}

/// A time as RFC 3339 in UTC, to the second.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::rfc3339;

    #[test]
    fn writes_utc_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let time = UNIX_EPOCH + Duration::from_secs(1_796_220_897);
        assert_eq!(rfc3339(time), "2026-12-02T14:14:57Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_825_600);
        assert_eq!(rfc3339(leap), "2000-02-29T12:00:00Z");
    }
}
