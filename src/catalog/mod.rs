//! The checked catalog: services, actions, field rules, locations and routes, all resolved.
//!
//! The only ways to build one are the checker (`check::Checker`) and loading a versioned artifact,
//! so every [`Catalog`] holds names that resolve, regexes that compile and flags that are set.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::suggestion::Fingerprint;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

mod field;

pub use crate::vocab::{EventType, Level};

/// A hash map with the `FxHash` function: fast for the short string keys of paths, actions and
/// locations. Only the catalog inserts keys, so events cannot provoke collisions.
pub(crate) type FastMap<K, V> = FxHashMap<K, V>;

pub use field::{BaseType, EnumValue, FieldRule, Pattern};
pub(crate) use field::{PatternCompiler, PatternError, sharing_regexes};

/// A group of actions: one table of a service's event catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Short identifier.
    pub name: String,
    /// The table's caption.
    pub caption: String,
}

/// A list of locations where a service's events are collected (one table of the catalog).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationTable {
    /// Short identifier.
    pub name: String,
    /// The table's caption.
    pub caption: String,
    /// The locations, as written.
    pub locations: Vec<String>,
}

/// A registry domain and the region it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    /// The domain, e.g. `jp.icr.io`.
    pub domain: String,
    /// The region as the catalog names it (possibly a former name), e.g. `ap-north`.
    pub region: String,
}

/// A service: its event-type policy, action groups and location data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// The CRN service name.
    pub name: String,
    /// The display name.
    pub display_name: String,
    /// Event types collected by default.
    pub collect: Vec<EventType>,
    /// Event types an instance cannot turn off.
    pub require: Vec<EventType>,
    /// Action groups, in declaration order.
    pub groups: Vec<Group>,
    /// Where its events are collected.
    pub location_tables: Vec<LocationTable>,
    /// Registry domains.
    pub domains: Vec<Domain>,
    /// Location overrides, from a resolved location to the one its events are located in.
    pub overrides: Vec<(String, String)>,
    /// Its events' envelope, when its `envelope` blocks declare envelope fields again: the
    /// catalog's envelope, in its order, with those fields replaced. See
    /// [`Catalog::envelope_for`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope: Option<Vec<FieldRule>>,
}

/// Defines an opaque id: an index into one of the catalog's lists, minted only by the crate.
macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub(crate) u32);

        impl $name {
            /// The position in its list.
            #[must_use]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the item at `index`; ids past `u32::MAX` saturate (catalogs stay far
            /// below that: see `crate::limits`).
            pub(crate) fn at(index: usize) -> Self {
                Self(u32::try_from(index).unwrap_or(u32::MAX))
            }
        }
    };
}

id! {
    /// Index of a service in [`Catalog::services`].
    ServiceId
}
id! {
    /// Index of an action in [`Catalog::actions`].
    ActionId
}
id! {
    /// Index of a target in [`Catalog::targets`].
    TargetId
}
id! {
    /// Index of a field path in [`Catalog::paths`]: every path a field rule or a condition
    /// reads, each once.
    PathId
}

/// An action and everything that applies to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// Full name, `service.object.verb`.
    pub name: Box<str>,
    /// Its service.
    pub service: ServiceId,
    /// Index of its group in its service's groups.
    pub group: Option<u32>,
    /// Its position in declaration order within its service, for documentation.
    pub position: u32,
    /// Management or data.
    pub event_type: EventType,
    /// Its description.
    pub description: Box<str>,
    /// Its own fields (from `fields` blocks and the schemas they use), as an index into the
    /// catalog's field lists, which actions with the same declarations share: see
    /// [`Catalog::fields`].
    #[serde(rename = "fields")]
    pub(crate) field_set: u32,
    /// Indexes of the conditional constraints that apply to it.
    pub conditionals: Box<[u32]>,
}

