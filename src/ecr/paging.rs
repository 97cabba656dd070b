//! Following `nextToken` safely. A server that repeats a token (a bug, or a
//! proxy that caches) would otherwise be followed forever, and one that
//! invents tokens without end would fill memory: both end in an error.

use std::collections::HashSet;

use super::EcrError;

/// Pages one listing may take: 2,000 pages of 1,000 is two million items,
/// far beyond ECR's quotas (20,000 images per repository by default).
pub const MAX_PAGES: usize = 2_000;

/// The tokens one listing has seen.
#[derive(Debug)]
pub struct Paging {
    operation: &'static str,
    seen: HashSet<String>,
    pages: usize,
    max_pages: usize,
}

impl Paging {
    pub fn new(operation: &'static str) -> Self {
        Self::with_cap(operation, MAX_PAGES)
    }

    pub fn with_cap(operation: &'static str, max_pages: usize) -> Self {
        Self {
            operation,
            seen: HashSet::new(),
            pages: 0,
            max_pages,
        }
    }

    /// After a page: the token of the next one (`None`: the listing is
    /// complete), or an error for a token seen before or too many pages.
    pub fn next(&mut self, token: Option<&str>) -> Result<Option<String>, EcrError> {
        self.pages += 1;
        let Some(t) = token.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if !self.seen.insert(t.to_owned()) {
            return Err(EcrError::Unreadable {
                operation: self.operation.to_owned(),
                detail: format!(
                    "page {} repeated an earlier page token, so the listing would never end",
                    self.pages
                ),
            });
        }
        if self.pages >= self.max_pages {
            return Err(EcrError::LimitExceeded {
                operation: self.operation.to_owned(),
                detail: format!(
                    "the listing went on past {} pages; ecrscope stopped reading it",
                    self.max_pages
                ),
            });
        }
        Ok(Some(t.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_repeats_and_caps() {
        let mut p = Paging::new("X");
        assert_eq!(p.next(Some("a")).ok().flatten().as_deref(), Some("a"));
        assert_eq!(p.next(Some("b")).ok().flatten().as_deref(), Some("b"));
        assert_eq!(p.next(None).ok(), Some(None));
        let mut p = Paging::new("X");
        assert!(p.next(Some("a")).is_ok());
        assert_eq!(
            p.next(Some("a")).map_err(|e| e.kind()),
            Err("unreadable answer")
        );
        let mut p = Paging::with_cap("X", 3);
        assert!(p.next(Some("1")).is_ok());
        assert!(p.next(Some("2")).is_ok());
        assert_eq!(
            p.next(Some("3")).map_err(|e| e.kind()),
            Err("limit exceeded")
        );
        // An empty token is the end, as ECR sends it.
        assert_eq!(Paging::new("X").next(Some("")).ok(), Some(None));
    }
}
