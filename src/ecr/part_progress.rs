//! Time limits for UploadLayerPart that follow progress, not the clock.
//!
//! A part is up to 20 MiB, sent as base64 in JSON (about 4/3 of that on the
//! wire). A fixed attempt timeout fails every large part on an ordinary
//! uplink (10 MiB at 8 Mbit/s takes 14 s; four at once, 56 s). Instead:
//! - the request body is handed to the connection in small slices and each
//!   slice counts as progress; an attempt fails when **no byte has moved
//!   for the stall timeout**;
//! - once the whole body is handed over, what the kernel buffered (up to
//!   [`HIDDEN`] bytes: a socket's send buffer plus the peer's receive
//!   window) still has to cross the link, out of sight: the answer may take
//!   the stall timeout plus that at [`MIN_RATE`] (on a real uplink those
//!   buffers hold about two round trips of bytes, so this is rarely
//!   reached; on loopback they hold megabytes);
//! - the SDK's attempt timeout becomes a **budget that grows with the
//!   bytes** (at least [`MIN_RATE`] bytes a second), a backstop for a link
//!   that trickles forever.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_ecr::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_ecr::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ecr::error::BoxError;
use aws_smithy_types::body::SdkBody;
use futures_util::FutureExt as _;
use http_body_util::BodyExt as _;
use hyper::body::{Bytes, Frame};

/// The slowest link a part's budget allows for (bytes a second): 128 kbit/s.
pub const MIN_RATE: u64 = 16 * 1024;
/// The most a connection's buffers may hold out of sight (Linux's largest
/// send buffer, 4 MiB, plus a receive window).
pub const HIDDEN: u64 = 4 * 1024 * 1024 + 512 * 1024;
/// Slices the body is handed over in (each one is progress).
const SLICE: usize = 64 * 1024;

/// The budget for one attempt of a part of `body_bytes` bytes on the wire.
pub fn part_budget(base: Duration, body_bytes: u64) -> Duration {
    base + Duration::from_secs(body_bytes / MIN_RATE)
}

/// Bytes on the wire for a part of `n` bytes: base64 plus the JSON around.
pub fn wire_bytes(n: u64) -> u64 {
    n.div_ceil(3) * 4 + 512
}

#[derive(Debug, Default)]
struct Clock {
    /// The current attempt's start (None: not sent yet; waiting for a
    /// permit or the rate gate is not a stall).
    started: Option<Instant>,
    /// When bytes last moved.
    moved: Option<Instant>,
    /// When the whole body had been handed over.
    done: Option<Instant>,
    /// The body's length.
    len: u64,
}

/// How one part's bytes are moving (shared with its counted body).
#[derive(Debug, Default)]
pub struct PartProgress {
    clock: Mutex<Clock>,
    /// The request body as serialized (shared with the SDK, not copied).
    sent: Mutex<Option<Bytes>>,
}

impl PartProgress {
    fn start_attempt(&self, now: Instant, len: u64) {
        if let Ok(mut c) = self.clock.lock() {
            *c = Clock {
                started: Some(now),
                moved: Some(now),
                done: None,
                len,
            };
        }
    }

    fn moved(&self, now: Instant, last: bool) {
        if let Ok(mut c) = self.clock.lock() {
            c.moved = Some(now);
            if last {
                c.done = Some(now);
            }
        }
    }

    /// The part's bytes, read back from the body already sent: a try made
    /// again after a throttle needs them, and keeping a second copy of every
    /// part just in case would cost a part's size of memory per upload.
    pub fn sent_part(&self) -> Option<Vec<u8>> {
        use base64::Engine as _;
        let body = self.sent.lock().ok()?.clone()?;
        let v: serde_json::Value = serde_json::from_slice(&body).ok()?;
        base64::engine::general_purpose::STANDARD
            .decode(v.get("layerPartBlob")?.as_str()?)
            .ok()
    }

    /// Whether the attempt has stalled at `now`: how long nothing has moved,
    /// when that is too long.
    pub fn stalled(&self, now: Instant, stall: Duration) -> Option<Duration> {
        let c = self.clock.lock().ok()?;
        let (_started, moved) = (c.started?, c.moved?);
        let idle = now.saturating_duration_since(moved);
        let allowed = match c.done {
            // Handed over: what the kernel holds drains at the link's pace,
            // out of sight.
            Some(_) => stall + Duration::from_secs(c.len.min(HIDDEN) / MIN_RATE),
            None => stall,
        };
        (idle >= allowed).then_some(idle)
    }