/// A comparison in a `when` condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The field compared.
    pub path: String,
    /// `==` when true, `!=` when false.
    pub equal: bool,
    /// The literal compared with.
    pub value: serde_json::Value,
    /// The path's id among the catalog's paths (set when the catalog is built).
    #[serde(skip)]
    pub(crate) path_id: PathId,
}

/// Fields required when every comparison holds, for the actions that list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conditional {
    /// The condition as written, for messages.
    pub condition: String,
    /// All must hold.
    pub comparisons: Vec<Comparison>,
    /// The fields then checked.
    pub fields: Vec<FieldRule>,
}

/// A part of the location hierarchy (`jp`, Japan) that route rules can name for all its
/// regions, as Activity Tracker Event Routing matches rule locations since 2026-01-27.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geography {
    /// Its name, e.g. `jp`.
    pub name: String,
    /// Display name, e.g. `Japan`.
    pub display_name: String,
    /// Its regions.
    pub regions: Vec<String>,
}

/// A region where Activity Tracker Event Routing runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// The region id, e.g. `eu-de`.
    pub name: String,
    /// Display name, e.g. `Frankfurt`.
    pub display_name: String,
    /// Its zones, e.g. `eu-de-1`.
    pub zones: Vec<String>,
    /// Other names for it, e.g. `eu-central`.
    pub aliases: Vec<String>,
}

/// The kinds of Activity Tracker Event Routing target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A Cloud Object Storage bucket.
    CloudObjectStorage,
    /// An Event Streams topic.
    EventStreams,
    /// An IBM Cloud Logs instance.
    CloudLogs,
    /// An App Configuration instance.
    AppConfig,
}

impl TargetKind {
    /// The kinds, by the name the rules and the API use.
    pub const ALL: [(&'static str, TargetKind); 4] = [
        ("cloud_object_storage", TargetKind::CloudObjectStorage),
        ("event_streams", TargetKind::EventStreams),
        ("cloud_logs", TargetKind::CloudLogs),
        ("app_config", TargetKind::AppConfig),
    ];
}

/// A destination for events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: TargetKind,
    /// Its id in Activity Tracker Event Routing, when the rules give it (`id "..."`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its description.
    pub description: Option<String>,
}

/// What a route rule's location entry matches. Serialised adjacently tagged
/// (`{"kind": "region", "name": "eu-de"}`), which JSON and YAML both carry without tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum LocationMatch {
    /// `*`: every location, `global` included.
    Any,
    /// `global`: only global events.
    Global,
    /// A region: the region and its zones.
    Region(String),
    /// A zone: only that zone.
    Zone(String),
    /// A geography: each of its regions, and their zones.
    Geography {
        /// Its name, as the rule writes it.
        name: String,
        /// Its regions.
        regions: Vec<String>,
    },
}

impl std::fmt::Display for LocationMatch {
    /// As a route rule writes it: `*`, `global`, or the name.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocationMatch::Any => f.write_str("*"),
            LocationMatch::Global => f.write_str(crate::vocab::GLOBAL),
            LocationMatch::Region(name)
            | LocationMatch::Zone(name)
            | LocationMatch::Geography { name, .. } => f.write_str(name),
        }
    }
}

impl LocationMatch {
    /// Whether it matches an event located in `location` (a region or `global`), from `zone`
    /// when its CRN named one.
    #[must_use]
    pub fn matches(&self, location: &str, zone: Option<&str>) -> bool {
        match self {
            LocationMatch::Any => true,
            LocationMatch::Global => location == crate::vocab::GLOBAL,
            LocationMatch::Region(region) => location == region,
            LocationMatch::Zone(wanted) => zone == Some(wanted.as_str()),
            LocationMatch::Geography { regions, .. } => regions.iter().any(|r| r == location),
        }
    }
}

/// One rule of a route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteRule {
    /// The locations it matches.
    pub locations: Vec<LocationMatch>,
    /// Its targets; empty drops the event.
    pub targets: Vec<TargetId>,
}

