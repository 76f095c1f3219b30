//! A catalog made ready to evaluate: the catalog, and what the fast path precomputes from it.

use std::path::Path;

use super::fast::plan::{Routing, Trie};
use super::{Decision, Evaluator};
use crate::artifact::LoadError;
use crate::catalog::Catalog;

/// A catalog and its evaluation plan: what hosts evaluate events with.
///
/// Building one computes, once, the trie of every path the rules read and the routing outcome
/// of every (action class, location) pair. It is immutable and `Send + Sync`: build it at
/// start-up and share it (`Arc<Engine>`) across threads.
///
/// ```
/// let engine = rulec::Engine::load(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))?;
/// let decision = engine.evaluate(br#"{"action": "container-registry.image.psuh"}"#);
/// assert_eq!(decision.verdict, rulec::Verdict::Reject);
/// # Ok::<(), rulec::LoadError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    catalog: Catalog,
    plan: Plan,
}

/// What the fast path precomputes: where each of the catalog's paths sits in the trie, and
/// where valid events go.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) trie: Trie,
    /// The trie node of each of the catalog's paths, by [`crate::catalog::PathId`].
    pub(crate) node_of: Box<[u32]>,
    pub(crate) routing: Routing,
}

impl Engine {
    /// The engine for a checked catalog.
    #[must_use]
    pub fn new(catalog: Catalog) -> Self {
        let (trie, node_of) = Trie::build(&catalog);
        let routing = Routing::build(&catalog);
        Self {
            catalog,
            plan: Plan {
                trie,
                node_of,
                routing,
            },
        }
    }

    /// Loads a catalog ([`Catalog::load`]: `.rules` files, a directory of them, or a compiled
    /// artifact) and makes it ready to evaluate.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        Catalog::load(path).map(Self::new)
    }

    /// The catalog it evaluates with.
    #[must_use]
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// An evaluator with each service's default event types, to choose another context or
    /// pass each event's position in its input.
    #[must_use]
    pub fn evaluator(&self) -> Evaluator<'_> {
        Evaluator::new(self)
    }

    /// The decision for one event (JSON bytes) with each service's default event types.
    #[must_use]
    pub fn evaluate(&self, event: &[u8]) -> Decision<'_> {
        self.evaluator().evaluate_one(event)
    }

    pub(crate) fn plan(&self) -> &Plan {
        &self.plan
    }
}

impl From<Catalog> for Engine {
    fn from(catalog: Catalog) -> Self {
        Self::new(catalog)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_engine_is_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::Engine>();
        shareable::<crate::Catalog>();
        shareable::<super::Evaluator<'static>>();
    }
}
