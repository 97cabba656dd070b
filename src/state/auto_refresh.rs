//! Optional periodic refresh per registry.

/// The intervals offered, in seconds (0 = off).
pub const CHOICES: [(u64, &str); 5] = [
    (0, "Off"),
    (60, "Every minute"),
    (300, "Every 5 minutes"),
    (900, "Every 15 minutes"),
    (3600, "Every hour"),
];

/// Seconds until the next refresh is due (0: due now), or `None` when auto
/// refresh is off or a refresh is already running.
pub fn due_in(interval_secs: u64, secs_since_last: f64, loading: bool) -> Option<f64> {
    if interval_secs == 0 || loading {
        return None;
    }
    Some((interval_secs as f64 - secs_since_last).max(0.0))
}

pub fn label(interval_secs: u64) -> &'static str {
    CHOICES
        .iter()
        .find(|(s, _)| *s == interval_secs)
        .map_or("Custom", |(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times() {
        assert_eq!(due_in(0, 1000.0, false), None, "off");
        assert_eq!(
            due_in(60, 10.0, true),
            None,
            "never on top of a running refresh"
        );
        assert_eq!(due_in(60, 10.0, false), Some(50.0));
        assert_eq!(due_in(60, 75.0, false), Some(0.0));
        assert_eq!(label(300), "Every 5 minutes");
    }
}
