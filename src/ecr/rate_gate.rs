//! A per-registry send-rate gate that learns the server's throttling rate.
//!
//! The SDK's adaptive retry slows down after a throttle but recovers along a
//! cubic curve that keeps it well under the cap for most of a long listing
//! (measured by `cargo bench --bench listing`: 1.22x the lower bound with it
//! alone, 1.46x with both it and this gate, 1.02x with this gate and the
//! SDK's standard retry, which is what the clients use). This gate is
//! simpler and closer to the physics: until the first throttle it does nothing; on a
//! throttle it sets the rate to what the server admitted over the last
//! second, a little below (never under 5/s: a lone throttle after a quiet
//! spell says little about the cap); every quiet second it probes one
//! request/s higher, and after ten quiet seconds the limit is dropped.
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
/// Growth of the rate per second without a throttle.
const PROBE: f64 = 1.0;
const FLOOR: f64 = 5.0;
/// How close to a known cap probing goes.
const CEILING_MARGIN: f64 = 0.97;
/// Quiet time after which the gate is open again (or, under a known cap,
/// looks 10 % higher).
const FORGET: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
struct Inner {
    /// Requests per second; `None` until the first throttle.
    rate: Option<f64>,
    /// When the next request may go.
    next_at: Option<Instant>,
    last_throttle: Option<Instant>,
    last_probe: Option<Instant>,
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
        if i.last_throttle
            .is_some_and(|t| now.duration_since(t) >= FORGET)
        {
            match i.ceiling {
                // A known cap: look a little higher, still gently.
                Some(c) => {
                    i.ceiling = Some(c * 1.1);
                    i.last_throttle = Some(now);
                }
                None => {
                    *i = Inner {
                        admitted: std::mem::take(&mut i.admitted),
                        ..Inner::default()
                    };
                }
            }
        }
        // Probe upwards while quiet, up to just under the known cap.
        if let (Some(rate), Some(probe)) = (i.rate, i.last_probe)
            && now.duration_since(probe) >= Duration::from_secs(1)
        {
            let up = rate + PROBE;
            i.rate = Some(match i.ceiling {
                Some(c) => up.min((c * CEILING_MARGIN).max(rate)),
                None => up,
            });
            i.last_probe = Some(now);
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
        // Several requests in flight see the same throttle: one cut per
        // 200 ms.
        if i.last_throttle
            .is_some_and(|t| now.duration_since(t) < Duration::from_millis(200))
        {
            return;
        }
        let within = |d: Duration| {
            i.admitted
                .iter()
                .filter(|t| now.duration_since(**t) <= d)
                .count() as f64
        };
        let first = i.rate.is_none();
        // What the server admitted over the last second. Before the first
        // throttle that second may hold a burst allowance on top of the
        // rate (a token bucket admits burst + rate before it says no):
        // the two-second view, halved, spreads it. Cutting to the
        // one-second count overshot the cap and cost a second wave of
        // throttles (a fault test saw a fifth of its answers throttled).
        let seen = if first {
            within(Duration::from_secs(1)).min(within(WINDOW) / 2.0)
        } else {
            within(Duration::from_secs(1))
        };
        let new = (seen * BACKOFF).max(FLOOR);
        // Enough answers in the last second to say where the cap is (not
        // from the first, cautious estimate: probing, or ten quiet
        // seconds, find the rest).
        i.ceiling = (!first && seen >= 2.0 * FLOOR).then_some(seen);
        i.rate = Some(match i.rate {
            Some(r) => new.min(r),
            None => new,
        });
        i.last_throttle = Some(now);
        i.last_probe = Some(now);
    }
}

/// One gate per API action, for one account and region.
#[derive(Debug, Default)]
pub struct RateGates {
    by_action: Mutex<HashMap<String, Arc<RateGate>>>,
}

