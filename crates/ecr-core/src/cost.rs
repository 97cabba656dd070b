//! What ECR storage costs, as an estimate: the price per GB-month of each
//! storage class, from a small table with its source and date (prices
//! change: the app says the figure is an estimate, and Preferences can
//! replace the standard price).
//!
//! Source: the Amazon ECR pricing page (aws.amazon.com/ecr/pricing), as
//! third parties checked it in March 2026 for us-east-1 and ap-northeast-1:
//! standard storage $0.10 per GB-month; archive storage $0.10 per
//! GB-month for the first 150 TB a month and $0.07 above; restoring from
//! archive $0.03 per GB; archived images are billed for 90 days at least.
//! A GB is 2^30 bytes, as AWS bills storage. Other regions are assumed to
//! cost the same until someone enters their price.

pub const SOURCE: &str = "Amazon ECR pricing page (aws.amazon.com/ecr/pricing)";
pub const CHECKED: &str = "March 2026";

pub const GIB: f64 = 1_073_741_824.0;
/// The archive tier's first band, in bytes (150 TB a month).
pub const ARCHIVE_FIRST_BAND: f64 = 150.0 * 1024.0 * GIB;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prices {
    pub standard_per_gb: f64,
    pub archive_first_per_gb: f64,
    pub archive_above_per_gb: f64,
}

/// The table's prices for a region (the same everywhere the source lists).
pub fn prices_for(_region: &str) -> Prices {
    Prices {
        standard_per_gb: 0.10,
        archive_first_per_gb: 0.10,
        archive_above_per_gb: 0.07,
    }
}

impl Prices {
    /// With the standard price a person entered (the archive's first band
    /// follows it: the source gives both the same price).
    pub fn with_standard(self, per_gb: Option<f64>) -> Self {
        match per_gb {
            Some(p) if p.is_finite() && p >= 0.0 => Self {
                standard_per_gb: p,
                archive_first_per_gb: p,
                ..self
            },
            _ => self,
        }
    }

    /// A month of `bytes` in standard storage.
    pub fn standard(&self, bytes: f64) -> f64 {
        bytes.max(0.0) / GIB * self.standard_per_gb
    }

    /// The average archive price per byte when the account archives
    /// `total_archived` bytes (the first 150 TB at one price, the rest at
    /// the lower one): each repository's archived bytes cost this much.
    pub fn archive_rate(&self, total_archived: f64) -> f64 {
        let total = total_archived.max(0.0);
        if total <= ARCHIVE_FIRST_BAND || total == 0.0 {
            return self.archive_first_per_gb / GIB;
        }
        let cost = ARCHIVE_FIRST_BAND / GIB * self.archive_first_per_gb
            + (total - ARCHIVE_FIRST_BAND) / GIB * self.archive_above_per_gb;
        cost / total
    }
}

/// "$1,234.56", "$0.42", "< $0.01".
pub fn dollars(x: f64) -> String {
    if x > 0.0 && x < 0.005 {
        return "< $0.01".into();
    }
    let cents = (x * 100.0).round() as i64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("${out}.{frac:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sizes_cost_exact_figures() {
        let p = prices_for("us-east-1");
        assert!(
            (p.standard(10.0 * GIB) - 1.0).abs() < 1e-12,
            "10 GiB = $1.00"
        );
        assert!((p.standard(512.0 * 1024.0 * 1024.0) - 0.05).abs() < 1e-12);
        // Under 150 TB: the first band's price.
        assert!((p.archive_rate(GIB) * GIB - 0.10).abs() < 1e-12);
        // 300 TB archived: half at 0.10, half at 0.07 = 0.085 on average.
        let rate = p.archive_rate(2.0 * ARCHIVE_FIRST_BAND) * GIB;
        assert!((rate - 0.085).abs() < 1e-12, "{rate}");
        let mine = p.with_standard(Some(0.12));
        assert!((mine.standard(GIB) - 0.12).abs() < 1e-12);
        assert_eq!(p.with_standard(Some(f64::NAN)), p);
        assert_eq!(dollars(1234.564), "$1,234.56");
        assert_eq!(dollars(0.004), "< $0.01");
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(1_000_000.0), "$1,000,000.00");
    }
}
