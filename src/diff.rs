//! `rulec diff`: what a catalog change does to producers and to routing.
//!
//! Two catalogs are compared as catalogs, not as text:
//!
//! - **breaking** changes can make events that were accepted fail: an action removed, a field
//!   made required, a type or a pattern changed, an enum member removed, an event type flipped,
//!   a collect or require policy changed, a level raised;
//! - **widening** changes only accept more: an action added, a field made optional or removed,
//!   an enum member added, a pattern removed, a level lowered;
//! - **reroute** changes move events: for every action both catalogs declare and every
//!   location either knows (regions, zones, `global`), the targets are computed under each
//!   catalog, exactly, and the flows that differ are reported, grouped;
//! - **docs** changes touch descriptions, captions and display names only.
//!
//! Comments and formatting are not in a catalog, so they are never reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::catalog::{Catalog, FieldRule, ServiceId};
use crate::check::Origins;
use crate::eval::{Context, Engine, Evaluator};
use crate::source::{SourceSet, Span};
use crate::vocab::{EventType, Level};

/// How a change affects the producers of events and the consumers of routed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Events that were accepted may now fail.
    Breaking,
    /// Only more events are accepted.
    Widening,
    /// Events go to other targets.
    Reroute,
    /// Descriptions, captions and display names.
    Docs,
}

impl Class {
    /// The class as JSON and the text formats name it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Widening => "widening",
            Class::Reroute => "reroute",
            Class::Docs => "docs",
        }
    }
}

/// Where a changed item is declared: its file, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file, as the catalog was read.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One change between the catalogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Its class.
    pub class: Class,
    /// Its code, `diff::...`, which `rulec explain` explains.
    pub code: &'static str,
    /// What changed, in words.
    pub message: String,
    /// Where the old catalog declares it; `None` for an artifact, or what it did not have.
    pub old: Option<Place>,
    /// Where the new catalog declares it.
    pub new: Option<Place>,
}

/// Where a flow's events went under one catalog.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Routed to these targets.
    Targets(Vec<String>),
    /// Dropped, for this reason (`no-matching-route`, `dropped-by-route`, ...).
    Dropped(String),
    /// Rejected: the location is not one the catalog knows.
    Unroutable,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Targets(targets) => f.write_str(&targets.join(", ")),
            Outcome::Dropped(reason) => write!(f, "dropped ({reason})"),
            Outcome::Unroutable => f.write_str("unroutable"),
        }
    }
}

/// Events that went somewhere else: of one service and event type, from some locations, of
/// all its actions of that type or of some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    /// The service.
    pub service: String,
    /// The event type.
    pub event_type: EventType,
    /// The locations the events come from.
    pub locations: Vec<String>,
    /// The actions, or `None` for every action of the service with that event type.
    pub actions: Option<Vec<String>>,
    /// Where they went under the old catalog.
    pub old: Outcome,
    /// Where they go under the new one.
    pub new: Outcome,
}

impl Flow {
    /// `container-registry data events from eu-de: archive, siem -> archive`, with a region
    /// whose zones all moved named once and actions named relative to their service.
    #[must_use]
    pub fn describe(&self, catalog: &Catalog) -> String {
        let prefix = format!("{}.", self.service);
        let relative = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .map(|n| n.strip_prefix(&prefix).unwrap_or(n).to_owned())
                .collect()
        };
        let whose = match &self.actions {
            None => format!("{} {} events", self.service, self.event_type),
            Some(actions) => {
                let others: Vec<String> = catalog
                    .actions()
                    .iter()
                    .filter(|a| {
                        a.event_type == self.event_type
                            && a.name.starts_with(&prefix)
                            && !actions.iter().any(|n| **n == *a.name)
                    })
                    .map(|a| a.name.to_string())
                    .collect();
                if others.len() < actions.len() {
                    format!(
                        "{} {} events but those of {}",
                        self.service,
                        self.event_type,
                        list(&relative(&others), 6)
                    )
                } else {
                    format!(
                        "{} {} events of {}",
                        self.service,
                        self.event_type,
                        list(&relative(actions), 6)
                    )
                }
            }
        };
        format!(
            "{whose} from {}: {} -> {}",
            list(&collapse(catalog, &self.locations), 8),
            self.old,
            self.new
        )
    }
}

