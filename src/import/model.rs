//! The page's blocks read as a service: its actions by table, fields, locations, registry
//! domains and overrides, with the defects and omissions found on the way.

use std::collections::{HashMap, HashSet};

use super::page::{self, Block, Kind, Table, Text};
use super::words::{self, CITIES_ZH, MISSPELLED_CITIES, Unknown};
use super::{Counts, LineIndex, Omission, Options, PageDefect};
use crate::source::Span;
use crate::vocab::{EventType, GLOBAL};

/// Where a block came from: the section's title and the page's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cite {
    pub(super) section: Option<String>,
    pub(super) line: usize,
}

#[derive(Debug, Clone)]
pub(super) struct ActionRow {
    /// The name relative to the service.
    pub(super) name: String,
    /// Its own type, when the table has a data column.
    pub(super) event_type: Option<EventType>,
    pub(super) description: String,
}

#[derive(Debug, Clone)]
pub(super) struct Group {
    /// `None` for `rulec doc`'s "Other actions", which are in no group.
    pub(super) name: Option<String>,
    pub(super) caption: String,
    /// The type of its `action` lines, from the section, when the table has no data column.
    pub(super) event_type: Option<EventType>,
    pub(super) actions: Vec<ActionRow>,
    pub(super) cite: Cite,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Field {
    pub(super) path: String,
    pub(super) ty: &'static str,
    pub(super) optional: bool,
    pub(super) missing_warn: bool,
    /// Members, each with `warn` when a warning.
    pub(super) values: Vec<(String, bool)>,
    /// Patterns, each with `warn` when a warning.
    pub(super) patterns: Vec<(String, bool)>,
    /// `quoted`'s level, when the page states one.
    pub(super) quoted: Option<&'static str>,
    pub(super) invalid_warn: bool,
    pub(super) description: String,
}

#[derive(Debug, Clone)]
pub(super) struct Fields {
    /// The actions, relative to the service; empty for a `when` block.
    pub(super) actions: Vec<String>,
    /// A `when` condition (`rulec doc`'s "When ..." sections).
    pub(super) condition: Option<String>,
    pub(super) lines: Vec<Field>,
    pub(super) caption: Option<String>,
    pub(super) cite: Cite,
}

#[derive(Debug, Clone)]
pub(super) struct Locations {
    pub(super) name: String,
    pub(super) caption: String,
    pub(super) members: Vec<String>,
    pub(super) cite: Cite,
}

#[derive(Debug, Clone)]
pub(super) struct DomainLine {
    pub(super) domain: String,
    pub(super) region: String,
    /// Where the page says its events are, as it writes it.
    pub(super) located: String,
    pub(super) cite: Cite,
}

#[derive(Debug, Clone)]
pub(super) struct Override {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) why: String,
    pub(super) cite: Cite,
}

#[derive(Debug, Clone)]
pub(super) struct Policy {
    pub(super) types: Vec<EventType>,
    pub(super) cite: Option<Cite>,
    pub(super) quote: Option<String>,
}

/// The service the page documents.
#[derive(Debug, Clone)]
pub(super) struct Model {
    pub(super) service: String,
    pub(super) display_name: Option<String>,
    pub(super) title: Option<String>,
    pub(super) collect: Option<Policy>,
    pub(super) require: Option<Policy>,
    pub(super) groups: Vec<Group>,
    pub(super) fields: Vec<Fields>,
    pub(super) locations: Vec<Locations>,
    pub(super) domains: Vec<DomainLine>,
    pub(super) overrides: Vec<Override>,
}

impl Model {
    pub(super) fn actions(&self) -> usize {
        self.groups.iter().map(|g| g.actions.len()).sum()
    }

    pub(super) fn counts(&self) -> Counts {
        Counts {
            actions: self.actions(),
            groups: self.groups.iter().filter(|g| g.name.is_some()).count(),
            fields: self.fields.iter().map(|f| f.lines.len()).sum(),
            location_tables: self.locations.len(),
            domains: self.domains.len(),
            overrides: self.overrides.len(),
        }
    }
}

/// The model, and what was found wrong or left out.
pub(super) struct Found {
    pub(super) model: Model,
    pub(super) defects: Vec<PageDefect>,
    pub(super) omitted: Vec<Omission>,
}

/// A sentence that lists cities: the text, the regions, its section, its misspellings.
type CityList = (Text, Vec<String>, Option<Text>, Vec<PageDefect>);

/// An action cell read from a table, before the service is known.
struct Listed {
    written: Text,
    description: Text,
    flag: Option<Text>,
    table: usize,
}

/// A table, with the section it is in.
struct Placed<'b> {
    table: &'b Table,
    /// The heading right before the table, or the section's.
    title: Option<&'b Text>,
    /// The blocks between the section's heading and the table.
    before: &'b [Block],
}

struct Reader<'o> {
    options: &'o Options<'o>,
    lines: &'o LineIndex,
    /// Whether the page is one `rulec doc` wrote.
    doc_form: bool,
    defects: Vec<PageDefect>,
    omitted: Vec<Omission>,
    unknown: Vec<Unknown>,
    /// The placeholders already in `unknown`, by where they are.
    unknown_at: HashSet<u32>,
    location_names: Names,
    /// The actions imported, relative to the service, once the groups are read.
    declared: HashSet<String>,
    /// The registry domains imported.
    domains: HashSet<String>,
}

