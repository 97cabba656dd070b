//! Which findings to show, in which order: severity chips, search, sort.

use crate::model::{Finding, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FindingColumn {
    Id,
    #[default]
    Severity,
    Score,
    Package,
    Installed,
    FixedIn,
    Fix,
    Exploit,
    Title,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FindingsFilter {
    pub text: String,
    /// Shown severities, in `Severity::ALL` order.
    pub severities: [bool; 6],
    pub sort: FindingColumn,
    pub ascending: bool,
}

impl Default for FindingsFilter {
    fn default() -> Self {
        Self {
            text: String::new(),
            severities: [true; 6],
            sort: FindingColumn::Severity,
            ascending: true,
        }
    }
}

impl FindingsFilter {
    pub fn clicked(&mut self, col: FindingColumn) {
        if self.sort == col {
            self.ascending = !self.ascending;
        } else {
            self.sort = col;
            // Severity ascending means worst first; scores read best high first.
            self.ascending = !matches!(col, FindingColumn::Score);
        }
    }
}

/// Indices of the findings to show, in order. Missing values sort last.
pub fn finding_rows(findings: &[Finding], f: &FindingsFilter) -> Vec<usize> {
    let needle = f.text.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..findings.len())
        .filter(|&i| f.severities[findings[i].severity as usize])
        .filter(|&i| {
            needle.is_empty() || {
                let x = &findings[i];
                x.id.to_lowercase().contains(&needle)
                    || x.package
                        .as_deref()
                        .is_some_and(|p| p.to_lowercase().contains(&needle))
                    || x.title
                        .as_deref()
                        .is_some_and(|t| t.to_lowercase().contains(&needle))
            }
        })
        .collect();
    let key_str = |o: &Option<String>| o.clone().unwrap_or_else(|| "\u{10FFFF}".into());
    let key_bool = |o: Option<bool>| match o {
        Some(true) => 0,
        Some(false) => 1,
        None => 2,
    };
    rows.sort_by(|&a, &b| {
        let (x, y) = (&findings[a], &findings[b]);
        let o = match f.sort {
            FindingColumn::Id => x.id.cmp(&y.id),
            FindingColumn::Severity => x
                .severity
                .cmp(&y.severity)
                .then(y.score.unwrap_or(-1.0).total_cmp(&x.score.unwrap_or(-1.0))),
            FindingColumn::Score => x.score.unwrap_or(-1.0).total_cmp(&y.score.unwrap_or(-1.0)),
            FindingColumn::Package => key_str(&x.package).cmp(&key_str(&y.package)),
            FindingColumn::Installed => {
                key_str(&x.installed_version).cmp(&key_str(&y.installed_version))
            }
            FindingColumn::FixedIn => key_str(&x.fixed_in).cmp(&key_str(&y.fixed_in)),
            FindingColumn::Fix => key_bool(x.fix_available).cmp(&key_bool(y.fix_available)),
            FindingColumn::Exploit => {
                key_bool(x.exploit_available).cmp(&key_bool(y.exploit_available))
            }
            FindingColumn::Title => key_str(&x.title).cmp(&key_str(&y.title)),
        }
        .then_with(|| x.id.cmp(&y.id));
        if f.ascending { o } else { o.reverse() }
    });
    rows
}

/// Where a finding stands when one image is compared with another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// In this image, not in the other one.
    New,
    /// In the other image, gone from this one.
    Fixed,
    /// In both.
    Unchanged,
}

impl Change {
    pub const ALL: [Change; 3] = [Change::New, Change::Fixed, Change::Unchanged];

    pub fn label(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Fixed => "fixed",
            Change::Unchanged => "unchanged",
        }
    }
}

/// This image's findings against another's, for the question asked before
/// promoting an image: what does it add, what does it fix.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    /// This image's findings (new or unchanged), then the other's that are
    /// gone (fixed), so the same table shows all three.
    pub findings: Vec<Finding>,
    pub changes: Vec<Change>,
}

