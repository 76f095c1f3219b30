//! Which constraints test cases exercised: actions, locations, overrides, fields, enum
//! members, patterns, conditional constraints and route rules.
//!
//! The evaluator records what it exercised ([`Trace`]); this module only counts. Items are
//! found by id (action, field position, conditional, route rule), never by label.

use crate::Origins;
use crate::catalog::{Catalog, FieldRule};
use std::collections::{BTreeMap, HashMap};

use crate::eval::{Owner, Trace};
use crate::source::{SourceSet, Span};
use crate::vocab::GLOBAL;

/// One thing a case can exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What it is, e.g. ``route `regional` rule 1``.
    pub label: String,
    /// Whether some case exercised it.
    pub covered: bool,
    /// Where it is declared, once [`Coverage::locate`] was given the catalog's origins.
    pub at: Option<Span>,
}

/// The items of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// `actions`, `locations`, ...
    pub name: &'static str,
    /// Its items.
    pub items: Vec<Item>,
}

impl Category {
    /// How many items were exercised.
    #[must_use]
    pub fn covered(&self) -> usize {
        self.items.iter().filter(|i| i.covered).count()
    }
}

/// The located items of one source line, for line-based coverage reports (LCOV, Cobertura).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub number: usize,
    /// Items declared on it.
    pub items: usize,
    /// Of those, how many some case exercised.
    pub covered: usize,
}

/// The located items of one source file, line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLines {
    /// The file's name, as the catalog was read.
    pub file: String,
    /// Its lines that declare an item, in order.
    pub lines: Vec<Line>,
}

/// The kinds of item, in the order of [`Coverage::categories`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Actions,
    Locations,
    Overrides,
    Fields,
    EnumMembers,
    Patterns,
    Conditionals,
    RouteRules,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::Actions,
        Kind::Locations,
        Kind::Overrides,
        Kind::Fields,
        Kind::EnumMembers,
        Kind::Patterns,
        Kind::Conditionals,
        Kind::RouteRules,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Actions => "actions",
            Kind::Locations => "locations",
            Kind::Overrides => "location overrides",
            Kind::Fields => "fields",
            Kind::EnumMembers => "enum members",
            Kind::Patterns => "patterns",
            Kind::Conditionals => "conditional constraints",
            Kind::RouteRules => "route rules",
        }
    }
}

/// Coverage of a catalog by a set of cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// One category per kind of item.
    pub categories: Vec<Category>,
    /// Where each id's items are, to mark them in O(1).
    slots: Slots,
}

/// The position of each catalog item among its category's items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Slots {
    /// Per owner (the envelope, then each distinct field list of actions): per field, its item,
    /// its first enum member's item and its first pattern's item.
    fields: Vec<Vec<FieldSlots>>,
    /// Per service: the item of its first override.
    overrides: Vec<usize>,
    /// Per route: the item of its first rule.
    rules: Vec<usize>,
    /// The item of the default targets, when there are any.
    defaults: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FieldSlots {
    field: usize,
    members: usize,
    member_count: usize,
    patterns: usize,
    pattern_count: usize,
}

fn item(label: String) -> Item {
    Item {
        label,
        covered: false,
        at: None,
    }
}

/// Appends the items of a list of field rules owned by `owner` (`envelope` or an action), and
/// returns where each field's items are.
/// The items of a field list, each declaration once: a field already in `seen` (a schema's,
/// used by actions whose lists differ) keeps the items it has.
fn field_items(
    owner: &str,
    fields: &[FieldRule],
    items: &mut [Vec<Item>; 3],
    seen: &mut HashMap<String, FieldSlots>,
) -> Vec<FieldSlots> {
    let [field_items, members, patterns] = items;
    fields
        .iter()
        .map(|field| {
            let key = serde_json::to_string(field).unwrap_or_default();
            if let Some(slots) = seen.get(&key) {
                return *slots;
            }
            let slots = FieldSlots {
                field: field_items.len(),
                members: members.len(),
                member_count: field.values.len(),
                patterns: patterns.len(),
                pattern_count: field.patterns.len(),
            };
            field_items.push(item(format!("{owner}: `{}`", field.path)));
            for value in &field.values {
                members.push(item(format!(
                    "{owner}: `{}` = `{}`",
                    field.path, value.value
                )));
            }
            for pattern in &field.patterns {
                patterns.push(item(format!(
                    "{owner}: `{}` tested against `/{}/`",
                    field.path,
                    pattern.source()
                )));
            }
            seen.insert(key, slots);
            slots
        })
        .collect()
}

