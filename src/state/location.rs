//! Back/forward history of where the user was (registry > repository > image).

use crate::model::{Digest, RegistryKey};

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Location {
    pub registry: Option<RegistryKey>,
    pub repository: Option<String>,
    pub image: Option<Digest>,
}

/// A browser-style history: visiting after going back drops the forward part.
#[derive(Debug, Default)]
pub struct History {
    entries: Vec<Location>,
    pos: usize,
}

const MAX: usize = 200;

impl History {
    pub fn visit(&mut self, loc: Location) {
        if self.entries.get(self.pos) == Some(&loc) {
            return;
        }
        if !self.entries.is_empty() {
            self.entries.truncate(self.pos + 1);
        }
        self.entries.push(loc);
        if self.entries.len() > MAX {
            self.entries.remove(0);
        }
        self.pos = self.entries.len() - 1;
    }

    pub fn back(&mut self) -> Option<Location> {
        (self.pos > 0).then(|| {
            self.pos -= 1;
            self.entries[self.pos].clone()
        })
    }

    pub fn forward(&mut self) -> Option<Location> {
        (self.pos + 1 < self.entries.len()).then(|| {
            self.pos += 1;
            self.entries[self.pos].clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(repo: &str) -> Location {
        Location {
            registry: None,
            repository: Some(repo.into()),
            image: None,
        }
    }

    #[test]
    fn back_forward_and_branching() {
        let mut h = History::default();
        assert_eq!(h.back(), None);
        h.visit(at("a"));
        h.visit(at("b"));
        h.visit(at("b"));
        h.visit(at("c"));
        assert_eq!(h.back(), Some(at("b")));
        assert_eq!(h.back(), Some(at("a")));
        assert_eq!(h.back(), None);
        assert_eq!(h.forward(), Some(at("b")));
        h.visit(at("d"));
        assert_eq!(h.forward(), None, "visiting drops the forward entries");
        assert_eq!(h.back(), Some(at("b")));
    }
}
