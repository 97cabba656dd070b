//! The life of one piece of remote data. A refresh keeps what was shown until
//! the new answer arrives, so tables never blank; a failure keeps it too.

use crate::message::RequestId;
use crate::model::EcrError;

#[derive(Clone, Debug, Default)]
pub enum Requested<T> {
    /// Never asked for.
    #[default]
    Idle,
    /// Asked; `previous` is still shown, `partial` collects streamed pages.
    Loading {
        request: RequestId,
        previous: Option<T>,
        partial: Option<T>,
    },
    Ready(T),
    /// The last request failed; `previous` is what the server held before.
    Failed {
        error: EcrError,
        previous: Option<T>,
    },
}

impl<T> Requested<T> {
    /// Starts (or restarts) a request, keeping whatever is shown.
    pub fn start(&mut self, request: RequestId) {
        let previous = match std::mem::take(self) {
            Self::Ready(v) => Some(v),
            Self::Loading { previous, .. } | Self::Failed { previous, .. } => previous,
            Self::Idle => None,
        };
        *self = Self::Loading {
            request,
            previous,
            partial: None,
        };
    }

    /// Whether an answer to `request` is still wanted.
    pub fn is_current(&self, request: RequestId) -> bool {
        matches!(self, Self::Loading { request: r, .. } if *r == request)
    }

    /// What to draw: the finished value, or else the last good one, or else
    /// the pages received so far.
    pub fn shown(&self) -> Option<&T> {
        match self {
            Self::Ready(v) => Some(v),
            Self::Loading {
                previous: Some(v), ..
            }
            | Self::Failed {
                previous: Some(v), ..
            } => Some(v),
            Self::Loading { partial, .. } => partial.as_ref(),
            Self::Failed { .. } | Self::Idle => None,
        }
    }

    /// Mutable access to the shown value (for in-place sorting).
    pub fn shown_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Ready(v) => Some(v),
            Self::Loading {
                previous: Some(v), ..
            }
            | Self::Failed {
                previous: Some(v), ..
            } => Some(v),
            Self::Loading { partial, .. } => partial.as_mut(),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Self::Loading { .. })
    }

    pub fn error(&self) -> Option<&EcrError> {
        match self {
            Self::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Finishes `request` with a value; stale answers are ignored.
    pub fn finish(&mut self, request: RequestId, value: T) -> bool {
        if !self.is_current(request) {
            return false;
        }
        *self = Self::Ready(value);
        true
    }

    /// Fails `request`; stale answers are ignored.
    pub fn fail(&mut self, request: RequestId, error: EcrError) -> bool {
        if !self.is_current(request) {
            return false;
        }
        let previous = match std::mem::take(self) {
            Self::Loading { previous, .. } => previous,
            _ => None,
        };
        *self = Self::Failed { error, previous };
        true
    }

    /// Finishes with the streamed pages.
    pub fn finish_partial(&mut self, request: RequestId) -> bool
    where
        T: Default,
    {
        if !self.is_current(request) {
            return false;
        }
        let value = match std::mem::take(self) {
            Self::Loading { partial, .. } => partial.unwrap_or_default(),
            _ => T::default(),
        };
        *self = Self::Ready(value);
        true
    }
}

/// A value that streamed pages are added to.
pub trait Pages<E>: Default {
    fn add(&mut self, page: impl IntoIterator<Item = E>);
}

impl<E> Pages<E> for Vec<E> {
    fn add(&mut self, page: impl IntoIterator<Item = E>) {
        self.extend(page);
    }
}

/// Shared lists (see `RepoImages::list`): in place, unless a background job
/// still holds the list; then it is copied once.
impl<E: Clone> Pages<E> for std::sync::Arc<Vec<E>> {
    fn add(&mut self, page: impl IntoIterator<Item = E>) {
        std::sync::Arc::make_mut(self).extend(page);
    }
}

impl<T> Requested<T> {
    /// Adds a streamed page to `request`'s partial value.
    pub fn add_page<E>(&mut self, request: RequestId, page: impl IntoIterator<Item = E>) -> bool
    where
        T: Pages<E>,
    {
        match self {
            Self::Loading {
                request: r,
                partial,
                ..
            } if *r == request => {
                partial.get_or_insert_with(T::default).add(page);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err() -> EcrError {
        EcrError::Throttled {
            operation: "X".into(),
        }
    }

    #[test]
    fn refresh_keeps_previous_until_done() {
        let mut r: Requested<Vec<u32>> = Requested::Idle;
        r.start(1);
        assert!(r.add_page(1, [1, 2]));
        assert_eq!(
            r.shown(),
            Some(&vec![1, 2]),
            "first load shows pages as they come"
        );
        assert!(r.finish_partial(1));
        r.start(2);
        assert!(r.add_page(2, [9]));
        assert_eq!(r.shown(), Some(&vec![1, 2]), "a refresh keeps the old rows");
        assert!(r.finish_partial(2));
        assert_eq!(r.shown(), Some(&vec![9]));
    }

    #[test]
    fn stale_answers_are_dropped() {
        let mut r: Requested<Vec<u32>> = Requested::Idle;
        r.start(1);
        r.start(2);
        assert!(!r.add_page(1, [7]));
        assert!(!r.finish(1, vec![7]));
        assert!(!r.fail(1, err()));
        assert!(r.is_current(2));
    }

    #[test]
    fn failure_keeps_what_the_server_held() {
        let mut r = Requested::Ready(vec![1]);
        r.start(5);
        assert!(r.fail(5, err()));
        assert_eq!(r.shown(), Some(&vec![1]));
        assert!(r.error().is_some());
        r.start(6);
        assert_eq!(
            r.shown(),
            Some(&vec![1]),
            "retry after failure still shows the old value"
        );
    }
}