impl Coverage {
    /// Every item of the catalog, none exercised yet.
    #[must_use]
    pub fn of(catalog: &Catalog) -> Self {
        let mut slots = Slots::default();
        let actions = catalog
            .actions()
            .iter()
            .map(|a| item(a.name.to_string()))
            .collect();
        let mut locations: Vec<Item> = catalog
            .regions()
            .iter()
            .map(|r| item(r.name.clone()))
            .collect();
        locations.push(item(GLOBAL.into()));
        let mut overrides = Vec::new();
        for service in catalog.services() {
            slots.overrides.push(overrides.len());
            for (from, to) in &service.overrides {
                overrides.push(item(format!("{}: `{from}` -> `{to}`", service.name)));
            }
        }
        let mut fields = [Vec::new(), Vec::new(), Vec::new()];
        let mut seen = HashMap::new();
        slots.fields.push(field_items(
            "envelope",
            catalog.envelope(),
            &mut fields,
            &mut seen,
        ));
        // Actions whose fields come from the same declarations share one field list: its
        // fields are items once, not once per action.
        let mut sharing: Vec<Vec<&str>> = Vec::new();
        for action in catalog.actions() {
            let set = action.field_set as usize;
            if sharing.len() <= set {
                sharing.resize_with(set + 1, Vec::new);
            }
            if let Some(names) = sharing.get_mut(set) {
                names.push(&action.name);
            }
        }
        for names in &sharing {
            let owner = match names.as_slice() {
                [one] => (*one).to_owned(),
                [first, rest @ ..] => format!("{first} and {} more", rest.len()),
                [] => String::new(),
            };
            let list = names
                .first()
                .and_then(|name| catalog.action_id(name))
                .and_then(|id| catalog.action(id))
                .map_or(&[][..], |a| catalog.fields(a));
            slots
                .fields
                .push(field_items(&owner, list, &mut fields, &mut seen));
        }
        let conditionals = catalog
            .conditionals()
            .iter()
            .map(|c| item(format!("when {}", c.condition)))
            .collect();
        let mut rules: Vec<Item> = Vec::new();
        for route in catalog.routes() {
            slots.rules.push(rules.len());
            for i in 1..=route.rules.len() {
                rules.push(item(format!("route `{}` rule {i}", route.name)));
            }
        }
        if !catalog.default_targets().is_empty() {
            slots.defaults = Some(rules.len());
            rules.push(item("default targets".into()));
        }
        let [fields, members, patterns] = fields;
        let items = [
            actions,
            locations,
            overrides,
            fields,
            members,
            patterns,
            conditionals,
            rules,
        ];
        Self {
            categories: Kind::ALL
                .into_iter()
                .zip(items)
                .map(|(kind, items)| Category {
                    name: kind.name(),
                    items,
                })
                .collect(),
            slots,
        }
    }

    /// Records where each item is declared ([`Item::at`]), from the origins the checker found
    /// for this catalog. Each enum member and pattern is placed at its field's line; the
    /// `global` location, declared by no line, stays without a place.
    pub fn locate(&mut self, origins: &Origins) {
        let mut places: Vec<(Kind, usize, Span)> = Vec::new();
        let mut each = |kind: Kind, base: usize, spans: &[Span]| {
            places.extend(spans.iter().enumerate().map(|(i, s)| (kind, base + i, *s)));
        };
        each(Kind::Actions, 0, &origins.actions);
        each(Kind::Locations, 0, &origins.regions);
        for (base, spans) in self.slots.overrides.iter().zip(&origins.overrides) {
            each(Kind::Overrides, *base, spans);
        }
        each(Kind::Conditionals, 0, &origins.conditionals);
        for (base, spans) in self.slots.rules.iter().zip(&origins.route_rules) {
            each(Kind::RouteRules, *base, spans);
        }
        if let (Some(at), Some(span)) = (self.slots.defaults, origins.default_targets) {
            each(Kind::RouteRules, at, &[span]);
        }
        let owners = std::iter::once(&origins.envelope).chain(&origins.field_sets);
        for (fields, spans) in self.slots.fields.iter().zip(owners) {
            for (slots, span) in fields.iter().zip(spans) {
                each(Kind::Fields, slots.field, &[*span]);
                for member in 0..slots.member_count {
                    each(Kind::EnumMembers, slots.members + member, &[*span]);
                }
                for pattern in 0..slots.pattern_count {
                    each(Kind::Patterns, slots.patterns + pattern, &[*span]);
                }
            }
        }
        for (kind, at, span) in places {
            let item = self
                .categories
                .get_mut(kind as usize)
                .and_then(|c| c.items.get_mut(at));
            if let Some(item) = item {
                item.at = Some(span);
            }
        }
    }