/// A route: rules tried in order, the first match wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// Its name.
    pub name: String,
    /// The event types it sees; empty for all.
    pub types: Vec<EventType>,
    /// Action patterns it sees (full names, `*` globs); empty for all.
    pub actions: Vec<String>,
    /// Its rules.
    pub rules: Vec<RouteRule>,
}

/// How many action names a did-you-mean compares at most.
pub const SUGGESTION_WINDOW: usize = 2048;

/// A checked catalog: immutable, `Send + Sync`, cheap to share behind an `Arc`.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "StoredCatalog")]
pub struct Catalog {
    data: CatalogData,
    index: ActionIndex,
    locations: HashMap<String, Resolution>,
    /// Every location name and `global`, fingerprinted for did-you-means.
    location_prints: Box<[(Box<str>, Fingerprint)]>,
    /// The actions' fingerprints, in the order of the actions; taken when the first unknown
    /// action is met, so a catalog that never meets one does not hold them.
    action_prints: OnceLock<Box<[Fingerprint]>>,
    /// Every path the rules read, by [`PathId`].
    paths: Box<[Box<str>]>,
    /// The catalog's hash, once computed or read from a verified artifact.
    hash: OnceLock<String>,
}

impl PartialEq for Catalog {
    fn eq(&self, other: &Self) -> bool {
        // Everything else is derived from the data.
        self.data == other.data
    }
}

/// What a location name (region, zone or alias) resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolution {
    /// The region id.
    pub(crate) region: String,
    /// Whether the name is a zone of that region.
    pub(crate) zone: bool,
}

/// The serialised content of a catalog.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(crate) struct CatalogData {
    pub(crate) services: Vec<Service>,
    pub(crate) actions: Vec<Action>,
    /// The distinct field lists of actions, shared.
    pub(crate) field_sets: Vec<Arc<[FieldRule]>>,
    pub(crate) envelope: Vec<FieldRule>,
    pub(crate) conditionals: Vec<Conditional>,
    pub(crate) regions: Vec<Region>,
    #[serde(default)]
    pub(crate) geographies: Vec<Geography>,
    pub(crate) targets: Vec<Target>,
    pub(crate) routes: Vec<Route>,
    pub(crate) default_targets: Vec<TargetId>,
}

/// A catalog as read from an artifact, before the checks its types cannot express.
#[derive(Deserialize)]
#[serde(transparent)]
struct StoredCatalog(CatalogData);

impl TryFrom<StoredCatalog> for Catalog {
    type Error = String;

    /// Checks what the types cannot: every index points at something, and names are in the
    /// order and as unique as the checker leaves them, so that a tampered artifact whose hash
    /// was recomputed is refused rather than decided wrongly.
    fn try_from(StoredCatalog(data): StoredCatalog) -> Result<Self, String> {
        consistent(&data)?;
        Ok(Catalog::from(data))
    }
}

/// `Ok` when the names are in order and unique, as the checker leaves them.
fn strictly_sorted<'a>(what: &str, mut names: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let Some(mut previous) = names.next() else {
        return Ok(());
    };
    for name in names {
        if previous >= name {
            return Err(format!("{what} `{previous}` and `{name}` are out of order"));
        }
        previous = name;
    }
    Ok(())
}