/// Locations with each region whose zones are all listed too written once, as
/// `eu-de (and its zones)`.
fn collapse(catalog: &Catalog, locations: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut covered = BTreeSet::new();
    for region in catalog.regions() {
        let all = locations.contains(&region.name)
            && !region.zones.is_empty()
            && region.zones.iter().all(|z| locations.contains(z));
        if all {
            covered.insert(region.name.as_str());
            covered.extend(region.zones.iter().map(String::as_str));
            out.push(format!("{} (and its zones)", region.name));
        }
    }
    out.extend(
        locations
            .iter()
            .filter(|l| !covered.contains(l.as_str()))
            .cloned(),
    );
    out
}

/// How many changes of each class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Breaking changes.
    pub breaking: usize,
    /// Widening changes.
    pub widening: usize,
    /// Re-routed flows.
    pub reroute: usize,
    /// Documentation changes.
    pub docs: usize,
}

/// Everything `rulec diff` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes, breaking first.
    pub changes: Vec<Change>,
    /// The flows that moved.
    pub flows: Vec<Flow>,
    /// Counts per class.
    pub summary: Summary,
}

impl Report {
    /// Whether a change of this class is in the report.
    #[must_use]
    pub fn has(&self, class: Class) -> bool {
        self.changes.iter().any(|c| c.class == class)
    }
}

/// One side of a comparison: its engine, and where its items are declared when it was read
/// from `.rules` files.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The catalog, loaded.
    pub engine: &'a Engine,
    /// Where its items are declared, with the sources the spans point into.
    pub origins: Option<(&'a Origins, &'a SourceSet)>,
}

impl<'a> Side<'a> {
    fn catalog(&self) -> &'a Catalog {
        self.engine.catalog()
    }

    fn place(&self, span: impl FnOnce(&Origins) -> Option<Span>) -> Option<Place> {
        let (origins, sources) = self.origins?;
        let span = span(origins)?;
        let at = sources.position(span.start as usize)?;
        Some(Place {
            file: at.file.to_owned(),
            line: at.line,
            column: at.column,
        })
    }

    fn action_place(&self, name: &str) -> Option<Place> {
        let id = self.catalog().action_id(name)?;
        self.place(|o| o.actions.get(id.index()).copied())
    }
}

/// Compares two catalogs.
#[must_use]
pub fn diff(old: Side<'_>, new: Side<'_>) -> Report {
    let mut cx = Differ {
        old,
        new,
        changes: Vec::new(),
        grouped: BTreeMap::new(),
    };
    cx.services();
    cx.actions();
    cx.envelopes();
    cx.conditionals();
    cx.flush_grouped();
    let flows = flows(old, new);
    for flow in &flows {
        cx.changes.push(Change {
            class: Class::Reroute,
            code: crate::codes::diff::REROUTE,
            message: flow.describe(new.catalog()),
            old: None,
            new: None,
        });
    }
    let mut changes = cx.changes;
    changes.sort_by_key(|c| c.class);
    let count = |class| changes.iter().filter(|c| c.class == class).count();
    let summary = Summary {
        breaking: count(Class::Breaking),
        widening: count(Class::Widening),
        reroute: count(Class::Reroute),
        docs: count(Class::Docs),
    };
    Report {
        changes,
        flows,
        summary,
    }
}

/// A field change that many actions share, reported once with their names.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    class: Class,
    code: &'static str,
    detail: String,
}

/// The actions a grouped change applies to, and where the first one declares the field.
type Grouped = (Vec<String>, Option<Place>, Option<Place>);

struct Differ<'a> {
    old: Side<'a>,
    new: Side<'a>,
    changes: Vec<Change>,
    /// Per field change, the actions it applies to, with the first one's places.
    grouped: BTreeMap<Key, Grouped>,
}