    /// The located items ([`Coverage::locate`]) by file and line, files in the order the
    /// catalog read them. A line's items are those whose declaration starts on it.
    #[must_use]
    pub fn lines(&self, sources: &SourceSet) -> Vec<FileLines> {
        let mut by_line: BTreeMap<(usize, usize), Line> = BTreeMap::new();
        let mut names: BTreeMap<usize, &str> = BTreeMap::new();
        let items = self.categories.iter().flat_map(|c| &c.items);
        for item in items {
            let Some(at) = item.at else { continue };
            let offset = at.start as usize;
            let (Some((base, _)), Some(position)) =
                (sources.file_at(offset), sources.position(offset))
            else {
                continue;
            };
            names.insert(base, position.file);
            let line = by_line.entry((base, position.line)).or_insert(Line {
                number: position.line,
                items: 0,
                covered: 0,
            });
            line.items += 1;
            line.covered += usize::from(item.covered);
        }
        let mut files: Vec<(usize, FileLines)> = Vec::new();
        for ((base, _), line) in by_line {
            match files.last_mut() {
                Some((last, file)) if *last == base => file.lines.push(line),
                _ => files.push((
                    base,
                    FileLines {
                        file: names.get(&base).copied().unwrap_or_default().to_owned(),
                        lines: vec![line],
                    },
                )),
            }
        }
        files.into_iter().map(|(_, file)| file).collect()
    }

    fn mark(&mut self, kind: Kind, at: Option<usize>) {
        let item = at.and_then(|at| {
            self.categories
                .get_mut(kind as usize)
                .and_then(|c| c.items.get_mut(at))
        });
        if let Some(item) = item {
            item.covered = true;
        }
    }

    /// Marks what one evaluated event exercised, as its evaluation recorded it.
    pub fn record(&mut self, catalog: &Catalog, trace: &Trace) {
        if let Some(action) = trace.action {
            self.mark(Kind::Actions, Some(action.index()));
        }
        for hit in &trace.fields {
            let owner = match hit.owner {
                Owner::Envelope => 0,
                Owner::Action(action) => match catalog.action(action) {
                    Some(action) => action.field_set as usize + 1,
                    None => continue,
                },
            };
            let Some(slots) = self.slots.fields.get(owner).and_then(|f| f.get(hit.field)) else {
                continue;
            };
            let slots = *slots;
            self.mark(Kind::Fields, Some(slots.field));
            self.mark(Kind::EnumMembers, hit.member.map(|m| slots.members + m));
            if hit.patterns_tested {
                for p in 0..slots.pattern_count {
                    self.mark(Kind::Patterns, Some(slots.patterns + p));
                }
            }
        }
        for conditional in &trace.conditionals {
            self.mark(Kind::Conditionals, Some(*conditional as usize));
        }
        if let Some(location) = &trace.location {
            let at = catalog
                .regions()
                .iter()
                .position(|r| r.name == *location)
                .or_else(|| (location == GLOBAL).then_some(catalog.regions().len()));
            self.mark(Kind::Locations, at);
        }
        if let (Some(over), Some(action)) = (trace.override_applied, trace.action) {
            let service = catalog.action(action).map(|a| a.service.index());
            let base = service.and_then(|s| self.slots.overrides.get(s)).copied();
            self.mark(Kind::Overrides, base.map(|b| b + over));
        }
        for (route, rule) in &trace.route_rules {
            let base = self.slots.rules.get(*route).copied();
            self.mark(Kind::RouteRules, base.map(|b| b + rule));
        }
        if trace.default_targets {
            self.mark(Kind::RouteRules, self.slots.defaults);
        }
    }

    /// Items exercised, of all items, in percent (100 when there is nothing to exercise).
    #[must_use]
    pub fn percent(&self) -> f64 {
        let total: usize = self.categories.iter().map(|c| c.items.len()).sum();
        let covered: usize = self.categories.iter().map(Category::covered).sum();
        if total == 0 {
            100.0
        } else {
            // Counts of catalog items stay far below 2^52: the conversion is exact.
            #[expect(clippy::cast_precision_loss, reason = "counts stay far below 2^52")]
            let percent = covered as f64 * 100.0 / total as f64;
            percent
        }
    }
}
