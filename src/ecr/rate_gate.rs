//! A per-registry send-rate gate that learns the server's throttling rate.
//!
//! The SDK's adaptive retry slows down after a throttle but recovers along a
//! cubic curve that keeps it well under the cap for most of a long listing
//! (measured by `cargo bench --bench listing`: 1.22x the lower bound with it
//! alone, 1.46x with both it and this gate, 1.02x with this gate and the
//! SDK's standard retry, which is what the clients use). This gate is
//! simpler and closer to the physics of a token bucket: until the first
//! throttle it does nothing; the first throttle ends a flood in which the
//! bucket gave its burst plus its rate, so the rate is taken as admitted /
//! (1 s + flood length), a little below; each quiet second it climbs a
//! tenth (a cap is not known yet) or one request/s up to just under a
//! known cap; a throttle while limited cuts once, under both the rate sent
//! at and what was admitted (between two throttles the bucket was empty,
//! so that is the cap), and sets the cap; throttles of requests sent
//! before a cut are the same event. 30 quiet seconds under a cap look 10 %
//! higher; with no cap the climb opens the gate again. A discrete-event
//! test runs the real gate against token buckets of several shapes.
//! An interceptor reports each attempt's outcome; [`RateGate::wait`] runs
//! before each request is sent, retries of a throttled request included: the
//! SDK does not retry throttles itself ([`NoThrottleRetry`]), `EcrClient::run`
//! does, through the gate, so a retry waits for its slot like any request.
//!
//! ECR's request quotas are per API action, per account and region ("Each
//! API operation in Amazon ECR has a rate throttle associated with it ...
//! each account receives a bucket", Troubleshooting Amazon ECR error
//! messages, docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors.html):
//! [`RateGates`] keeps one gate per action, so a throttled PutImage does not
//! slow browsing.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_ecr::config::interceptors::{
    BeforeDeserializationInterceptorContextRef, InterceptorContext,
};
use aws_sdk_ecr::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_ecr::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ecr::error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::classifiers::RetryClassifierPriority;

/// How far back admitted answers are kept.
const WINDOW: Duration = Duration::from_secs(2);
/// Below the measured rate after a throttle, so the next second is quiet.
const BACKOFF: f64 = 0.95;
/// Throttles this close together are one event (a round trip).
const SAME_EVENT: Duration = Duration::from_millis(200);
/// The cut when throttled at a rate the gate already set.
const CUT: f64 = 0.85;
/// Growth of the rate per quiet second while no cap is known.
const CLIMB: f64 = 1.1;
/// A rate past which the gate opens again (above any ECR quota).
const OPEN: f64 = 5_000.0;
/// Growth of the rate per second without a throttle.
const PROBE: f64 = 1.0;
const FLOOR: f64 = 5.0;
/// How close to a known cap probing goes.
const CEILING_MARGIN: f64 = 0.97;
/// Quiet time after which a known cap is looked past (10 % higher): long
/// enough that a steady run just under the cap is not throttled again
/// every few seconds (at 10 s the search benchmark met a third wave).
const FORGET: Duration = Duration::from_secs(30);

#[derive(Debug, Default)]
struct Inner {
    /// Requests per second; `None` until the first throttle.
    rate: Option<f64>,
    /// When the next request may go.
    next_at: Option<Instant>,
    last_throttle: Option<Instant>,
    last_probe: Option<Instant>,
    /// Until when throttles still answer requests sent before the last
    /// cut (the last slot then given, plus a round trip).
    settle_until: Option<Instant>,
    /// The admitted rate when the server last throttled: probing stays
    /// just under it (and it rises 10 % after ten quiet seconds), so a
    /// steady run is throttled once, not every few seconds. `None` after a
    /// lone throttle, which says little about the cap.
    ceiling: Option<f64>,
    /// Answered attempts in the last second.
    admitted: VecDeque<Instant>,
}

#[derive(Debug, Default)]
pub struct RateGate {
    inner: Mutex<Inner>,
}