impl Differ<'_> {
    fn push(
        &mut self,
        class: Class,
        code: &'static str,
        message: String,
        old: Option<Place>,
        new: Option<Place>,
    ) {
        self.changes.push(Change {
            class,
            code,
            message,
            old,
            new,
        });
    }

    fn services(&mut self) {
        let (old, new) = (self.old.catalog(), self.new.catalog());
        for service in new.services() {
            let Some(before) = old.services().iter().find(|s| s.name == service.name) else {
                continue;
            };
            let name = &service.name;
            for (what, was, is) in [
                ("collect", &before.collect, &service.collect),
                ("require", &before.require, &service.require),
            ] {
                if was != is {
                    let message = format!(
                        "service `{name}` now has `{what} {}` (was `{what} {}`): instances see other events",
                        types(is),
                        types(was)
                    );
                    self.push(
                        Class::Breaking,
                        crate::codes::diff::POLICY_CHANGED,
                        message,
                        None,
                        None,
                    );
                }
            }
            if before.display_name != service.display_name {
                let message = format!(
                    "service `{name}`'s display name is now \"{}\" (was \"{}\")",
                    service.display_name, before.display_name
                );
                self.push(
                    Class::Docs,
                    crate::codes::diff::DESCRIPTION_CHANGED,
                    message,
                    None,
                    None,
                );
            }
            for group in &service.groups {
                let was = before.groups.iter().find(|g| g.name == group.name);
                if let Some(was) = was.filter(|g| g.caption != group.caption) {
                    let message = format!(
                        "group `{}` of `{name}` is now captioned \"{}\" (was \"{}\")",
                        group.name, group.caption, was.caption
                    );
                    self.push(
                        Class::Docs,
                        crate::codes::diff::DESCRIPTION_CHANGED,
                        message,
                        None,
                        None,
                    );
                }
            }
        }
    }

    fn actions(&mut self) {
        let (old, new) = (self.old, self.new);
        let removed: Vec<&crate::catalog::Action> = old
            .catalog()
            .actions()
            .iter()
            .filter(|a| new.catalog().action_id(&a.name).is_none())
            .collect();
        let added: Vec<&crate::catalog::Action> = new
            .catalog()
            .actions()
            .iter()
            .filter(|a| old.catalog().action_id(&a.name).is_none())
            .collect();
        for action in &removed {
            // A removed action with an added one of the same description was renamed.
            let renamed = added.iter().find(|a| {
                a.description == action.description
                    && a.service_name(new) == action.service_name(old)
            });
            let message = match renamed {
                Some(to) => format!(
                    "action `{}` is renamed `{}`: events that name it are now rejected",
                    action.name, to.name
                ),
                None => format!(
                    "action `{}` is removed: events that name it are now rejected",
                    action.name
                ),
            };
            let at = old.action_place(&action.name);
            let to = renamed.and_then(|a| new.action_place(&a.name));
            self.push(
                Class::Breaking,
                crate::codes::diff::ACTION_REMOVED,
                message,
                at,
                to,
            );
        }
        for action in &added {
            let message = format!("action `{}` is added ({})", action.name, action.event_type);
            self.push(
                Class::Widening,
                crate::codes::diff::ACTION_ADDED,
                message,
                None,
                new.action_place(&action.name),
            );
        }
        self.changed_actions();
    }

    /// The actions both catalogs declare: their event types, descriptions and fields.
    fn changed_actions(&mut self) {
        let (old, new) = (self.old, self.new);
        for action in new.catalog().actions() {
            let Some(before) = old
                .catalog()
                .action_id(&action.name)
                .and_then(|id| old.catalog().action(id))
            else {
                continue;
            };
            let (at, to) = (
                old.action_place(&action.name),
                new.action_place(&action.name),
            );
            if before.event_type != action.event_type {
                let message = format!(
                    "action `{}` is now a {} event (was {}): its events are collected and routed as such",
                    action.name, action.event_type, before.event_type
                );
                self.push(
                    Class::Breaking,
                    crate::codes::diff::EVENT_TYPE_CHANGED,
                    message,
                    at.clone(),
                    to.clone(),
                );
            }
            if before.description != action.description {
                let message = format!("the description of action `{}` changed", action.name);
                self.push(
                    Class::Docs,
                    crate::codes::diff::DESCRIPTION_CHANGED,
                    message,
                    at.clone(),
                    to.clone(),
                );
            }
            let was = old.catalog().fields(before);
            let is = new.catalog().fields(action);
            let mut changes = Vec::new();
            fields(was, is, &mut changes);
            for (class, code, detail, path) in changes {
                let place =
                    |side: Side<'_>, action: &crate::catalog::Action, rules: &[FieldRule]| {
                        let index = rules.iter().position(|f| f.path == path)?;
                        let set = action.field_set as usize;
                        side.place(|o| o.field_sets.get(set)?.get(index).copied())
                    };
                let at = place(old, before, was).or_else(|| at.clone());
                let to = place(new, action, is).or_else(|| to.clone());
                let entry = self
                    .grouped
                    .entry(Key {
                        class,
                        code,
                        detail,
                    })
                    .or_insert_with(|| (Vec::new(), at, to));
                entry.0.push(action.name.to_string());
            }
        }
    }

    /// Field changes shared by many actions, each as one change naming them.
    fn flush_grouped(&mut self) {
        for (key, (actions, at, to)) in std::mem::take(&mut self.grouped) {
            let message = format!("{}, for action {}", key.detail, list(&actions, 5));
            self.push(key.class, key.code, message, at, to);
        }
    }

    fn envelopes(&mut self) {
        let (old, new) = (self.old, self.new);
        let mut changes = Vec::new();
        fields(
            old.catalog().envelope(),
            new.catalog().envelope(),
            &mut changes,
        );
        for (class, code, detail, path) in changes {
            let place = |side: Side<'_>| {
                let index = side
                    .catalog()
                    .envelope()
                    .iter()
                    .position(|f| f.path == path);
                side.place(|o| o.envelope.get(index?).copied())
            };
            let message = format!("{detail}, in the envelope");
            self.push(class, code, message, place(old), place(new));
        }
        for (index, service) in new.catalog().services().iter().enumerate() {
            let Some(before) = old
                .catalog()
                .services()
                .iter()
                .position(|s| s.name == service.name)
            else {
                continue;
            };
            let was = old.catalog().envelope_for(ServiceId::at(before));
            let is = new.catalog().envelope_for(ServiceId::at(index));
            if std::ptr::eq(was, old.catalog().envelope())
                && std::ptr::eq(is, new.catalog().envelope())
            {
                continue;
            }
            let mut changes = Vec::new();
            fields(was, is, &mut changes);
            for (class, code, detail, _) in changes {
                let message = format!("{detail}, in the envelope of service `{}`", service.name);
                self.push(class, code, message, None, None);
            }
        }
    }

    fn conditionals(&mut self) {
        let (old, new) = (self.old.catalog(), self.new.catalog());
        let (was, is) = (conditionals(old), conditionals(new));
        for (key, conditional) in &is {
            let scope = scope(&key.1);
            match was.get(key) {
                None => {
                    let message = format!(
                        "`when {}` is added{scope}: the events it selects must carry its fields",
                        conditional.condition
                    );
                    self.push(
                        Class::Breaking,
                        crate::codes::diff::CONDITIONAL_CHANGED,
                        message,
                        None,
                        None,
                    );
                }
                Some(before) => {
                    let mut changes = Vec::new();
                    fields(&before.fields, &conditional.fields, &mut changes);
                    for (class, code, detail, _) in changes {
                        let message = format!("{detail}, when {}{scope}", conditional.condition);
                        self.push(class, code, message, None, None);
                    }
                }
            }
        }
        for (key, conditional) in &was {
            if !is.contains_key(key) {
                let message = format!(
                    "`when {}` is removed{}",
                    conditional.condition,
                    scope(&key.1)
                );
                self.push(
                    Class::Widening,
                    crate::codes::diff::CONDITIONAL_CHANGED,
                    message,
                    None,
                    None,
                );
            }
        }
    }
}