impl RateGates {
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

/// The gates a client sends through: its own until the account it calls
/// as is known, then the ones every client of that account and region
/// shares (ECR's request quotas are per account and region, so two
/// profiles on one account share one budget).
#[derive(Debug, Default)]
pub struct GateSlot(std::sync::RwLock<Arc<RateGates>>);

impl GateSlot {
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
    fn unlimited_until_a_throttle_then_the_admitted_rate() {
        let g = RateGate::default();
        let t0 = Instant::now();
        assert_eq!(g.reserve(t0), Duration::ZERO);
        // Two seconds at 50/s.
        for k in 0..100 {
            g.admitted(t0 + Duration::from_millis(k * 20));
        }
        let t0 = t0 + Duration::from_secs(1);
        g.throttled(t0 + Duration::from_millis(1000));
        assert_eq!(g.rate(), Some(50.0 * BACKOFF));
        // Slots are spaced by 1/rate.
        let now = t0 + Duration::from_millis(1000);
        let a = g.reserve(now);
        let b = g.reserve(now);
        assert_eq!(a, Duration::ZERO);
        assert!((b.as_secs_f64() - 1.0 / (50.0 * BACKOFF)).abs() < 1e-6);
        // A second throttle right after (another in-flight request) is the
        // same event.
        g.throttled(now + Duration::from_millis(10));
        assert_eq!(g.rate(), Some(50.0 * BACKOFF));
    }

    #[test]
    fn quiet_seconds_probe_upwards_then_the_limit_goes() {
        let g = RateGate::default();
        let t0 = Instant::now();
        g.admitted(t0);
        g.throttled(t0);
        assert_eq!(g.rate(), Some(FLOOR), "a lone throttle: the floor");
        g.reserve(t0 + Duration::from_millis(1500));
        assert_eq!(g.rate(), Some(FLOOR + 1.0));
        g.reserve(t0 + Duration::from_millis(2600));
        assert_eq!(g.rate(), Some(FLOOR + 2.0));
        assert_eq!(g.reserve(t0 + Duration::from_secs(11)), Duration::ZERO);
        assert_eq!(g.rate(), None, "ten quiet seconds: unlimited again");
    }

    #[test]
    fn under_a_known_cap_probing_stops_just_below_it() {
        let g = RateGate::default();
        let t0 = Instant::now();
        for k in 0..50 {
            g.admitted(t0 + Duration::from_millis(k * 20));
        }
        g.throttled(t0 + Duration::from_millis(1000));
        // The cap is known from a second throttle, in the gated stream.
        for k in 0..50 {
            g.admitted(t0 + Duration::from_millis(1000 + k * 20));
        }
        g.throttled(t0 + Duration::from_millis(2000));
        assert_eq!(
            g.rate(),
            Some(25.0 * BACKOFF),
            "the first, cautious cut stays"
        );
        let g = RateGate::default();
        for k in 0..100 {
            g.admitted(t0 + Duration::from_millis(k * 20));
        }
        g.throttled(t0 + Duration::from_millis(2000));
        for k in 0..50 {
            g.admitted(t0 + Duration::from_millis(2000 + k * 20));
        }
        g.throttled(t0 + Duration::from_millis(3000));
        assert_eq!(g.rate(), Some(50.0 * BACKOFF));
        let t0 = t0 + Duration::from_secs(2);
        for s in 2..8 {
            g.reserve(t0 + Duration::from_secs(s));
        }
        let r = g.rate().expect("limited");
        assert!((r - 50.0 * CEILING_MARGIN).abs() < 1e-9, "capped at {r}");
        // Ten quiet seconds: still limited, and allowed 10 % higher.
        g.reserve(t0 + Duration::from_secs(12));
        for s in 13..20 {
            g.reserve(t0 + Duration::from_secs(s));
        }
        let r = g.rate().expect("still limited");
        assert!(r > 50.0 && r <= 55.0 * CEILING_MARGIN + 1e-9, "{r}");
    }
}