impl RateGate {
    /// The current limit (None: unlimited), for tests and the benchmark.
    pub fn rate(&self) -> Option<f64> {
        self.inner.lock().ok().and_then(|i| i.rate)
    }

    /// How long the caller must wait before sending, reserving its slot.
    pub fn reserve(&self, now: Instant) -> Duration {
        let Ok(mut i) = self.inner.lock() else {
            return Duration::ZERO;
        };
        // A known cap, long quiet: look a little higher, still gently (with
        // no cap known the climb below opens the gate in time).
        if i.last_throttle
            .is_some_and(|t| now.duration_since(t) >= FORGET)
            && let Some(c) = i.ceiling
        {
            i.ceiling = Some(c * 1.1);
            i.last_throttle = Some(now);
        }
        // Probe upwards while quiet, up to just under the known cap.
        if let (Some(rate), Some(probe)) = (i.rate, i.last_probe)
            && now.duration_since(probe) >= Duration::from_secs(1)
        {
            let up = match i.ceiling {
                Some(_) => rate + PROBE,
                None => (rate * CLIMB).max(rate + PROBE),
            };
            i.rate = Some(match i.ceiling {
                Some(c) => up.min((c * CEILING_MARGIN).max(rate)),
                None => up,
            });
            i.last_probe = Some(now);
            if i.rate.is_some_and(|r| r > OPEN) {
                *i = Inner {
                    admitted: std::mem::take(&mut i.admitted),
                    ..Inner::default()
                };
            }
        }
        let Some(rate) = i.rate else {
            return Duration::ZERO;
        };
        let slot = i.next_at.map_or(now, |t| t.max(now));
        i.next_at = Some(slot + Duration::from_secs_f64(1.0 / rate));
        slot.saturating_duration_since(now)
    }

    /// Waits for this request's slot.
    pub async fn wait(&self) {
        let d = self.reserve(Instant::now());
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
    }

    pub fn admitted(&self, now: Instant) {
        if let Ok(mut i) = self.inner.lock() {
            i.admitted.push_back(now);
            while i
                .admitted
                .front()
                .is_some_and(|t| now.duration_since(*t) > WINDOW)
            {
                i.admitted.pop_front();
            }
        }
    }

    pub fn throttled(&self, now: Instant) {
        let Ok(mut i) = self.inner.lock() else {
            return;
        };
        // Several requests in flight see the same throttle, and so do
        // those that had their slots, at the old rate, before the cut: one
        // cut for them all.
        if i.last_throttle
            .is_some_and(|t| now.duration_since(t) < SAME_EVENT)
            || i.settle_until.is_some_and(|t| now < t)
        {
            tracing::trace!(target: "ecrscope::rate_gate", "throttled (the same event)");
            return;
        }
        let within = |d: Duration| {
            i.admitted
                .iter()
                .filter(|t| now.duration_since(**t) <= d)
                .count() as f64
        };
        let seen = within(Duration::from_secs(1));
        match i.rate {
            // The first throttle ends a flood that began with the oldest
            // answer kept: a token bucket admitted its burst plus its rate
            // for the flood's length, so with a burst of about one
            // second's worth (the demo endpoint's, and a common bucket
            // shape) rate ≈ admitted / (1 s + length). Cutting to the
            // one-second count overshot by the burst and cost a second
            // wave of throttles; halving it undershot, and climbing back
            // through a refilled bucket overshot later.
            None => {
                let flood = i
                    .admitted
                    .front()
                    .map_or(Duration::ZERO, |t| now.duration_since(*t))
                    .min(WINDOW);
                let admitted = within(WINDOW);
                i.rate = Some((admitted / (1.0 + flood.as_secs_f64()) * BACKOFF).max(FLOOR));
            }
            // Throttled while limited: the cap is below the rate sent at
            // and, once a refilled bucket is spent, near what was admitted.
            // Cut well under it (one cut, not a 5 % step every 200 ms while
            // the throttles go on) and never probe back above it.
            Some(r) => {
                // Throttled at both ends of a short span, the bucket was
                // empty in between: what was admitted then is the cap
                // itself (a bucket larger than guessed left the first cut
                // far too high: 5 % steps took seconds of throttles).
                let since = i
                    .last_throttle
                    .map(|t| now.duration_since(t))
                    .filter(|d| *d <= WINDOW && *d >= SAME_EVENT);
                let between = since.map_or(f64::INFINITY, |d| within(d) / d.as_secs_f64());
                let seen = seen.min(between);
                if seen >= 2.0 * FLOOR {
                    let cap = r.min(seen) * BACKOFF;
                    i.ceiling = Some(i.ceiling.map_or(cap, |c| c.min(cap)));
                }
                let under = i.ceiling.map_or(f64::INFINITY, |c| c * CEILING_MARGIN);
                i.rate = Some((r * CUT).min(seen * BACKOFF).min(under).max(FLOOR));
            }
        }
        tracing::debug!(
            target: "ecrscope::rate_gate",
            rate = i.rate,
            ceiling = i.ceiling,
            admitted_last_second = seen,
            "throttled: send rate cut"
        );
        i.last_throttle = Some(now);
        i.last_probe = Some(now);
        i.settle_until = Some(i.next_at.map_or(now, |t| t.max(now)) + SAME_EVENT);
    }
}