impl Comparison {
    /// A finding is the same one in both images when its vulnerability id and
    /// package match; an upgraded package that is still vulnerable stays
    /// "unchanged", which is what a reviewer wants to know.
    pub fn new(this: &[Finding], other: &[Finding]) -> Self {
        use std::collections::HashSet;
        let key = |f: &Finding| (f.id.clone(), f.package.clone().unwrap_or_default());
        let theirs: HashSet<_> = other.iter().map(key).collect();
        let ours: HashSet<_> = this.iter().map(key).collect();
        let mut out = Self::default();
        for f in this {
            let c = if theirs.contains(&key(f)) {
                Change::Unchanged
            } else {
                Change::New
            };
            out.findings.push(f.clone());
            out.changes.push(c);
        }
        for f in other {
            if !ours.contains(&key(f)) {
                out.findings.push(f.clone());
                out.changes.push(Change::Fixed);
            }
        }
        out
    }

    pub fn count(&self, c: Change) -> usize {
        self.changes.iter().filter(|x| **x == c).count()
    }
}

/// Index of a severity in the chips.
pub fn severity_index(s: Severity) -> usize {
    s as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &str, sev: Severity, score: Option<f64>, pkg: Option<&str>) -> Finding {
        Finding {
            id: id.into(),
            severity: sev,
            score,
            package: pkg.map(str::to_owned),
            ..Finding::default()
        }
    }

    #[test]
    fn chips_search_and_sort() {
        let all = vec![
            f("CVE-1", Severity::Low, Some(3.1), Some("zlib")),
            f("CVE-2", Severity::Critical, Some(9.8), Some("openssl")),
            f("CVE-3", Severity::Critical, None, None),
            f("CVE-4", Severity::High, Some(7.5), Some("glibc")),
        ];
        let mut filter = FindingsFilter::default();
        assert_eq!(
            finding_rows(&all, &filter),
            [1, 2, 3, 0],
            "worst first, scored before unscored"
        );
        filter.severities = [true, false, false, false, false, false];
        assert_eq!(finding_rows(&all, &filter), [1, 2], "CRITICAL only");
        filter.severities = [true; 6];
        filter.text = "SSL".into();
        assert_eq!(finding_rows(&all, &filter), [1]);
        filter.text.clear();
        filter.clicked(FindingColumn::Score);
        assert!(!filter.ascending);
        assert_eq!(finding_rows(&all, &filter)[0], 1, "highest score first");
        filter.clicked(FindingColumn::Package);
        assert_eq!(
            finding_rows(&all, &filter),
            [3, 1, 0, 2],
            "missing packages last"
        );
    }

    #[test]
    fn comparison_sorts_findings_into_new_fixed_and_unchanged() {
        let old = vec![
            f("CVE-1", Severity::High, None, Some("openssl")),
            f("CVE-2", Severity::Low, None, Some("zlib")),
            f("CVE-5", Severity::Low, None, Some("zlib")),
        ];
        let new = vec![
            f("CVE-1", Severity::High, None, Some("openssl")),
            f("CVE-3", Severity::Critical, None, Some("glibc")),
            // Same CVE, another package: a different finding.
            f("CVE-5", Severity::Low, None, Some("busybox")),
        ];
        let c = Comparison::new(&new, &old);
        let by_id: Vec<(&str, Change)> = c
            .findings
            .iter()
            .zip(&c.changes)
            .map(|(f, ch)| (f.id.as_str(), *ch))
            .collect();
        assert_eq!(
            by_id,
            [
                ("CVE-1", Change::Unchanged),
                ("CVE-3", Change::New),
                ("CVE-5", Change::New),
                ("CVE-2", Change::Fixed),
                ("CVE-5", Change::Fixed),
            ]
        );
        assert_eq!(
            (
                c.count(Change::New),
                c.count(Change::Fixed),
                c.count(Change::Unchanged)
            ),
            (2, 2, 1)
        );
        let same = Comparison::new(&new, &new);
        assert_eq!(same.count(Change::Unchanged), 3);
        assert_eq!(same.findings.len(), 3);
    }

    #[test]
    fn comparison_with_nothing() {
        let one = vec![f("CVE-1", Severity::High, None, None)];
        assert_eq!(Comparison::new(&one, &[]).changes, [Change::New]);
        assert_eq!(Comparison::new(&[], &one).changes, [Change::Fixed]);
    }

    #[test]
    fn no_findings_no_rows() {
        assert!(finding_rows(&[], &FindingsFilter::default()).is_empty());
    }
}
