//! What the fast evaluator precomputes from a catalog: a trie of every field path the catalog
//! reads (so that one pass over an event keeps just those values), and the routing outcome of
//! every (action class, place) pair (so that a valid event is routed by two lookups).

use crate::catalog::{ActionId, Catalog, FastMap, ServiceId};
use crate::eval::decision::{DropReason, RouteMatch};
use crate::eval::location::{self, Place};
use crate::eval::route;
use crate::vocab::GLOBAL;

/// Node 0 is the event itself.
pub(crate) const ROOT: u32 = 0;

/// Every field path the catalog reads, one node per path prefix.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trie {
    nodes: Vec<TrieNode>,
    /// Every edge, in an open-addressed table keyed by (node, head of key, length of key):
    /// one probe or two per key, and the key's text compared only when it is longer than its
    /// head.
    edges: Vec<Slot>,
    /// The nodes of the paths the evaluator reads whatever the rules say.
    pub(crate) action: u32,
    pub(crate) data_event: u32,
    pub(crate) log_source_crn: u32,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    parent: u32,
    /// The key that leads here from the parent.
    key: Box<str>,
    has_children: bool,
}

/// An edge of the trie: the key `(node, head, len)` leads to `child`; `child == ROOT` marks
/// an empty slot (the root is nobody's child).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    head: u64,
    node: u32,
    len: u32,
    child: u32,
}

/// Whether two keys of the same length and head are the same: for keys of up to 16 bytes,
/// whether their last eight bytes are (which covers the bytes after the head), without a call.
fn same_tail(a: &[u8], b: &[u8]) -> bool {
    let last = |key: &[u8]| key.last_chunk::<8>().map(|tail| u64::from_le_bytes(*tail));
    if a.len() <= 16 {
        last(a) == last(b)
    } else {
        a == b
    }
}

/// Where the probe for an edge starts, in a table of `mask + 1` slots.
fn slot_of(node: u32, head: u64, len: usize, mask: usize) -> usize {
    let mixed = (head ^ (u64::from(node) << 32) ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 32) as usize & mask
}

/// The first eight bytes of a key, zero-padded, as one number.
#[inline]
pub(crate) fn head(key: &[u8]) -> u64 {
    match key.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None => key
            .iter()
            .rev()
            .fold(0, |head, b| (head << 8) | u64::from(*b)),
    }
}

impl Trie {
    /// The trie of the catalog's paths, and the node of each path by its id.
    pub(crate) fn build(catalog: &Catalog) -> (Self, Box<[u32]>) {
        let mut trie = Trie {
            nodes: vec![TrieNode::default()],
            ..Trie::default()
        };
        trie.action = trie.insert("action");
        trie.data_event = trie.insert("dataEvent");
        trie.log_source_crn = trie.insert("logSourceCRN");
        let node_of = catalog.paths().iter().map(|p| trie.insert(p)).collect();
        (trie, node_of)
    }

    fn insert(&mut self, path: &str) -> u32 {
        let mut node = ROOT;
        for segment in path.split('.') {
            node = if let Some(child) = self.child(node, segment) {
                child
            } else {
                let child = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
                self.nodes.push(TrieNode {
                    parent: node,
                    key: segment.into(),
                    has_children: false,
                });
                if let Some(parent) = self.nodes.get_mut(node as usize) {
                    parent.has_children = true;
                }
                self.index_edges();
                child
            };
        }
        node
    }

    /// Adds the newest node to the edge table, which stays at most half full so that every
    /// probe ends at an empty slot; the table doubles when it would not.
    fn index_edges(&mut self) {
        let newest = self.nodes.len() - 1;
        let first = if self.nodes.len() * 2 <= self.edges.len() {
            newest
        } else {
            let size = (self.nodes.len() * 2).next_power_of_two().max(16);
            self.edges = vec![Slot::default(); size];
            1
        };
        let mask = self.edges.len() - 1;
        let edges = &mut self.edges;
        for (child, node) in self.nodes.iter().enumerate().skip(first) {
            let key = node.key.as_bytes();
            let head = head(key);
            let mut at = slot_of(node.parent, head, key.len(), mask);
            while edges.get(at).is_some_and(|slot| slot.child != ROOT) {
                at = (at + 1) & mask;
            }
            if let Some(slot) = edges.get_mut(at) {
                *slot = Slot {
                    head,
                    node: node.parent,
                    len: u32::try_from(key.len()).unwrap_or(u32::MAX),
                    child: u32::try_from(child).unwrap_or(u32::MAX),
                };
            }
        }
    }

    /// The node of `key` inside the object at `node`.
    pub(crate) fn child(&self, node: u32, key: &str) -> Option<u32> {
        self.child_with_head(node, key.as_bytes(), head(key.as_bytes()))
    }

    /// [`Trie::child`] for a key whose [`head`] is known.
    pub(crate) fn child_with_head(&self, node: u32, key: &[u8], head: u64) -> Option<u32> {
        let mask = self.edges.len().checked_sub(1)?;
        let mut at = slot_of(node, head, key.len(), mask);
        loop {
            let slot = self.edges.get(at)?;
            if slot.child == ROOT {
                return None;
            }
            if slot.head == head
                && slot.node == node
                && slot.len as usize == key.len()
                && (key.len() <= 8 || same_tail(self.key(slot.child), key))
            {
                return Some(slot.child);
            }
            at = (at + 1) & mask;
        }
    }

    /// The key that leads to `node`.
    fn key(&self, node: u32) -> &[u8] {
        self.nodes
            .get(node as usize)
            .map_or(&[], |n| n.key.as_bytes())
    }