/// One account and region's budget: a gate per API action, and the
/// requests in flight. Two profiles of one account in one region are one
/// ECR registry: they share both, so searching both at once neither sends
/// twice the rate nor floods the bucket with twice the requests before the
/// first throttle comes back (measured: 12 of 16 in flight throttled then).
#[derive(Debug)]
pub struct RateGates {
    by_action: Mutex<HashMap<String, Arc<RateGate>>>,
    /// The in-flight limit and its semaphore: replaced, not resized, when
    /// the preference changes (requests holding the old one finish on it).
    permits: Mutex<(usize, Arc<tokio::sync::Semaphore>)>,
}

/// The in-flight limit of a budget made without one (a poisoned slot's
/// fallback): the preference's default.
const DEFAULT_IN_FLIGHT: usize = 8;

impl Default for RateGates {
    fn default() -> Self {
        Self::new(DEFAULT_IN_FLIGHT)
    }
}

impl RateGates {
    pub fn new(in_flight: usize) -> Self {
        let n = in_flight.max(1);
        Self {
            by_action: Mutex::default(),
            permits: Mutex::new((n, Arc::new(tokio::sync::Semaphore::new(n)))),
        }
    }

    /// The semaphore a request holds a permit of while it is in flight.
    pub fn permits(&self) -> Arc<tokio::sync::Semaphore> {
        self.permits.lock().map_or_else(
            |_| Arc::new(tokio::sync::Semaphore::new(DEFAULT_IN_FLIGHT)),
            |p| p.1.clone(),
        )
    }

    /// At most `n` requests in flight from now on (a changed preference).
    pub fn set_in_flight(&self, n: usize) {
        let n = n.max(1);
        if let Ok(mut p) = self.permits.lock()
            && p.0 != n
        {
            *p = (n, Arc::new(tokio::sync::Semaphore::new(n)));
        }
    }

    /// The gate of `action` (made on first use).
    pub fn action(&self, action: &str) -> Arc<RateGate> {
        let Ok(mut m) = self.by_action.lock() else {
            return Arc::new(RateGate::default());
        };
        m.entry(action.to_owned()).or_default().clone()
    }

    /// The rate learned for `action`, if any (None: unlimited).
    pub fn rate(&self, action: &str) -> Option<f64> {
        self.by_action
            .lock()
            .ok()
            .and_then(|m| m.get(action).and_then(|g| g.rate()))
    }
}

/// The budget a client sends through: its own until the account it calls
/// as is known, then the one every client of that account and region
/// shares (ECR's request quotas are per account and region, so two
/// profiles on one account share one budget).
#[derive(Debug)]
pub struct GateSlot(std::sync::RwLock<Arc<RateGates>>);