    /// Resolves once the attempt has stalled; returns for how long.
    pub async fn watch(&self, stall: Duration) -> Duration {
        let tick = (stall / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
        loop {
            tokio::time::sleep(tick).await;
            if let Some(idle) = self.stalled(Instant::now(), stall) {
                return idle;
            }
        }
    }
}

/// Replaces the request body with one handed over in slices, each counted.
#[derive(Debug)]
pub struct CountedBody(pub Arc<PartProgress>);

impl Intercept for CountedBody {
    fn name(&self) -> &'static str {
        "ecrscope-part-progress"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let Some(body) = request.body().try_clone() else {
            return Ok(());
        };
        // An in-memory body: one frame, collected at once, without a copy.
        let Some(Ok(collected)) = body.collect().now_or_never() else {
            return Ok(());
        };
        let bytes = collected.to_bytes();
        self.0.start_attempt(Instant::now(), bytes.len() as u64);
        if let Ok(mut s) = self.0.sent.lock() {
            *s = Some(bytes.clone());
        }
        let progress = self.0.clone();
        *request.body_mut() = SdkBody::retryable(move || sliced(bytes.clone(), progress.clone()));
        Ok(())
    }
}

fn sliced(bytes: Bytes, progress: Arc<PartProgress>) -> SdkBody {
    let len = bytes.len();
    let slices: Vec<Bytes> = (0..len)
        .step_by(SLICE)
        .map(|i| bytes.slice(i..(i + SLICE).min(len)))
        .collect();
    let n = slices.len();
    let stream = futures_util::stream::iter(slices.into_iter().enumerate().map(move |(i, s)| {
        // Asked for by the connection: the slices before it are gone.
        progress.moved(Instant::now(), i + 1 == n);
        Ok::<_, Infallible>(Frame::data(s))
    }));
    SdkBody::from_body_1_x(http_body_util::StreamBody::new(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_stalls_before_it_is_sent() {
        let p = PartProgress::default();
        assert_eq!(p.stalled(Instant::now(), Duration::ZERO), None);
    }

    #[test]
    fn a_stall_is_time_without_bytes_not_time_in_all() {
        let p = PartProgress::default();
        let t0 = Instant::now();
        let stall = Duration::from_secs(30);
        p.start_attempt(t0, 20 << 20);
        // Ten minutes of steady trickle: never a stall.
        for s in (10..600).step_by(10) {
            p.moved(t0 + Duration::from_secs(s), false);
            assert_eq!(p.stalled(t0 + Duration::from_secs(s + 5), stall), None);
        }
        // Then nothing for 31 s.
        let last = t0 + Duration::from_secs(590);
        assert!(p.stalled(last + Duration::from_secs(31), stall).is_some());
    }

    #[test]
    fn after_the_last_slice_what_is_buffered_may_still_cross_slowly() {
        let p = PartProgress::default();
        let t0 = Instant::now();
        let stall = Duration::from_secs(30);
        // 800 KB, all taken by the kernel at once (loopback).
        p.start_attempt(t0, 800_000);
        p.moved(t0, true);
        let hidden = Duration::from_secs(800_000 / MIN_RATE);
        assert_eq!(
            p.stalled(t0 + stall + hidden - Duration::from_secs(1), stall),
            None
        );
        assert!(p.stalled(t0 + stall + hidden, stall).is_some());
        // A big part: at most the buffers' worth is out of sight.
        p.start_attempt(t0, 20 << 20);
        p.moved(t0, true);
        let most = Duration::from_secs(HIDDEN / MIN_RATE);
        assert!(p.stalled(t0 + stall + most, stall).is_some());
    }

    #[test]
    fn the_part_is_read_back_from_the_body_sent() {
        use base64::Engine as _;
        let p = PartProgress::default();
        assert_eq!(p.sent_part(), None);
        let part = vec![7u8; 1000];
        let body = serde_json::json!({
            "uploadId": "u",
            "layerPartBlob": base64::engine::general_purpose::STANDARD.encode(&part),
        });
        *p.sent.lock().expect("lock") = Some(Bytes::from(body.to_string()));
        assert_eq!(p.sent_part(), Some(part));
    }

    #[test]
    fn the_budget_grows_with_the_bytes() {
        let base = Duration::from_secs(20);
        let ten_mib = wire_bytes(10 * 1024 * 1024);
        assert!(ten_mib > 13 * 1024 * 1024, "base64 is 4/3");
        let b = part_budget(base, ten_mib);
        assert!(b >= Duration::from_secs(850), "{b:?}: 13.3 MiB at 16 KiB/s");
        assert_eq!(part_budget(base, 0), base);
    }
}