/// The references and orders of a catalog's data, checked.
fn consistent(data: &CatalogData) -> Result<(), String> {
    let fails = |what: String| Err(what);
    let services = data.services.iter().map(|s| s.name.as_str());
    strictly_sorted("services", services)?;
    strictly_sorted("actions", data.actions.iter().map(|a| &*a.name))?;
    for action in &data.actions {
        let name = &action.name;
        let Some(service) = data.services.get(action.service.index()) else {
            return fails(format!(
                "action `{name}` refers to service {}",
                action.service.0
            ));
        };
        if !name.starts_with(&format!("{}.", service.name)) {
            return fails(format!(
                "action `{name}` is not in its service `{}`",
                service.name
            ));
        }
        if action
            .group
            .is_some_and(|g| g as usize >= service.groups.len())
        {
            return fails(format!(
                "action `{name}` refers to a group its service lacks"
            ));
        }
        if action.field_set as usize >= data.field_sets.len() {
            return fails(format!(
                "action `{name}` refers to field list {}, but there are {}",
                action.field_set,
                data.field_sets.len()
            ));
        }
        if let Some(c) = action
            .conditionals
            .iter()
            .find(|c| **c as usize >= data.conditionals.len())
        {
            return fails(format!("action `{name}` refers to conditional {c}"));
        }
    }
    let target = |id: &TargetId| id.index() < data.targets.len();
    for route in &data.routes {
        for rule in &route.rules {
            if !rule.targets.iter().all(target) {
                return fails(format!(
                    "route `{}` refers to a target that is not there",
                    route.name
                ));
            }
            for location in &rule.locations {
                let known = match location {
                    LocationMatch::Any | LocationMatch::Global => true,
                    LocationMatch::Region(name) => data.regions.iter().any(|r| r.name == *name),
                    LocationMatch::Zone(name) => {
                        data.regions.iter().any(|r| r.zones.contains(name))
                    }
                    LocationMatch::Geography { regions, .. } => regions
                        .iter()
                        .all(|name| data.regions.iter().any(|r| r.name == *name)),
                };
                if !known {
                    return fails(format!("route `{}` names an unknown location", route.name));
                }
            }
        }
    }
    if !data.default_targets.iter().all(target) {
        return fails("a default target is not there".into());
    }
    Ok(())
}

impl From<CatalogData> for Catalog {
    fn from(mut data: CatalogData) -> Self {
        let paths = intern_paths(&mut data);
        let index = ActionIndex::new(&data.actions);
        let mut locations = HashMap::new();
        for region in &data.regions {
            let resolution = |zone| Resolution {
                region: region.name.clone(),
                zone,
            };
            locations.insert(region.name.clone(), resolution(false));
            for alias in &region.aliases {
                locations.insert(alias.clone(), resolution(false));
            }
            for zone in &region.zones {
                locations.insert(zone.clone(), resolution(true));
            }
        }
        let location_prints = locations
            .keys()
            .map(String::as_str)
            .chain([crate::vocab::GLOBAL])
            .map(|name| (Box::from(name), Fingerprint::of(name)))
            .collect();
        Catalog {
            data,
            index,
            locations,
            location_prints,
            action_prints: OnceLock::new(),
            paths,
            hash: OnceLock::new(),
        }
    }
}

/// Gives every field rule and comparison the id of its path, and returns the paths by id.
fn intern_paths(data: &mut CatalogData) -> Box<[Box<str>]> {
    let mut ids: FastMap<String, PathId> = FastMap::default();
    let mut paths = Vec::new();
    let mut intern = |path: &str| {
        if let Some(id) = ids.get(path) {
            return *id;
        }
        let id = PathId::at(paths.len());
        paths.push(Box::from(path));
        ids.insert(path.to_owned(), id);
        id
    };
    for set in &mut data.field_sets {
        for rule in Arc::make_mut(set) {
            rule.path_id = intern(&rule.path);
        }
    }
    for conditional in &mut data.conditionals {
        for rule in &mut conditional.fields {
            rule.path_id = intern(&rule.path);
        }
        for comparison in &mut conditional.comparisons {
            comparison.path_id = intern(&comparison.path);
        }
    }
    for rule in &mut data.envelope {
        rule.path_id = intern(&rule.path);
    }
    for service in &mut data.services {
        for rule in service.envelope.iter_mut().flatten() {
            rule.path_id = intern(&rule.path);
        }
    }
    paths.into_boxed_slice()
}