impl GateSlot {
    pub fn new(gates: RateGates) -> Self {
        Self(std::sync::RwLock::new(Arc::new(gates)))
    }

    pub fn current(&self) -> Arc<RateGates> {
        self.0
            .read()
            .map_or_else(|_| Arc::new(RateGates::default()), |g| g.clone())
    }

    /// From now on, send through `gates`.
    pub fn share(&self, gates: Arc<RateGates>) {
        if let Ok(mut g) = self.0.write() {
            *g = gates;
        }
    }
}

/// Whether an HTTP answer is a throttle (429, or a 400 whose error type
/// says so).
fn is_throttle(status: u16, error_type: &str) -> bool {
    status == 429 || (status == 400 && error_type.contains("Throttl"))
}

/// Tells the SDK not to retry a throttled request: `EcrClient::run` retries
/// it through the rate gate instead (the SDK's own retry would not wait for
/// the gate, and two clients sharing an account's budget would go on
/// bursting into it: measured at about 4 % throttled answers).
#[derive(Debug)]
pub struct NoThrottleRetry;

impl ClassifyRetry for NoThrottleRetry {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(r)
                if is_throttle(
                    r.status().as_u16(),
                    r.headers().get("x-amzn-errortype").unwrap_or_default(),
                ) =>
            {
                RetryAction::RetryForbidden
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "ecrscope-no-throttle-retry"
    }

