//! `rulec serve`: a decision service over HTTP, for host applications in any language.
//!
//! One tokio runtime; hyper serves HTTP/1.1 on each accepted connection. A semaphore bounds the
//! connections served at once; hyper's header timeout bounds a client that sends its request
//! slowly or sits idle between requests, and a watchdog closes a connection that moves no bytes
//! either way for the body and header timeouts together. SIGHUP and `--watch` reload the catalog; SIGTERM and SIGINT
//! stop accepting, let the requests in flight finish within the shutdown timeout, and exit 0.

mod http;
mod metrics;
mod state;

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::cli::{OK, ServeArgs, USAGE};
use http::Limits;
use state::State;

pub(crate) fn run(args: &ServeArgs) -> u8 {
    if !args.listen.ip().is_loopback() && !args.allow_remote {
        eprintln!(
            "error: `{}` is not a loopback address: `rulec serve` answers anyone who can reach it, so give `--allow-remote` as well to listen there",
            args.listen
        );
        return USAGE;
    }
    let state = match State::load(args.catalog.paths()) {
        Ok(state) => Arc::new(state),
        Err(code) => return code,
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(threads) = args.threads {
        runtime.worker_threads(threads.get());
    }
    match runtime.build() {
        Ok(runtime) => runtime.block_on(serve(state, args)),
        Err(error) => {
            eprintln!("error: cannot start the server's threads: {error}");
            USAGE
        }
    }
}

/// How a connection is served.
#[derive(Debug, Clone, Copy)]
struct Settings {
    limits: Limits,
    header_timeout: Duration,
    max_header_bytes: usize,
}

async fn serve(state: Arc<State>, args: &ServeArgs) -> u8 {
    let listener = match TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.listen);
            return USAGE;
        }
    };
    let address = listener
        .local_addr()
        .map_or_else(|_| args.listen.to_string(), |a| a.to_string());
    let settings = Settings {
        limits: Limits {
            max_event_bytes: args.max_event_bytes,
            max_body_bytes: args.max_body_bytes,
            body_timeout: Duration::from_secs(args.body_timeout.max(1)),
            min_body_rate: args.min_body_rate,
        },
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        max_header_bytes: args.max_header_bytes.max(8 << 10),
    };
    let (stop, stopped) = watch::channel(false);
    let drain = Duration::from_secs(args.drain_delay);
    if let Err(error) = signals(&state, stop, args.watch, drain) {
        eprintln!("error: cannot handle signals: {error}");
        return USAGE;
    }
    // Only now, with the signal handlers in place, may a supervisor (or a test) that waits for
    // this line send SIGTERM: before them, the default action would kill the process undrained.
    eprintln!(
        "rulec serve: listening on http://{address} (catalog {})",
        state.current().hash
    );
    let permits = Arc::new(Semaphore::new(args.max_connections.max(1)));
    let mut connections = JoinSet::new();
    let mut stopping = stopped.clone();
    loop {
        let permit = tokio::select! {
            _ = stopping.changed() => break,
            permit = Arc::clone(&permits).acquire_owned() => permit,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            _ = stopping.changed() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let state = Arc::clone(&state);
                let stopped = stopped.clone();
                connections.spawn(async move {
                    connection(stream, state, settings, stopped).await;
                    drop(permit);
                });
            }
            // Out of descriptors, say: wait a little rather than spin.
            Err(error) => {
                eprintln!("warning: cannot accept a connection: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        while connections.try_join_next().is_some() {}
    }
    state.stop();
    drop(listener);
    let deadline = Duration::from_secs(args.shutdown_timeout);
    let drained = tokio::time::timeout(deadline, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        eprintln!(
            "warning: {} connection(s) still open after the {}-second shutdown timeout were closed",
            connections.len(),
            args.shutdown_timeout
        );
        connections.abort_all();
    }
    eprintln!("rulec serve: stopped");
    OK
}

/// SIGTERM and SIGINT stop the server, after `drain` with `/readyz` answering 503; SIGHUP, and
/// a change with `--watch`, reload it.
fn signals(
    state: &Arc<State>,
    stop: watch::Sender<bool>,
    watch_files: bool,
    drain: Duration,
) -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let stopping = Arc::clone(state);
    tokio::spawn(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
        stopping.stop();
        if !drain.is_zero() {
            eprintln!(
                "rulec serve: stopping in {} s: /readyz answers 503",
                drain.as_secs()
            );
            tokio::time::sleep(drain).await;
        }
        eprintln!("rulec serve: stopping: no new connections; finishing the requests in flight");
        let _ = stop.send(true);
    });
    let reloading = Arc::clone(state);
    tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            let state = Arc::clone(&reloading);
            let _ = tokio::task::spawn_blocking(move || state.reload()).await;
        }
    });
    if watch_files {
        let watched = Arc::clone(state);
        tokio::spawn(async move {
            let mut seen = watched.fingerprint();
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let now = watched.fingerprint();
                if now != seen {
                    seen = now;
                    let state = Arc::clone(&watched);
                    let _ = tokio::task::spawn_blocking(move || state.reload()).await;
                }
            }
        });
    }
    Ok(())
}

/// Serves one connection until it closes, goes quiet for the body timeout, or the server stops.
async fn connection(
    stream: TcpStream,
    state: Arc<State>,
    settings: Settings,
    mut stopped: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let clock = Instant::now();
    let activity = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Watched {
        inner: stream,
        clock,
        activity: Arc::clone(&activity),
    });
    let limits = settings.limits;
    let service = service_fn(move |request| http::handle(request, Arc::clone(&state), limits));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout)
        .max_buf_size(settings.max_header_bytes);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    // Longer than either timeout, so that a request they end still gets its answer.
    let quiet = settings.limits.body_timeout + settings.header_timeout;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut stopping = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            changed = stopped.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
            _ = tick.tick() => {
                let last = Duration::from_millis(activity.load(Ordering::Relaxed));
                if clock.elapsed().saturating_sub(last) > quiet {
                    return;
                }
            }
        }
    }
}

/// A connection's socket, noting when bytes last moved either way.
struct Watched {
    inner: TcpStream,
    clock: Instant,
    activity: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        let now = u64::try_from(self.clock.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.activity.store(now, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