/// A catalog is written as its data (what it derives is rebuilt when it is read), without
/// the copy that `#[serde(into = ...)]` would make.
impl Serialize for Catalog {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.data.serialize(serializer)
    }
}

impl Catalog {
    /// The services, sorted by name.
    #[must_use]
    pub fn services(&self) -> &[Service] {
        &self.data.services
    }

    /// A service by id.
    #[must_use]
    pub fn service(&self, id: ServiceId) -> Option<&Service> {
        self.data.services.get(id.index())
    }

    /// The actions, sorted by full name.
    #[must_use]
    pub fn actions(&self) -> &[Action] {
        &self.data.actions
    }

    /// An action by full name.
    #[must_use]
    pub fn action_id(&self, name: &str) -> Option<ActionId> {
        self.index.get(&self.data.actions, name)
    }

    /// An action's own fields.
    #[must_use]
    pub fn fields(&self, action: &Action) -> &[FieldRule] {
        self.data
            .field_sets
            .get(action.field_set as usize)
            .map_or(&[], |set| set)
    }

    /// The declared action closest to an unknown name, for a did-you-mean. Bounded work
    /// whatever the catalog's size: only actions of the same service (when the name's first
    /// part is a service) and at most [`SUGGESTION_WINDOW`] names around where the name would
    /// sort are compared.
    #[must_use]
    pub fn suggest_action(&self, name: &str) -> Option<&str> {
        let actions = &self.data.actions;
        let service = name.split('.').next().unwrap_or_default();
        let prefix = format!("{service}.");
        let start = actions.partition_point(|a| &*a.name < prefix.as_str());
        let end = start
            + actions
                .get(start..)
                .unwrap_or_default()
                .partition_point(|a| a.name.starts_with(&prefix));
        let (start, end) = if start == end {
            (0, actions.len())
        } else {
            (start, end)
        };
        let at = start
            + actions
                .get(start..end)
                .unwrap_or_default()
                .partition_point(|a| &*a.name < name);
        let half = SUGGESTION_WINDOW / 2;
        let range = at.saturating_sub(half).max(start)..(at + half).min(end);
        let window = actions.get(range.clone()).unwrap_or_default();
        let prints = self
            .action_prints
            .get_or_init(|| actions.iter().map(|a| Fingerprint::of(&a.name)).collect());
        let prints = prints.get(range).unwrap_or_default();
        crate::suggestion::closest_fingerprinted(name, window.iter().map(|a| &*a.name).zip(prints))
            .or_else(|| {
                // Object paths repeat a segment (`is.volume.volume.update`): a name that leaves
                // the repeat out, or doubles one, is the same name collapsed.
                let collapsed = collapse_repeats(name);
                window
                    .iter()
                    .map(|a| &*a.name)
                    .find(|candidate| collapse_repeats(candidate) == collapsed)
            })
    }

    /// An action by id.
    #[must_use]
    pub fn action(&self, id: ActionId) -> Option<&Action> {
        self.data.actions.get(id.index())
    }

    /// The fields every event carries.
    #[must_use]
    pub fn envelope(&self) -> &[FieldRule] {
        &self.data.envelope
    }

    /// The envelope of a service's events: its own when its `envelope` blocks declare fields
    /// again (relaxed or tightened for it), else the catalog's. Both list the same paths in
    /// the same order, so a field's position is the same in either.
    #[must_use]
    pub fn envelope_for(&self, service: ServiceId) -> &[FieldRule] {
        self.service(service)
            .and_then(|s| s.envelope.as_deref())
            .unwrap_or(&self.data.envelope)
    }

    /// The conditional constraints.
    #[must_use]
    pub fn conditionals(&self) -> &[Conditional] {
        &self.data.conditionals
    }

    /// The regions.
    #[must_use]
    pub fn regions(&self) -> &[Region] {
        &self.data.regions
    }

    /// The geographies route rules can name, in declaration order.
    #[must_use]
    pub fn geographies(&self) -> &[Geography] {
        &self.data.geographies
    }