    fn priority(&self) -> RetryClassifierPriority {
        // After the SDK's own classifiers, so its verdict is overruled.
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// Tells the gate how each attempt went (SDK retries included).
#[derive(Debug)]
pub struct ThrottleSignal(pub Arc<GateSlot>);

impl Intercept for ThrottleSignal {
    fn name(&self) -> &'static str {
        "ecrscope-throttle-signal"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let r = context.response();
        let status = r.status().as_u16();
        let kind = r.headers().get("x-amzn-errortype").unwrap_or_default();
        let action = cfg.load::<Metadata>().map_or("", Metadata::name);
        let gate = self.0.current().action(action);
        let now = Instant::now();
        if is_throttle(status, kind) {
            gate.throttled(now);
        } else if status < 500 {
            // An answer the server counted against the rate, an error
            // included (ImageNotFound is what most of a tag search hears).
            gate.admitted(now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_has_its_own_gate() {
        let g = RateGates::default();
        let t0 = Instant::now();
        let put = g.action("PutImage");
        put.admitted(t0);
        put.throttled(t0);
        assert!(g.rate("PutImage").is_some());
        assert_eq!(g.rate("DescribeImages"), None, "browsing is not slowed");
        assert!(
            Arc::ptr_eq(&put, &g.action("PutImage")),
            "one gate an action"
        );
        assert_eq!(g.action("DescribeImages").reserve(t0), Duration::ZERO);
    }

    #[test]
    fn a_burst_before_the_first_throttle_is_spread_over_two_seconds() {
        let g = RateGate::default();
        let t0 = Instant::now();
        // A 20/s server with a burst of 20: 40 answers in the first second.
        for k in 0..40 {
            g.admitted(t0 + Duration::from_millis(k * 25));
        }
        g.throttled(t0 + Duration::from_millis(1000));
        assert_eq!(g.rate(), Some(20.0 * BACKOFF), "not 40 × {BACKOFF}");
    }

    #[test]
    fn unlimited_until_a_throttle_then_the_rate_under_the_burst() {
        let g = RateGate::default();
        let t0 = Instant::now();
        assert_eq!(g.reserve(t0), Duration::ZERO);
        // A 50/s server with a one-second burst, flooded: 60 answers in
        // 200 ms (50 from the bucket, 10 refilled), then a throttle.
        for k in 0..60 {
            g.admitted(t0 + Duration::from_micros(k * 3_333));
        }
        let now = t0 + Duration::from_millis(200);
        g.throttled(now);
        let r = g.rate().expect("limited");
        assert!((r - 50.0 * BACKOFF).abs() < 0.5, "{r}: not 60 × {BACKOFF}");
        // Slots are spaced by 1/rate.
        let a = g.reserve(now);
        let b = g.reserve(now);
        assert_eq!(a, Duration::ZERO);
        assert!((b.as_secs_f64() - 1.0 / r).abs() < 1e-6);
        // A second throttle right after (another in-flight request) is the
        // same event.
        g.throttled(now + Duration::from_millis(10));
        assert_eq!(g.rate(), Some(r));
    }

    #[test]
    fn quiet_seconds_climb_until_the_gate_opens() {
        let g = RateGate::default();
        let t0 = Instant::now();
        g.admitted(t0);
        g.throttled(t0);
        assert_eq!(g.rate(), Some(FLOOR), "a lone throttle: the floor");
        g.reserve(t0 + Duration::from_millis(1500));
        assert_eq!(g.rate(), Some(FLOOR + 1.0), "at least one more a second");
        // No cap known: the rate grows by a tenth a quiet second, so a
        // stray throttle does not hold a run back for long...
        for s in 2..30 {
            g.reserve(t0 + Duration::from_secs(s));
        }
        let r = g.rate().expect("still limited");
        assert!(r > 50.0, "{r}");
        // ...and past any quota the gate is open again.
        for s in 30..120 {
            g.reserve(t0 + Duration::from_secs(s));
        }
        assert_eq!(g.rate(), None);
    }

    #[test]
    fn under_a_known_cap_probing_stops_just_below_it() {
        let g = RateGate::default();
        let t0 = Instant::now();
        for k in 0..60 {
            g.admitted(t0 + Duration::from_micros(k * 3_333));
        }
        g.throttled(t0 + Duration::from_millis(200));
        // Three quiet seconds: the gate climbs past the cap it does not
        // know yet.
        for s in 1..=3 {
            g.reserve(t0 + Duration::from_millis(200 + 1000 * s));
        }
        let climbed = g.rate().expect("limited");
        assert!(climbed > 60.0, "{climbed}");
        // Throttled again while limited, 54 admitted in the last second
        // (the bucket refilled while the gate climbed): one cut well
        // under both, and the cap taken as a little under what was
        // admitted.
        let t1 = t0 + Duration::from_millis(3300);
        for k in 0..54 {
            g.admitted(t1 - Duration::from_millis(990) + Duration::from_micros(k * 18_000));
        }
        g.throttled(t1);
        let r = g.rate().expect("limited");
        let cap = 54.0 * BACKOFF;
        assert!(
            (r - (climbed * CUT).min(cap * CEILING_MARGIN)).abs() < 1e-9,
            "{r}"
        );
        for s in 1..20 {
            g.reserve(t1 + Duration::from_secs(s));
        }
        let r = g.rate().expect("limited");
        assert!((r - cap * CEILING_MARGIN).abs() < 1e-9, "capped at {r}");
        // A long quiet spell: still limited, and allowed 10 % higher.
        g.reserve(t1 + FORGET + Duration::from_secs(1));
        for s in 1..10 {
            g.reserve(t1 + FORGET + Duration::from_secs(1 + s));
        }
        let r = g.rate().expect("still limited");
        assert!(r > cap && r <= 1.1 * cap * CEILING_MARGIN + 1e-9, "{r}");
    }

    /// A discrete-event run of `senders` requests in flight against a
    /// token-bucket server (`cap` a second, a burst of one second's worth,
    /// as the demo endpoint and ECR's documented buckets), `latency`
    /// before the server decides: `(throttled, seconds)` for `n` answered
    /// requests through one shared gate. Virtual time: the real gate, no
    /// sleeping.
    fn simulate(n: usize, senders: usize, cap: f64, burst: f64, latency: Duration) -> (usize, f64) {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let g = RateGate::default();
        let t0 = Instant::now();
        let (mut tokens, mut last) = (burst, Duration::ZERO);
        // (when the sender is free, sender)
        let mut free: BinaryHeap<Reverse<(Duration, usize)>> =
            (0..senders).map(|k| Reverse((Duration::ZERO, k))).collect();
        let (mut done, mut sent, mut throttled, mut end) = (0, 0, 0, Duration::ZERO);
        // In flight: (answer time, sender); decided on arrival.
        let mut flight: BinaryHeap<Reverse<(Duration, usize)>> = BinaryHeap::new();
        while done < n {
            // The earliest event: an answer, or a free sender sending.
            let next_answer = flight.peek().map(|Reverse(a)| a.0);
            let next_send = (sent < n)
                .then(|| free.peek().map(|Reverse(f)| f.0))
                .flatten();
            match (next_answer, next_send) {
                (Some(a), s) if s.is_none_or(|s| a <= s) => {
                    let Some(Reverse((at, k))) = flight.pop() else {
                        break;
                    };
                    tokens = (tokens + (at - last).as_secs_f64() * cap).min(burst);
                    last = at;
                    if tokens >= 1.0 {
                        tokens -= 1.0;
                        g.admitted(t0 + at);
                        done += 1;
                        end = at;
                    } else {
                        g.throttled(t0 + at);
                        throttled += 1;
                        sent -= 1; // asked again
                    }
                    free.push(Reverse((at, k)));
                }
                (_, Some(_)) => {
                    let Some(Reverse((at, k))) = free.pop() else {
                        break;
                    };
                    let wait = g.reserve(t0 + at);
                    sent += 1;
                    flight.push(Reverse((at + wait + latency, k)));
                }
                _ => break,
            }
        }
        (throttled, end.as_secs_f64())
    }

    #[test]
    fn shared_budgets_are_rarely_throttled_and_near_the_cap() {
        let mut failed = Vec::new();
        // (requests, in flight, cap a second, burst in seconds of the cap,
        // latency ms, most throttled, most time against the bound). The
        // first rows are the search benchmark's case (50/s, 50 ms a request,
        // the demo endpoint's bucket) with sixteen requests in flight (the
        // preference at 16) and with eight (two profiles of one account
        // share one budget of eight). The last two are bucket shapes the first
        // cut does not guess (ECR does not publish its burst): held to
        // looser bounds, so a change that breaks them shows.
        for (n, senders, cap, burst, ms, most, slowest) in [
            (1000, 16, 50.0, 1.0, 50, 0.01, 1.1),
            (1000, 8, 50.0, 1.0, 50, 0.01, 1.1),
            // The listing benchmark's size: 401 pages.
            (401, 8, 50.0, 1.0, 50, 0.02, 1.05),
            (3000, 16, 20.0, 1.0, 50, 0.01, 1.1),
            (5000, 16, 100.0, 1.0, 20, 0.01, 1.1),
            (2000, 8, 200.0, 1.0, 100, 0.01, 1.1),
            (1000, 16, 50.0, 0.2, 50, 0.02, 1.7),
            (3000, 16, 50.0, 5.0, 50, 0.02, 1.1),
        ] {
            let (throttled, secs) =
                simulate(n, senders, cap, cap * burst, Duration::from_millis(ms));
            let bound = ((n as f64 - cap * burst) / cap)
                .max(n as f64 * ms as f64 / 1000.0 / senders as f64);
            eprintln!(
                "{n} at {cap}/s (burst {burst} s), {senders} in flight: throttled {throttled}, {secs:.2} s, bound {bound:.2} s"
            );
            if throttled as f64 >= most * n as f64 || secs >= slowest * bound {
                failed.push(format!(
                    "{n} requests, {cap}/s, burst {burst} s, {senders} in flight, {ms} ms: {throttled} throttled, {secs:.2} s against {bound:.2} s"
                ));
            }
        }
        assert!(failed.is_empty(), "{failed:#?}");
    }
}