/// Reads the page.
pub(super) fn read(page: &str, options: &Options<'_>, lines: &LineIndex) -> Found {
    let blocks = page::blocks(page, &|text| words::render(text, 0, &mut Vec::new()));
    let mut reader = Reader {
        options,
        lines,
        doc_form: page
            .lines()
            .any(|l| l.starts_with("Event types collected by default:")),
        defects: Vec::new(),
        omitted: Vec::new(),
        unknown: Vec::new(),
        unknown_at: HashSet::new(),
        location_names: Names::default(),
        declared: HashSet::new(),
        domains: HashSet::new(),
    };
    let placed = place(&blocks);
    let listed = Reader::listed(&placed);
    let service = options
        .service
        .map_or_else(|| service_of(&listed), str::to_owned);
    let mut model = Model {
        service,
        display_name: None,
        title: None,
        collect: None,
        require: None,
        groups: Vec::new(),
        fields: Vec::new(),
        locations: Vec::new(),
        domains: Vec::new(),
        overrides: Vec::new(),
    };
    reader.title(&blocks, &mut model);
    reader.groups(&placed, listed, &mut model);
    reader.declared = model
        .groups
        .iter()
        .flat_map(|g| g.actions.iter().map(|a| a.name.clone()))
        .collect();
    for placed in &placed {
        match placed.table.kind {
            Kind::ActionsWithData | Kind::Actions => {}
            Kind::Fields => reader.fields(placed, &mut model),
            Kind::Locations => reader.locations(placed, &mut model),
            Kind::Registry | Kind::GlobalRegistry => reader.registry(placed, &mut model),
            Kind::Overrides => reader.override_table(placed, &mut model),
            Kind::Unknown => {
                let header: Vec<String> =
                    placed.table.header.iter().map(|c| reader.text(c)).collect();
                reader.omit(
                    placed
                        .table
                        .header
                        .first()
                        .map_or(0, |h| h.span.start as usize),
                    format!(
                        "the table with the columns \"{}\": not a kind of table the importer maps",
                        header.join(" | ")
                    ),
                );
            }
        }
        for row in &placed.table.broken {
            reader.omit(
                row.span.start as usize,
                format!("a row that does not have the table's columns: {}", row.raw),
            );
        }
    }
    reader.prose(&blocks, &mut model);
    for unknown in std::mem::take(&mut reader.unknown) {
        reader.defects.push(PageDefect::UnknownPlaceholder {
            key: unknown.key,
            span: span(unknown.span),
        });
    }
    reader.omitted.sort_by_key(|o| o.line);
    reader.omitted.dedup();
    Found {
        model,
        defects: reader.defects,
        omitted: reader.omitted,
    }
}

fn span(span: Span) -> miette::SourceSpan {
    (span.start as usize, span.len()).into()
}

/// Each table with its title and the blocks of its section before it.
fn place(blocks: &[Block]) -> Vec<Placed<'_>> {
    let mut out = Vec::new();
    let mut section_start = 0;
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading(_) => section_start = i + 1,
            Block::Table(table) => {
                let title =
                    blocks
                        .get(..i)
                        .unwrap_or_default()
                        .iter()
                        .rev()
                        .find_map(|b| match b {
                            Block::Heading(h) => Some(h),
                            _ => None,
                        });
                out.push(Placed {
                    table,
                    title,
                    before: blocks.get(section_start..i).unwrap_or_default(),
                });
                section_start = i + 1;
            }
            _ => {}
        }
    }
    out
}

/// The service most action names start with: their first part.
fn service_of(listed: &[Listed]) -> String {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for row in listed {
        let name = row.written.raw.trim_matches('`').replace(',', ".");
        if let Some((service, _)) = name.split_once('.') {
            *counts.entry(service.to_owned()).or_default() += 1;
        }
    }
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
        .into_iter()
        .next()
        .map(|(s, _)| s)
        .unwrap_or_default()
}

/// What the section says of its events' type: 管理事件, "management events", and so on.
fn event_type_of(text: &str) -> Option<EventType> {
    let text = text.to_lowercase();
    let management = text.contains("管理事件") || text.contains("management event");
    let data = text.contains("数据事件") || text.contains("data event");
    match (management, data) {
        (true, false) => Some(EventType::Management),
        (false, true) => Some(EventType::Data),
        _ => None,
    }
}

/// A "Data Event" cell.
fn flag(text: &str) -> Option<EventType> {
    match text.trim().trim_matches('`').to_lowercase().as_str() {
        "true" | "yes" | "是" => Some(EventType::Data),
        "false" | "no" | "否" => Some(EventType::Management),
        _ => None,
    }
}