/// The conditionals of a catalog by their condition and the services of the actions they
/// apply to: a condition written in two services is two conditionals.
fn conditionals(
    catalog: &Catalog,
) -> BTreeMap<(String, Vec<String>), &crate::catalog::Conditional> {
    let mut services: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    for action in catalog.actions() {
        let Some(service) = catalog.service(action.service) else {
            continue;
        };
        for index in &action.conditionals {
            services
                .entry(*index)
                .or_default()
                .insert(service.name.clone());
        }
    }
    catalog
        .conditionals()
        .iter()
        .zip(0_u32..)
        .map(|(conditional, index)| {
            let names = services.remove(&index).unwrap_or_default();
            // Written out of shape, a condition is the same condition.
            let condition: String = conditional.condition.split_whitespace().collect();
            ((condition, names.into_iter().collect()), conditional)
        })
        .collect()
}

/// ` (service `a`)`: which services a conditional applies in.
fn scope(services: &[String]) -> String {
    match services {
        [] => String::new(),
        [one] => format!(" (service `{one}`)"),
        many => format!(" (services {})", list(many, 4)),
    }
}

impl crate::catalog::Action {
    fn service_name<'c>(&self, side: Side<'c>) -> Option<&'c str> {
        side.engine
            .catalog()
            .service(self.service)
            .map(|s| s.name.as_str())
    }
}

