//! Typed indices: one newtype per index space of the [`Plan`](crate::plan::Plan)
//! (component instances, core instances, lifted and lowered functions, ...),
//! and [`IndexVec`], a vector indexed by one of them. A core instance index can
//! then never be passed where a component instance is meant. No JS here: the
//! glue's names for each index live in `emit::ident`.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut, Index, IndexMut};

/// An index into one index space.
pub trait Idx: Copy + Eq {
    fn new(i: usize) -> Self;
    fn index(self) -> usize;
}

macro_rules! indices {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(usize);

        impl Idx for $name {
            fn new(i: usize) -> Self {
                $name(i)
            }
            fn index(self) -> usize {
                self.0
            }
        }

        impl $name {
            /// The position in its index space.
            pub fn index(self) -> usize {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    )*};
}

indices! {
    /// A component instance (the root is 0), in creation order.
    ComponentInstanceIdx;
    /// A core module instantiation, in the order they run.
    CoreInstanceIdx;
    /// A core module the plan instantiates (see `Plan::modules`).
    ModuleIdx;
    /// A `canon lift`ed function.
    LiftedIdx;
    /// A `canon lower`ed function.
    LoweredIdx;
    /// A root import of the component.
    ImportIdx;
    /// A run-time resource type (one per definition per instantiation).
    ResourceIdx;
    /// An async built-in used as a core function.
    BuiltinIdx;
    /// An interned `stream<T>`/`future<T>` type.
    AsyncTypeIdx;
}

/// A vector whose positions are indices of one space `I`.
pub struct IndexVec<I, T> {
    items: Vec<T>,
    _index: PhantomData<fn(I) -> I>,
}

impl<I: Idx, T> IndexVec<I, T> {
    /// Appends `item`, returning its index.
    pub fn push(&mut self, item: T) -> I {
        self.items.push(item);
        I::new(self.items.len() - 1)
    }

    /// Every index, in order.
    pub fn keys(&self) -> std::iter::Map<std::ops::Range<usize>, fn(usize) -> I> {
        (0..self.items.len()).map(I::new as fn(usize) -> I)
    }

    /// Every (index, item), in order.
    pub fn iter_enumerated(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + '_ {
        self.items.iter().enumerate().map(|(i, t)| (I::new(i), t))
    }

    /// The index `item` would get if pushed now.
    pub fn next_key(&self) -> I {
        I::new(self.items.len())
    }
}

impl<I, T> Default for IndexVec<I, T> {
    fn default() -> Self {
        IndexVec {
            items: Vec::new(),
            _index: PhantomData,
        }
    }
}

impl<I, T: Clone> Clone for IndexVec<I, T> {
    fn clone(&self) -> Self {
        IndexVec {
            items: self.items.clone(),
            _index: PhantomData,
        }
    }
}

impl<I, T: fmt::Debug> fmt::Debug for IndexVec<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.fmt(f)
    }
}

impl<I, T> Deref for IndexVec<I, T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<I, T> DerefMut for IndexVec<I, T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.items
    }
}

impl<I: Idx, T> Index<I> for IndexVec<I, T> {
    type Output = T;
    fn index(&self, i: I) -> &T {
        &self.items[i.index()]
    }
}

impl<I: Idx, T> IndexMut<I> for IndexVec<I, T> {
    fn index_mut(&mut self, i: I) -> &mut T {
        &mut self.items[i.index()]
    }
}

impl<I, T> FromIterator<T> for IndexVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        IndexVec {
            items: iter.into_iter().collect(),
            _index: PhantomData,
        }
    }
}

impl<'a, I, T> IntoIterator for &'a IndexVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_returns_the_index_it_reads_back_with() {
        let mut v: IndexVec<LiftedIdx, &str> = IndexVec::default();
        let a = v.push("a");
        let b = v.push("b");
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!(v[b], "b");
        assert_eq!(v.keys().collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(v.next_key().index(), 2);
    }
}