/// A name made an identifier: lowercase ASCII letters and digits, other runs as one `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Names handed out once each: a name, or the name with `-2`, `-3`, ... when it is taken; each
/// in constant time, however many tables a page has.
#[derive(Default)]
struct Names {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Names {
    fn unique(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let next = self.next.entry(name.clone()).or_insert(2);
        loop {
            let candidate = format!("{name}-{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

fn valid_part(part: &str) -> bool {
    !part.is_empty()
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Reader<'_> {
    /// A text as the doc site shows it, unknown placeholders recorded.
    fn text(&mut self, text: &Text) -> String {
        let mut unknown = Vec::new();
        let out = words::render(&text.raw, text.span.start as usize, &mut unknown);
        for found in unknown {
            if self.unknown_at.insert(found.span.start) {
                self.unknown.push(found);
            }
        }
        out
    }

    fn cite(&mut self, title: Option<&Text>, at: usize) -> Cite {
        Cite {
            section: title.map(|t| self.text(t)),
            line: self.lines.line(at),
        }
    }

    fn omit(&mut self, at: usize, what: String) {
        self.omitted.push(Omission {
            line: self.lines.line(at),
            what,
        });
    }

    /// Every action cell of every action table.
    fn listed(placed: &[Placed<'_>]) -> Vec<Listed> {
        let mut out = Vec::new();
        for (table, placed) in placed.iter().enumerate() {
            let with_data = placed.table.kind == Kind::ActionsWithData;
            if !with_data && placed.table.kind != Kind::Actions {
                continue;
            }
            for row in &placed.table.rows {
                let (Some(written), Some(description)) = (row.first(), row.get(1)) else {
                    continue;
                };
                out.push(Listed {
                    written: written.clone(),
                    description: description.clone(),
                    flag: if with_data { row.get(2).cloned() } else { None },
                    table,
                });
            }
        }
        out
    }

    /// The page's title and the service's display name: "Auditing events for X", or
    /// `rulec doc`'s "# X (`name`)".
    fn title(&mut self, blocks: &[Block], model: &mut Model) {
        let service = format!("(`{}`)", model.service);
        let headings: Vec<&Text> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(h),
                _ => None,
            })
            .collect();
        for heading in &headings {
            let title = self.text(heading);
            let name = if let Some(name) = title.strip_suffix(&service) {
                Some(name.trim().to_owned())
            } else {
                [
                    "Auditing events for ",
                    "Activity Tracker events for ",
                    "Activity tracker events for ",
                ]
                .iter()
                .find_map(|lead| title.strip_prefix(lead))
                .map(|name| name.trim().to_owned())
            };
            if name.is_some() {
                model.display_name = name;
                model.title = Some(title);
                return;
            }
        }
        model.title = headings.first().map(|h| self.text(h));
    }

    /// The action name of a cell: corrected when the page misspells it, `None` when it cannot
    /// be imported.
    fn action_name(&mut self, written: &Text, service: &str) -> Option<String> {
        let text = self.text(written);
        let name = text.trim_matches('`').trim();
        let at = written.span.start as usize
            + written
                .raw
                .find(name.get(..1).unwrap_or_default())
                .unwrap_or(0);
        let mut fixed = name.to_owned();
        if let Some(comma) = name.find(',') {
            fixed = name.replace(',', ".");
            self.defects.push(PageDefect::MalformedAction {
                written: name.to_owned(),
                problem: "a comma where a `.` belongs".into(),
                span: (at + comma, 1).into(),
                label: "a comma, not a dot".into(),
                help: format!("imported as `{fixed}`; tell the page's owners"),
            });
        }
        let Some(relative) = fixed
            .strip_prefix(service)
            .and_then(|r| r.strip_prefix('.'))
        else {
            let other = fixed.split('.').next().unwrap_or_default().to_owned();
            if fixed.contains('.') && fixed.split('.').all(valid_part) {
                self.defects.push(PageDefect::ForeignAction {
                    name: fixed.clone(),
                    service: service.to_owned(),
                    other,
                    span: (at, name.len()).into(),
                });
            } else {
                self.malformed(name, at, "it is not `service.object.verb`");
            }
            self.omit(at, format!("the action `{name}`"));
            return None;
        };
        let parts: Vec<&str> = relative.split('.').collect();
        if parts.len() < 2 || !parts.iter().all(|p| valid_part(p)) {
            self.malformed(
                name,
                at,
                "after the service, an action has two or more parts of letters, digits, `-` and `_`",
            );
            self.omit(at, format!("the action `{name}`"));
            return None;
        }
        Some(relative.to_owned())
    }

    fn malformed(&mut self, name: &str, at: usize, problem: &str) {
        self.defects.push(PageDefect::MalformedAction {
            written: name.to_owned(),
            problem: problem.to_owned(),
            span: (at, name.len().max(1)).into(),
            label: "not an action name".into(),
            help: "not imported; correct the name on the page, or declare the action by hand"
                .into(),
        });
    }

    /// The action tables as groups.
    fn groups(&mut self, placed: &[Placed<'_>], listed: Vec<Listed>, model: &mut Model) {
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut names = Names::default();
        let mut by_table: Vec<(usize, Group)> = Vec::new();
        // Where each table's group is in `by_table`.
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for row in listed {
            let Some(name) = self.action_name(&row.written, &model.service) else {
                continue;
            };
            let Some(placed_table) = placed.get(row.table) else {
                continue;
            };
            let section_type = placed_table
                .title
                .and_then(|t| event_type_of(&self.text(t)));
            let own = match &row.flag {
                Some(cell) => {
                    let written = self.text(cell);
                    let Some(own) = flag(&written) else {
                        let full = format!("{}.{name}", model.service);
                        self.unknown_type(&full, &row.written, Some(cell), &written);
                        continue;
                    };
                    Some(own)
                }
                None if section_type.is_none() => {
                    let full = format!("{}.{name}", model.service);
                    self.unknown_type(&full, &row.written, None, "");
                    continue;
                }
                None => None,
            };
            if let Some(first) = seen.get(&name) {
                self.defects.push(PageDefect::DuplicateAction {
                    name: format!("{}.{name}", model.service),
                    span: span(row.written.span),
                    first_line: self.lines.line(first.start as usize),
                });
                self.omit(
                    row.written.span.start as usize,
                    format!("the second listing of `{}.{name}`", model.service),
                );
                continue;
            }
            seen.insert(name.clone(), row.written.span);
            let description = self.text(&row.description);
            let at = if let Some(at) = group_of.get(&row.table) {
                *at
            } else {
                let group = self.group(placed_table, section_type, &mut names);
                by_table.push((row.table, group));
                group_of.insert(row.table, by_table.len() - 1);
                by_table.len() - 1
            };
            if let Some((_, group)) = by_table.get_mut(at) {
                group.actions.push(ActionRow {
                    name,
                    event_type: own,
                    description,
                });
            }
        }
        model.groups = by_table.into_iter().map(|(_, g)| g).collect();
    }

    fn unknown_type(&mut self, name: &str, written: &Text, cell: Option<&Text>, value: &str) {
        let (span_of, label, help) = match cell {
            Some(cell) => (
                cell.span,
                format!("`{value}` is neither True nor False"),
                "not imported; the Data Event column says True (a data event) or False (a management event)".to_owned(),
            ),
            None => (
                written.span,
                "in a table without a Data Event column".to_owned(),
                "not imported; the table's section title says which events it lists (\"Management events\", \"Data events\", 管理事件, 数据事件), or add a Data Event column".to_owned(),
            ),
        };
        self.defects.push(PageDefect::UnknownEventType {
            name: name.to_owned(),
            span: span(span_of),
            label,
            help,
        });
        self.omit(written.span.start as usize, format!("the action `{name}`"));
    }

    /// A new group for a table: named after its caption or section.
    fn group(
        &mut self,
        placed: &Placed<'_>,
        section_type: Option<EventType>,
        names: &mut Names,
    ) -> Group {
        let caption = match (&placed.table.caption, placed.title) {
            (Some(caption), _) => self.text(caption),
            (None, Some(title)) => self.text(title),
            (None, None) => "Actions".to_owned(),
        };
        let at = placed
            .table
            .header
            .first()
            .map_or(0, |h| h.span.start as usize);
        let cite = self.cite(placed.title, at);
        if self.doc_form && caption == "Other actions" {
            return Group {
                name: None,
                caption,
                event_type: section_type,
                actions: Vec::new(),
                cite,
            };
        }
        let lead = caption
            .strip_prefix("Actions that generate events for ")
            .map_or(caption.as_str(), |rest| {
                rest.strip_prefix("your ").unwrap_or(rest)
            });
        let mut name = slug(lead);
        if name.is_empty() {
            name = match section_type {
                Some(EventType::Management) => "management-events".into(),
                Some(EventType::Data) => "data-events".into(),
                None => "actions".into(),
            };
        }
        let name = names.unique(name);
        Group {
            name: Some(name),
            caption,
            event_type: if placed.table.kind == Kind::Actions {
                section_type
            } else {
                None
            },
            actions: Vec::new(),
            cite,
        }
    }

    /// Resolves a location as a page writes it: `Dallas (us-south)`, `Global`, `us-south`, a
    /// city's name in English or Chinese.
    fn location(&mut self, written: &Text) -> Option<String> {
        let rendered = self.text(written);
        let text = rendered.trim().trim_matches('`');
        if let Some(found) = self.resolve(text) {
            return Some(found);
        }
        self.defects.push(PageDefect::UnknownLocation {
            written: text.to_owned(),
            span: span(written.span),
        });
        self.omit(
            written.span.start as usize,
            format!("the location \"{text}\""),
        );
        None
    }

    /// The location a name stands for, if the catalog or the city table knows it.
    fn resolve(&self, text: &str) -> Option<String> {
        let regions = self.options.regions;
        let known = |name: &str| {
            name == GLOBAL
                || regions.iter().any(|r| {
                    r.name == name
                        || r.aliases.iter().any(|a| a == name)
                        || r.zones.iter().any(|z| z == name)
                })
        };
        if let (Some(open), true) = (text.rfind('('), text.ends_with(')')) {
            let id = text[open + 1..text.len() - 1].trim();
            if known(id) {
                return Some(id.to_owned());
            }
        }
        if text.eq_ignore_ascii_case("global") {
            return Some(GLOBAL.into());
        }
        // `rulec doc`'s words for the empty location segment of a CRN.
        if text.starts_with("No location (an empty CRN location segment)") {
            return Some(String::new());
        }
        if known(text) {
            return Some(text.to_owned());
        }
        let plain = text.split(" (").next().unwrap_or(text).trim();
        if let Some(region) = regions
            .iter()
            .find(|r| r.display_name.eq_ignore_ascii_case(plain))
        {
            return Some(region.name.clone());
        }
        CITIES_ZH
            .iter()
            .find(|(city, _)| *city == plain)
            .map(|(_, region)| (*region).to_owned())
    }

    /// A region as the catalog names it after aliases.
    fn canonical(&self, name: &str) -> String {
        self.options
            .regions
            .iter()
            .find(|r| r.aliases.iter().any(|a| a == name))
            .map_or_else(|| name.to_owned(), |r| r.name.clone())
    }

    fn locations(&mut self, placed: &Placed<'_>, model: &mut Model) {
        let header = placed
            .table
            .header
            .first()
            .map(|h| self.text(h))
            .unwrap_or_default();
        let caption = match &placed.table.caption {
            Some(caption) => self.text(caption),
            None => header.clone(),
        };
        let mut locations = Vec::new();
        for row in &placed.table.rows {
            let (Some(place), available) = (row.first(), row.get(1)) else {
                continue;
            };
            let available = available.map(|a| self.text(a).to_lowercase());
            if available.as_deref().is_some_and(|a| a.starts_with("no")) {
                let text = self.text(place);
                self.omit(
                    place.span.start as usize,
                    format!(
                        "\"{text}\", where the page says the service's events are not available"
                    ),
                );
                continue;
            }
            if let Some(location) = self.location(place)
                && !locations.contains(&location)
            {
                locations.push(location);
            }
        }
        let named = [" in ", " for "]
            .iter()
            .find_map(|word| {
                let lower = header.to_lowercase();
                let at = lower.find(word)? + word.len();
                let rest = &header[at..];
                let end = rest
                    .to_lowercase()
                    .find(" service events")
                    .unwrap_or(rest.len());
                Some(rest[..end].to_owned())
            })
            .or_else(|| {
                let lower = caption.to_lowercase();
                let at = lower.rfind(" in ").or_else(|| lower.rfind(" for "))?;
                Some(caption[at + 4..].trim_end_matches(" locations").to_owned())
            })
            .unwrap_or_else(|| "locations".into());
        let mut name = slug(&named);
        if name.is_empty() {
            name = "locations".into();
        }
        let at = placed
            .table
            .header
            .first()
            .map_or(0, |h| h.span.start as usize);
        let cite = self.cite(placed.title, at);
        if locations.is_empty() {
            return;
        }
        model.locations.push(Locations {
            name: self.location_names.unique(name),
            caption,
            members: locations,
            cite,
        });
    }

    fn registry(&mut self, placed: &Placed<'_>, model: &mut Model) {
        let global = placed.table.kind == Kind::GlobalRegistry;
        for row in &placed.table.rows {
            let (Some(region), Some(domain), Some(located)) = (row.first(), row.get(1), row.get(2))
            else {
                continue;
            };
            let region_text = self.text(region);
            let domain_text = self.text(domain).trim_matches('`').to_owned();
            let region = if global || region_text.eq_ignore_ascii_case("global") {
                Some(GLOBAL.to_owned())
            } else {
                self.location(region).map(|_| region_text.clone())
            };
            let Some(region) = region else {
                continue;
            };
            let Some(to) = self.location(located) else {
                continue;
            };
            if !self.domains.insert(domain_text.clone()) {
                self.omit(
                    domain.span.start as usize,
                    format!("the domain `{domain_text}`, listed again"),
                );
                continue;
            }
            let cite = self.cite(placed.title, domain.span.start as usize);
            let from = self.canonical(&region);
            if from != to && !model.overrides.iter().any(|o| o.from == from) {
                model.overrides.push(Override {
                    from: from.clone(),
                    to: to.clone(),
                    why: format!(
                        "the page locates the events of `{domain_text}` ({region_text}) in {}",
                        self.text(located)
                    ),
                    cite: cite.clone(),
                });
            }
            model.domains.push(DomainLine {
                domain: domain_text,
                region,
                located: self.text(located),
                cite,
            });
        }
    }

    /// `rulec doc`'s table of overrides.
    fn override_table(&mut self, placed: &Placed<'_>, model: &mut Model) {
        for row in &placed.table.rows {
            let (Some(from), Some(to)) = (row.first(), row.get(1)) else {
                continue;
            };
            let (Some(from_name), Some(to_name)) = (self.location(from), self.location(to)) else {
                continue;
            };
            let cite = self.cite(placed.title, from.span.start as usize);
            let from_name = self.canonical(&from_name);
            if !model.overrides.iter().any(|o| o.from == from_name) {
                model.overrides.push(Override {
                    why: format!(
                        "events from {} are located in {}",
                        self.text(from),
                        self.text(to)
                    ),
                    from: from_name,
                    to: to_name,
                    cite,
                });
            }
        }
    }

    /// The actions a fields table is for: named in the bullets and prose before it.
    fn fields_actions(&mut self, placed: &Placed<'_>, model: &Model) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        let prefix = format!("{}.", model.service);
        for block in placed.before.iter().rev() {
            let (Block::Prose(text) | Block::Bullet(text)) = block else {
                continue;
            };
            let text = self.text(text);
            let mut here = Vec::new();
            for word in text.split(|c: char| {
                c.is_whitespace() || matches!(c, '`' | '(' | ')' | ',' | ':' | ';' | '"' | '，')
            }) {
                let word = word.trim_end_matches('.');
                if let Some(relative) = word.strip_prefix(&prefix)
                    && self.declared.contains(relative)
                    && !found.iter().any(|f| f == relative)
                    && !here.iter().any(|f| f == relative)
                {
                    here.push(relative.to_owned());
                }
            }
            let bullet = matches!(block, Block::Bullet(_));
            found.splice(0..0, here);
            // The nearest prose that names actions ends the search.
            if !bullet && !found.is_empty() {
                break;
            }
        }
        found
    }

    fn fields(&mut self, placed: &Placed<'_>, model: &mut Model) {
        let at = placed
            .table
            .header
            .first()
            .map_or(0, |h| h.span.start as usize);
        let title = placed.title.map(|t| self.text(t));
        let condition = title
            .as_deref()
            .filter(|_| self.doc_form)
            .and_then(|t| t.strip_prefix("When "))
            .map(str::to_owned);
        if self.doc_form
            && title.as_deref().is_some_and(|t| {
                t.starts_with("Envelope fields") || t.starts_with("Fields of every event")
            })
        {
            self.omit(
                at,
                format!(
                    "the table under \"{}\": envelope fields",
                    title.unwrap_or_default()
                ),
            );
            return;
        }
        let actions = if condition.is_some() {
            Vec::new()
        } else {
            self.fields_actions(placed, model)
        };
        if actions.is_empty() && condition.is_none() {
            self.defects.push(PageDefect::UnattachedFields {
                span: placed
                    .table
                    .header
                    .first()
                    .map_or((0, 0).into(), |h| span(h.span)),
            });
            self.omit(
                at,
                "a table of custom event fields that names no action".into(),
            );
            return;
        }
        let mut fields = Vec::new();
        for row in &placed.table.rows {
            if let Some(field) = self.field(row) {
                fields.push(field);
            }
        }
        if fields.is_empty() {
            return;
        }
        if let Some(condition) = &condition
            && self.options.conditionals.iter().any(|c| {
                c.condition == *condition
                    && c.fields.len() == fields.len()
                    && c.fields.iter().zip(&fields).all(|(a, b)| a.path == b.path)
            })
        {
            self.omit(
                at,
                format!("\"When {condition}\": a `when` block of the catalog the service joins, not of the service"),
            );
            return;
        }
        let caption = placed.table.caption.as_ref().map(|c| self.text(c));
        let cite = self.cite(placed.title, at);
        model.fields.push(Fields {
            actions,
            condition,
            lines: fields,
            caption,
            cite,
        });
    }

    fn field(&mut self, row: &[Text]) -> Option<Field> {
        let (Some(path_cell), Some(ty_cell)) = (row.first(), row.get(1)) else {
            return None;
        };
        let path = self.text(path_cell).trim_matches('`').to_owned();
        let at = path_cell.span.start as usize;
        if path.is_empty()
            || path.split('.').any(str::is_empty)
            || path
                .chars()
                .any(|c| c.is_whitespace() || "{}()[],:;=\"/?!|<>#".contains(c))
        {
            self.omit(at, format!("the field \"{path}\": not a field path"));
            return None;
        }
        let written = self.text(ty_cell);
        let Some(ty) = base_type(&written) else {
            self.defects.push(PageDefect::UnknownType {
                path: path.clone(),
                written: written.clone(),
                span: span(ty_cell.span),
            });
            self.omit(at, format!("the field `{path}` of type \"{written}\""));
            return None;
        };
        let description = row.get(2).map(|d| self.text(d)).unwrap_or_default();
        let mut field = Field {
            path,
            ty,
            optional: !self.doc_form,
            ..Field::default()
        };
        field.description = described(&mut field, &description, self.doc_form);
        Some(field)
    }

    /// Prose: who collects what, notes that move a region's events, and lists of cities.
    fn prose(&mut self, blocks: &[Block], model: &mut Model) {
        let mut title: Option<Text> = None;
        // The first sentence that lists cities: where, the regions, its section, misspellings.
        let mut cities: Option<CityList> = None;
        for block in blocks {
            let text = match block {
                Block::Heading(heading) => {
                    title = Some(heading.clone());
                    continue;
                }
                Block::Prose(text) | Block::Bullet(text) => text,
                Block::Table(_) => continue,
            };
            let rendered = self.text(text);
            self.policy(&rendered, text, title.as_ref(), model);
            self.moved(&rendered, text, title.as_ref(), model);
            if cities.is_none() {
                let (found, misspelled) = self.cities(&text.raw, text.span.start as usize);
                if found.len() >= 3 {
                    cities = Some((text.clone(), found, title.clone(), misspelled));
                }
            }
        }
        if model.locations.is_empty()
            && let Some((text, locations, title, mut misspelled)) = cities
        {
            self.defects.append(&mut misspelled);
            let cite = self.cite(title.as_ref(), text.span.start as usize);
            let sentence = self.text(&text);
            let caption = sentence
                .split_inclusive(['。', '.'])
                .filter(|s| !self.cities(s, 0).0.is_empty())
                .collect::<String>();
            model.locations.push(Locations {
                name: "event-locations".into(),
                members: locations,
                caption: if caption.is_empty() {
                    sentence
                } else {
                    caption.trim().to_owned()
                },
                cite,
            });
        }
    }

    fn policy(&mut self, rendered: &str, text: &Text, title: Option<&Text>, model: &mut Model) {
        let at = text.span.start as usize;
        if let Some(rest) = rendered.strip_prefix("Event types collected by default:") {
            let (collected, required) = rest.split_once("Always collected:").unwrap_or((rest, ""));
            let types = |s: &str| {
                let mut out = Vec::new();
                for (word, ty) in [
                    ("management", EventType::Management),
                    ("data", EventType::Data),
                ] {
                    if s.contains(word) {
                        out.push(ty);
                    }
                }
                out
            };
            let cite = Some(self.cite(title, text.span.start as usize));
            model.collect = Some(Policy {
                types: types(collected),
                cite: cite.clone(),
                quote: None,
            });
            if !types(required).is_empty() {
                model.require = Some(Policy {
                    types: types(required),
                    cite,
                    quote: None,
                });
            }
            return;
        }
        let lower = rendered.to_lowercase();
        let only_management = (lower.contains("by default")
            && lower.contains("only management events"))
            || (rendered.contains("默认") && rendered.contains("只有管理事件"));
        if only_management && model.collect.is_none() {
            model.collect = Some(Policy {
                types: vec![EventType::Management],
                cite: Some(self.cite(title, at)),
                quote: Some(rendered.to_owned()),
            });
        }
        if rendered.contains("required events: \\\"management\\\"")
            || rendered.contains("required events: \"management\"")
        {
            model.require = Some(Policy {
                types: vec![EventType::Management],
                cite: Some(self.cite(title, at)),
                quote: Some(rendered.to_owned()),
            });
        }
    }

    /// "Events for ap-south show in Tokyo (jp-tok)."
    fn moved(&mut self, rendered: &str, text: &Text, title: Option<&Text>, model: &mut Model) {
        for sentence in rendered.split_inclusive(['.', '。']) {
            let Some(rest) = sentence
                .trim()
                .strip_prefix("Events for ")
                .or_else(|| sentence.trim().strip_prefix("Events from "))
            else {
                continue;
            };
            let Some((from, to)) = rest
                .split_once(" show in ")
                .or_else(|| rest.split_once(" are shown in "))
                .or_else(|| rest.split_once(" are located in "))
            else {
                continue;
            };
            let to = to.trim_end_matches(['.', '。']).trim();
            // Only a note whose two sides are locations moves events; other prose is prose.
            let (Some(from_name), Some(to_name)) = (self.resolve(from.trim()), self.resolve(to))
            else {
                continue;
            };
            let from_name = self.canonical(&from_name);
            if from_name != to_name && !model.overrides.iter().any(|o| o.from == from_name) {
                let cite = self.cite(title, text.span.start as usize);
                model.overrides.push(Override {
                    from: from_name,
                    to: to_name,
                    why: sentence.trim().to_owned(),
                    cite,
                });
            }
        }
    }

    /// The regions a text at `at` in the page names by their cities, in its order, and its
    /// misspellings of them.
    fn cities(&self, raw: &str, at: usize) -> (Vec<String>, Vec<PageDefect>) {
        let mut found: Vec<(usize, String)> = Vec::new();
        for region in self.options.regions {
            if region.display_name.chars().count() >= 4
                && let Some(at) = raw.find(region.display_name.as_str())
            {
                found.push((at, region.name.clone()));
            }
        }
        for (city, region) in CITIES_ZH {
            if let Some(at) = raw.find(city)
                && !found.iter().any(|(a, r)| r == region || *a == at)
            {
                found.push((at, (*region).to_owned()));
            }
        }
        let mut misspelled = Vec::new();
        for (wrong, right, region) in MISSPELLED_CITIES {
            if let Some(offset) = raw.find(wrong)
                && !found.iter().any(|(_, r)| r == region)
            {
                found.push((offset, (*region).to_owned()));
                misspelled.push(PageDefect::MisspelledLocation {
                    written: (*wrong).to_owned(),
                    meant: (*right).to_owned(),
                    region: (*region).to_owned(),
                    span: (at + offset, wrong.len()).into(),
                });
            }
        }
        found.sort();
        (found.into_iter().map(|(_, r)| r).collect(), misspelled)
    }
}

fn base_type(written: &str) -> Option<&'static str> {
    Some(
        match written.trim().trim_matches('`').to_lowercase().as_str() {
            "string" | "str" | "text" => "string",
            "boolean" | "bool" => "bool",
            "integer" | "int" | "long" => "integer",
            "number" | "float" | "double" | "numeric" => "number",
            "object" | "json" | "json object" | "map" => "object",
            "array" | "list" => "array",
            "timestamp" | "date" | "datetime" | "date-time" => "timestamp",
            "crn" => "crn",
            _ => return None,
        },
    )
}

/// Reads what a field's description states (patterns, values, levels, optionality) into the
/// field, and returns the description without the sentences that became constraints.
fn described(field: &mut Field, description: &str, doc_form: bool) -> String {
    // "The following constraint applies: The value must match the regular expression X.",
    // read in one pass over the description.
    const LEAD: &str = "The value must match the regular expression ";
    const INTRO: &str = "The following constraint applies:";
    let mut text = String::with_capacity(description.len());
    let mut rest = description;
    while let Some(at) = rest.find(LEAD) {
        let before = &rest[..at];
        text.push_str(before.trim_end().strip_suffix(INTRO).unwrap_or(before));
        let after = &rest[at + LEAD.len()..];
        let (pattern, warn, len) = if let Some(quoted) = after.strip_prefix('`') {
            let close = quoted.find('`').unwrap_or(quoted.len());
            let tail = quoted.get(close + 1..).unwrap_or_default();
            let warn = tail.starts_with(" (otherwise a warning)");
            let level = if warn {
                " (otherwise a warning)".len()
            } else {
                0
            };
            let period = usize::from(tail.get(level..).is_some_and(|t| t.starts_with('.')));
            (
                quoted[..close].to_owned(),
                warn,
                (2 + close + level + period).min(after.len()),
            )
        } else {
            let end = after.find('\n').unwrap_or(after.len());
            let pattern = after[..end].trim_end();
            (
                pattern.strip_suffix('.').unwrap_or(pattern).to_owned(),
                false,
                end,
            )
        };
        if !pattern.is_empty() {
            field.patterns.push((pattern, warn));
        }
        rest = &after[len..];
    }
    text.push_str(rest);
    let mut keep = Vec::new();
    for sentence in sentences(&text) {
        let trimmed = sentence.trim();
        if doc_form && trimmed == "Optional." {
            field.optional = true;
        } else if doc_form && trimmed == "Expected; a missing value is a warning." {
            field.missing_warn = true;
        } else if let Some(values) = trimmed
            .strip_prefix("Allowed values: ")
            .filter(|_| doc_form)
        {
            for value in values.trim_end_matches('.').split("`, `") {
                let value = value.trim_matches('`');
                let (value, warn) = match value.strip_suffix("` (warning)") {
                    Some(v) => (v, true),
                    None => (value, false),
                };
                field.values.push((value.to_owned(), warn));
            }
        } else if doc_form && trimmed.starts_with("A value written as a JSON string is accepted (")
        {
            field.quoted = Some(if trimmed.contains("(warning)") {
                "warn"
            } else {
                "allow"
            });
        } else if doc_form
            && trimmed.starts_with(
                "A value of another type, or outside the allowed values, is accepted (",
            )
        {
            field.invalid_warn = true;
        } else {
            keep.push(sentence);
        }
    }
    let text = keep.concat().trim().to_owned();
    if field.values.is_empty() && field.ty == "string" {
        field.values = listed_values(&text);
    }
    if field.values.is_empty() && field.ty == "string" && !doc_form {
        let lower = text.to_lowercase();
        if lower.contains("set to true") && lower.contains("set to false") {
            field.values = vec![("true".into(), false), ("false".into(), false)];
        }
    }
    text
}

/// The sentences of a text, each with what follows it up to the next.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'.' && bytes.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\n') {
            let mut end = i + 1;
            while bytes.get(end) == Some(&b' ') {
                end += 1;
            }
            out.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// "The following values ... are available:" and then one value per paragraph.
fn listed_values(text: &str) -> Vec<(String, bool)> {
    let Some(at) = text.find("values") else {
        return Vec::new();
    };
    let Some(colon) = text[at..].find(":\n") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for paragraph in text[at + colon + 1..].split('\n') {
        let value = paragraph.trim();
        if value.is_empty() {
            continue;
        }
        if value.contains(' ') {
            break;
        }
        out.push((value.trim_matches('`').to_owned(), false));
    }
    if out.len() < 2 { Vec::new() } else { out }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;

    #[test]
    fn constraints_in_prose() {
        let mut field = Field {
            ty: "string",
            ..Field::default()
        };
        let text = described(
            &mut field,
            "The name of the image.\n\nThe following constraint applies: The value must match the regular expression .*.",
            false,
        );
        assert_eq!(text, "The name of the image.");
        assert_eq!(field.patterns, [(".*".to_owned(), false)]);

        let mut field = Field {
            ty: "string",
            ..Field::default()
        };
        let text = described(
            &mut field,
            "The following values are available:\n\nOK\n\nWARN\n\nFor more, see the docs.",
            false,
        );
        assert_eq!(
            text,
            "The following values are available:\n\nOK\n\nWARN\n\nFor more, see the docs."
        );
        assert_eq!(field.values.len(), 2);
    }

    #[test]
    fn constraints_as_rulec_doc_writes_them() {
        let mut field = Field {
            ty: "string",
            ..Field::default()
        };
        let text = described(
            &mut field,
            "The id. The following constraint applies: The value must match the regular expression `^a/b$` (otherwise a warning). Allowed values: `x`, `y` (warning). Optional.",
            true,
        );
        assert_eq!(text, "The id.");
        assert_eq!(field.patterns, [("^a/b$".to_owned(), true)]);
        assert_eq!(
            field.values,
            [("x".to_owned(), false), ("y".to_owned(), true)]
        );
        assert!(field.optional);
    }
}