    /// The targets.
    #[must_use]
    pub fn targets(&self) -> &[Target] {
        &self.data.targets
    }

    /// The routes, in declaration order.
    #[must_use]
    pub fn routes(&self) -> &[Route] {
        &self.data.routes
    }

    /// Every field path the rules read, by [`PathId`].
    #[must_use]
    pub fn paths(&self) -> &[Box<str>] {
        &self.paths
    }

    /// What a location name (region, zone or alias) resolves to.
    pub(crate) fn resolve(&self, name: &str) -> Option<&Resolution> {
        self.locations.get(name)
    }

    /// Every location name the catalog knows, for suggestions.
    /// Where the catalog's hash is kept once known ([`Catalog::hash`]).
    pub(crate) fn known_hash(&self) -> &OnceLock<String> {
        &self.hash
    }

    /// Records the hash a verified artifact gives, so that it is not computed again.
    pub(crate) fn remember_hash(&self, hash: String) {
        let _already = self.hash.set(hash);
    }

    /// The location name (or `global`) closest to `name`, for a did-you-mean.
    pub(crate) fn suggest_location(&self, name: &str) -> Option<&str> {
        crate::suggestion::closest_fingerprinted(
            name,
            self.location_prints
                .iter()
                .map(|(name, print)| (&**name, print)),
        )
    }

    /// Every location name with what it resolves to.
    pub(crate) fn location_entries(&self) -> impl Iterator<Item = (&str, &Resolution)> {
        self.locations
            .iter()
            .map(|(name, place)| (name.as_str(), place))
    }

    /// Where events go when no route matched.
    #[must_use]
    pub fn default_targets(&self) -> &[TargetId] {
        &self.data.default_targets
    }
}

/// Action names to ids, by a 32-bit hash of the name: the names themselves stay in the actions
/// (sorted), so the index costs a few bytes per action. Names whose hash collides with an
/// earlier one's are kept whole in a second map.
#[derive(Debug, Clone, Default)]
struct ActionIndex {
    by_hash: FastMap<u32, ActionId>,
    collided: FastMap<Box<str>, ActionId>,
}

impl ActionIndex {
    fn new(actions: &[Action]) -> Self {
        let mut index = ActionIndex::default();
        index.by_hash.reserve(actions.len());
        for (i, action) in actions.iter().enumerate() {
            let id = ActionId::at(i);
            match index.by_hash.entry(name_hash(&action.name)) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(id);
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    index.collided.insert(action.name.clone(), id);
                }
            }
        }
        index
    }

    fn get(&self, actions: &[Action], name: &str) -> Option<ActionId> {
        let id = *self.by_hash.get(&name_hash(name))?;
        match actions.get(id.index()) {
            Some(action) if &*action.name == name => Some(id),
            _ => self.collided.get(name).copied(),
        }
    }
}

/// 32 bits of the name's hash: collisions among a catalog's names are rare, and handled.
fn name_hash(name: &str) -> u32 {
    use std::hash::{BuildHasher as _, BuildHasherDefault};
    let hash = BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(name);
    (hash >> 32) as u32
}

/// Whether `name` matches `pattern`, where each `*` stands for any run of characters.
#[must_use]
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if n.get(ni) == Some(&c) => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|&c| c == b'*')
}

/// The dot-separated segments of `name`, with each run of equal adjacent segments kept once.
fn collapse_repeats(name: &str) -> Vec<&str> {
    let mut segments: Vec<&str> = name.split('.').collect();
    segments.dedup();
    segments
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob_matches(
            "container-registry.image.*",
            "container-registry.image.push"
        ));
        assert!(glob_matches("*.read", "cloudantnosqldb.users.read"));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches(
            "container-registry.image.*",
            "container-registry.images"
        ));
        assert!(!glob_matches("a.*.c", "a.b.d"));
    }
}
