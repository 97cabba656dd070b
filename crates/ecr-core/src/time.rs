//! Dates as people read them, from the epoch values ECR sends. Any value,
//! however far in the past or future a server says it is, gives a date.

/// Milliseconds since the Unix epoch, UTC. Compact (8 bytes) and sortable.
pub type EpochMillis = i64;

/// The last second of year 9999: later values draw as that date.
const MAX_SECS: i64 = 253_402_300_799;

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch, clamped to years
/// 1970..=9999 (negative or huge values from a server draw as the nearest end).
pub fn rfc3339(secs: f64) -> String {
    let s = if secs.is_nan() {
        0
    } else {
        secs.clamp(0.0, MAX_SECS as f64) as i64
    };
    let (days, rem) = (s.div_euclid(86_400), s.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Same, from milliseconds.
pub fn rfc3339_ms(ms: EpochMillis) -> String {
    rfc3339(ms as f64 / 1000.0)
}

/// Seconds (as ECR's JSON sends them, possibly fractional, possibly absurd)
/// to milliseconds, saturating instead of overflowing.
pub fn secs_to_ms(secs: f64) -> EpochMillis {
    if secs.is_nan() {
        return 0;
    }
    (secs * 1000.0).clamp(i64::MIN as f64, i64::MAX as f64) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_their_ends() {
        assert_eq!(rfc3339(1_700_000_000.0), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(-5.0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(f64::NAN), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1e300), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339_ms(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339_ms(i64::MIN), "1970-01-01T00:00:00Z");
        assert_eq!(secs_to_ms(1e300), i64::MAX);
        assert_eq!(secs_to_ms(-1e300), i64::MIN);
        assert_eq!(secs_to_ms(1.5), 1500);
    }
}