/// A change of one field: its class, code and words.
type Found = (Class, &'static str, String);

/// A change of one field among others: its class, code, words and path.
type FieldChange = (Class, &'static str, String, String);

/// The changes between two lists of field rules.
fn fields(was: &[FieldRule], is: &[FieldRule], out: &mut Vec<FieldChange>) {
    let before: BTreeMap<&str, &FieldRule> = was.iter().map(|f| (f.path.as_str(), f)).collect();
    let after: BTreeMap<&str, &FieldRule> = is.iter().map(|f| (f.path.as_str(), f)).collect();
    for (path, rule) in &after {
        match before.get(path) {
            None if rule.missing == Level::Error => push(
                out,
                path,
                (
                    Class::Breaking,
                    crate::codes::diff::FIELD_REQUIRED,
                    format!("field `{path}` is added, required: events without it are rejected"),
                ),
            ),
            None => push(
                out,
                path,
                (
                    Class::Breaking,
                    crate::codes::diff::CONSTRAINT_TIGHTENED,
                    format!(
                        "field `{path}` is added ({}): widening cannot be proven, as events that carry it with another value now meet its constraints",
                        rule.ty.name()
                    ),
                ),
            ),
            Some(old) => {
                let mut found = Vec::new();
                field(path, old, rule, &mut found);
                out.extend(
                    found
                        .into_iter()
                        .map(|(class, code, words)| (class, code, words, (*path).to_owned())),
                );
            }
        }
    }
    for path in before.keys() {
        if !after.contains_key(path) {
            push(
                out,
                path,
                (
                    Class::Widening,
                    crate::codes::diff::FIELD_OPTIONAL,
                    format!("field `{path}` is no longer declared: nothing is checked of it"),
                ),
            );
        }
    }
}

/// The changes of one field.
fn field(path: &str, old: &FieldRule, new: &FieldRule, out: &mut Vec<Found>) {
    if old.missing != new.missing {
        let (class, code) = if new.missing > old.missing {
            (Class::Breaking, crate::codes::diff::FIELD_REQUIRED)
        } else {
            (Class::Widening, crate::codes::diff::FIELD_OPTIONAL)
        };
        let words = |level: Level| match level {
            Level::Error => "required",
            Level::Warning => "required at `warn`",
            Level::Allow => "optional",
        };
        out.push((
            class,
            code,
            format!(
                "field `{path}` is now {} (was {})",
                words(new.missing),
                words(old.missing)
            ),
        ));
    }
    if old.ty != new.ty {
        let widened = matches!(
            (old.ty, new.ty),
            (
                crate::catalog::BaseType::Integer,
                crate::catalog::BaseType::Number
            )
        );
        let class = if widened {
            Class::Widening
        } else {
            Class::Breaking
        };
        out.push((
            class,
            crate::codes::diff::TYPE_CHANGED,
            format!(
                "field `{path}` is now of type `{}` (was `{}`)",
                new.ty.name(),
                old.ty.name()
            ),
        ));
    }
    for (what, was, is) in [
        ("`invalid`", old.invalid, new.invalid),
        ("`quoted`", old.quoted, new.quoted),
    ] {
        if was != is {
            let (class, code) = if is > was {
                (Class::Breaking, crate::codes::diff::LEVEL_RAISED)
            } else {
                (Class::Widening, crate::codes::diff::LEVEL_LOWERED)
            };
            out.push((
                class,
                code,
                format!("field `{path}`'s {what} level is now `{is}` (was `{was}`)"),
            ));
        }
    }
    enum_values(path, old, new, out);
    patterns(path, old, new, out);
    if old.description != new.description {
        out.push((
            Class::Docs,
            crate::codes::diff::DESCRIPTION_CHANGED,
            format!("the description of field `{path}` changed"),
        ));
    }
}

fn enum_values(path: &str, old: &FieldRule, new: &FieldRule, out: &mut Vec<Found>) {
    // An empty list allows every value of the type.
    if old.values.is_empty() && !new.values.is_empty() {
        out.push((
            Class::Breaking,
            crate::codes::diff::ENUM_MEMBER_REMOVED,
            format!(
                "field `{path}` now allows only {}",
                quoted_list(new.values.iter().map(|v| v.value.as_str()))
            ),
        ));
        return;
    }
    if new.values.is_empty() {
        if !old.values.is_empty() {
            out.push((
                Class::Widening,
                crate::codes::diff::ENUM_MEMBER_ADDED,
                format!("field `{path}` now allows any value"),
            ));
        }
        return;
    }
    for value in &old.values {
        match new.values.iter().find(|v| v.value == value.value) {
            None => out.push((
                Class::Breaking,
                crate::codes::diff::ENUM_MEMBER_REMOVED,
                format!("field `{path}` no longer allows \"{}\"", value.value),
            )),
            Some(now) if now.level > value.level => out.push((
                Class::Breaking,
                crate::codes::diff::LEVEL_RAISED,
                format!(
                    "field `{path}`'s member \"{}\" is now accepted at `{}` (was `{}`)",
                    value.value, now.level, value.level
                ),
            )),
            Some(now) if now.level < value.level => out.push((
                Class::Widening,
                crate::codes::diff::LEVEL_LOWERED,
                format!(
                    "field `{path}`'s member \"{}\" is now accepted at `{}` (was `{}`)",
                    value.value, now.level, value.level
                ),
            )),
            Some(_) => {}
        }
    }
    for value in &new.values {
        if !old.values.iter().any(|v| v.value == value.value) {
            out.push((
                Class::Widening,
                crate::codes::diff::ENUM_MEMBER_ADDED,
                format!("field `{path}` now allows \"{}\"", value.value),
            ));
        }
    }
}

fn patterns(path: &str, old: &FieldRule, new: &FieldRule, out: &mut Vec<Found>) {
    let was: BTreeSet<(&str, Level)> = old
        .patterns
        .iter()
        .map(|p| (p.source(), p.level()))
        .collect();
    let is: BTreeSet<(&str, Level)> = new
        .patterns
        .iter()
        .map(|p| (p.source(), p.level()))
        .collect();
    if was == is {
        return;
    }
    let added: Vec<&str> = is.difference(&was).map(|(s, _)| *s).collect();
    if added.is_empty() {
        out.push((
            Class::Widening,
            crate::codes::diff::PATTERN_WIDENED,
            format!(
                "field `{path}` has fewer patterns: {} is no longer checked",
                slashes(was.difference(&is).map(|(s, _)| *s))
            ),
        ));
    } else {
        out.push((
                Class::Breaking,
                crate::codes::diff::PATTERN_CHANGED,
                format!(
                    "field `{path}` must now match {}: widening cannot be proven, so some value the old patterns accepted may fail",
                    slashes(added.into_iter())
                )));
    }
}

fn push(
    out: &mut Vec<FieldChange>,
    path: &str,
    (class, code, words): (Class, &'static str, String),
) {
    out.push((class, code, words, path.to_owned()));
}

fn slashes<'s>(patterns: impl Iterator<Item = &'s str>) -> String {
    patterns
        .map(|p| format!("/{p}/"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn quoted_list<'s>(values: impl Iterator<Item = &'s str>) -> String {
    values
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn types(list: &[EventType]) -> String {
    list.iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `` `a`, `b`, `c` and 4 more ``.
fn list(names: &[String], most: usize) -> String {
    let shown: Vec<String> = names.iter().take(most).map(|n| format!("`{n}`")).collect();
    let mut out = shown.join(", ");
    if names.len() > most {
        let _ = write!(out, " and {} more", names.len() - most);
    }
    out
}

/// Every location either catalog knows: regions, zones and `global`.
fn locations(old: &Catalog, new: &Catalog) -> Vec<String> {
    let mut out = BTreeSet::new();
    for catalog in [old, new] {
        for region in catalog.regions() {
            out.insert(region.name.clone());
            out.extend(region.zones.iter().cloned());
        }
    }
    out.insert("global".to_owned());
    out.into_iter().collect()
}

/// Per move (service, event type, old outcome, new outcome): per location, the actions.
type Moves = BTreeMap<(String, EventType, Outcome, Outcome), BTreeMap<String, Vec<String>>>;

/// Where an action's events from a location go under a catalog.
fn outcome(evaluator: &Evaluator<'_>, action: &str, location: &str) -> Outcome {
    match evaluator.route_query(action, location, None) {
        Ok(decision) => match (&decision.targets, decision.reason) {
            (Some(targets), _) => Outcome::Targets(targets.to_vec()),
            (None, Some(reason)) => Outcome::Dropped(reason.as_str().to_owned()),
            (None, None) => Outcome::Unroutable,
        },
        Err(_) => Outcome::Unroutable,
    }
}

/// The flows that moved: for every action both catalogs declare and every location, the
/// targets under each, grouped by service, event type and the move.
fn flows(old: Side<'_>, new: Side<'_>) -> Vec<Flow> {
    let (before, after) = (old.catalog(), new.catalog());
    let context = Context::default();
    let was = Evaluator::new(old.engine).with_context(context);
    let is = Evaluator::new(new.engine).with_context(context);
    let places = locations(before, after);
    let mut moves: Moves = BTreeMap::new();
    let mut all: BTreeMap<(String, EventType), usize> = BTreeMap::new();
    for action in after.actions() {
        if before.action_id(&action.name).is_none() {
            continue;
        }
        let Some(service) = after.service(action.service) else {
            continue;
        };
        *all.entry((service.name.clone(), action.event_type))
            .or_default() += 1;
        for location in &places {
            let from = outcome(&was, &action.name, location);
            let to = outcome(&is, &action.name, location);
            if from != to {
                moves
                    .entry((service.name.clone(), action.event_type, from, to))
                    .or_default()
                    .entry(location.clone())
                    .or_default()
                    .push(action.name.to_string());
            }
        }
    }
    let mut flows = Vec::new();
    for ((service, event_type, from, to), by_location) in moves {
        // Locations whose moved actions are the same set are one flow.
        let mut by_actions: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        for (location, actions) in by_location {
            by_actions.entry(actions).or_default().push(location);
        }
        let total = all
            .get(&(service.clone(), event_type))
            .copied()
            .unwrap_or(0);
        for (actions, locations) in by_actions {
            flows.push(Flow {
                service: service.clone(),
                event_type,
                locations,
                actions: (actions.len() != total).then_some(actions),
                old: from.clone(),
                new: to.clone(),
            });
        }
    }
    flows
}