    /// Whether values under `node` are read at all.
    pub(crate) fn has_children(&self, node: u32) -> bool {
        self.nodes
            .get(node as usize)
            .is_some_and(|n| n.has_children)
    }

    /// The node's parent; the root is its own parent.
    pub(crate) fn parent(&self, node: u32) -> u32 {
        self.nodes.get(node as usize).map_or(ROOT, |n| n.parent)
    }

    /// The number of nodes.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }
}

/// Where a valid event goes, for each action class and place.
#[derive(Debug, Clone, Default)]
pub(crate) struct Routing {
    /// `(location, zone)` of each place.
    places: Vec<(String, Option<String>)>,
    /// The place of each CRN location segment the catalog knows (regions, zones, aliases,
    /// `global`), before service overrides.
    raw: FastMap<Box<str>, u32>,
    /// Per service: the place each place is moved to by the service's overrides; empty when
    /// the service has none.
    moves: Vec<Vec<u32>>,
    /// Per action: its class, the set of routes whose filters admit it.
    classes: Vec<u32>,
    /// The place of an empty CRN location, which only a service's `locate empty` moves.
    empty: Option<u32>,
    /// `[class * places + place]`: the targets, or why the event is dropped, with the routes
    /// that matched and whether the defaults applied.
    outcomes: Vec<Precomputed>,
}

/// One routing outcome, computed once by the reference evaluator's `route`.
#[derive(Debug, Clone)]
struct Precomputed {
    targets: Result<Box<[String]>, DropReason>,
    matches: Box<[RouteMatch]>,
    defaults: bool,
}

/// A routed or dropped event's location and targets.
pub(crate) struct Outcome<'c> {
    pub(crate) location: &'c str,
    /// The routes that matched.
    pub(crate) matches: &'c [RouteMatch],
    /// Whether the default targets applied.
    pub(crate) defaults: bool,
    /// The CRN's location segment as written, borrowed from the catalog's names.
    pub(crate) written: &'c str,
    pub(crate) targets: Result<&'c [String], DropReason>,
}

impl Routing {
    /// Every outcome, computed with the same `locate` rules and `route` function as the
    /// reference evaluator.
    pub(crate) fn build(catalog: &Catalog) -> Self {
        let mut routing = Routing::default();
        let mut ids: FastMap<(String, Option<String>), u32> = FastMap::default();
        let mut intern = |places: &mut Vec<_>, place: (String, Option<String>)| {
            *ids.entry(place.clone()).or_insert_with(|| {
                places.push(place);
                u32::try_from(places.len() - 1).unwrap_or(u32::MAX)
            })
        };
        for (raw, place) in catalog.location_entries() {
            let key = (place.region.clone(), place.zone.then(|| raw.to_owned()));
            let id = intern(&mut routing.places, key);
            routing.raw.insert(raw.into(), id);
        }
        let global = intern(&mut routing.places, (GLOBAL.into(), None));
        routing.raw.insert(GLOBAL.into(), global);
        let empty = intern(&mut routing.places, (String::new(), None));
        routing.raw.insert("".into(), empty);
        routing.empty = Some(empty);
        let base = routing.places.len();
        for service in catalog.services() {
            if service.overrides.is_empty() {
                routing.moves.push(Vec::new());
                continue;
            }
            let mut service_moves = Vec::with_capacity(base);
            for id in 0..base {
                let Some((location, zone)) = routing.places.get(id).cloned() else {
                    continue;
                };
                let to = location::moved(service, &location, zone.as_deref());
                service_moves.push(match to {
                    Some(to) => intern(&mut routing.places, (to.to_owned(), None)),
                    None => u32::try_from(id).unwrap_or(u32::MAX),
                });
            }
            routing.moves.push(service_moves);
        }
        let mut classes: FastMap<Vec<bool>, u32> = FastMap::default();
        let mut representatives = Vec::new();
        for action in catalog.actions() {
            let admitted: Vec<bool> = catalog
                .routes()
                .iter()
                .map(|r| route::admits(r, action))
                .collect();
            let class = *classes.entry(admitted).or_insert_with(|| {
                representatives.push(action);
                u32::try_from(representatives.len() - 1).unwrap_or(u32::MAX)
            });
            routing.classes.push(class);
        }
        for action in representatives {
            for (location, zone) in &routing.places {
                let place = Place {
                    location,
                    zone: zone.as_deref(),
                };
                let routed = route::route(catalog, action, &place, None);
                routing.outcomes.push(Precomputed {
                    targets: routed.outcome.map(Vec::into_boxed_slice),
                    matches: routed.matches.into_boxed_slice(),
                    defaults: routed.defaults,
                });
            }
        }
        routing
    }

    /// Where an event of `action` (of service `service`) from CRN location `raw` goes;
    /// `None` when the location is unknown.
    pub(crate) fn outcome(
        &self,
        action: ActionId,
        service: ServiceId,
        raw: &str,
    ) -> Option<Outcome<'_>> {
        let (written, base) = self.raw.get_key_value(raw)?;
        let place = match self.moves.get(service.index()) {
            Some(moves) if !moves.is_empty() => *moves.get(*base as usize)?,
            _ => *base,
        };
        // An empty location stays one only for a service that does not locate it: such an
        // event is unroutable, which the reference evaluator words.
        if Some(place) == self.empty {
            return None;
        }
        let class = *self.classes.get(action.index())? as usize;
        let (location, _) = self.places.get(place as usize)?;
        let outcome = self
            .outcomes
            .get(class * self.places.len() + place as usize)?;
        Some(Outcome {
            location,
            written,
            matches: &outcome.matches,
            defaults: outcome.defaults,
            targets: outcome.targets.as_ref().map(AsRef::as_ref).map_err(|r| *r),
        })
    }
}
