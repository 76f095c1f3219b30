//! The printer behind `rulec fmt`: one canonical layout for `.rules` files, comments kept.
//!
//! The text is parsed, the syntax tree printed again, and the comments (which the parser drops)
//! put back by their position relative to the spans of the nodes; see `docs/fmt.md` for the
//! layout. The printed text parses to the same tree, and printing it again changes nothing.
//!
//! ```
//! let text = "type status = enum {OK,WARN warn}   // legacy
//! region eu-de \"Frankfurt\"{zones eu-de-1}";
//! let expected = "\
//! type status = enum { OK, WARN warn }  // legacy
//!
//! region eu-de \"Frankfurt\" {
//!   zones eu-de-1
//! }
//! ";
//! assert_eq!(rulec::format::format(text)?, expected);
//! # Ok::<(), rulec::SyntaxError>(())
//! ```

mod comments;
mod list;
mod token;
mod writer;

use crate::ast::{
    Action, ActionFlag, Condition, Field, FieldBlock, Group, Item, Name, Region, Route, Service,
    ServiceItem, TypeDecl, TypeExpr, WhenBlock,
};
use crate::source::{Span, Spanned};
use crate::syntax::{self, SyntaxError};
use crate::vocab::EventType;
use list::Layout;
use token::{clauses, event_types, list, literal};
pub(crate) use token::{quote, regex};
use writer::Writer;

/// Formats the text of one `.rules` file, or returns the syntax error that stops it parsing.
pub fn format(text: &str) -> Result<String, SyntaxError> {
    let file = syntax::parse(text, 0)?;
    let mut printer = Printer {
        out: Writer::new(text),
    };
    printer.separated(&file.items, Printer::item_is_block, Printer::item);
    Ok(printer.out.finish())
}

/// Every syntax error of one `.rules` file, found as `rulec check` finds them (recovering after
/// each); empty when the file parses. [`format`] stops at the first, which is also the first
/// of these.
#[must_use]
pub fn syntax_errors(text: &str) -> Vec<SyntaxError> {
    syntax::parse_recovering(text, 0).errors
}

/// A line of a block whose lines come from several lists of the tree, to print in source order.
type Entry<'t> = (Span, Line<'t>);

/// The kinds of [`Entry`].
enum Line<'t> {
    Use(&'t Name),
    Field(&'t Field),
    Text(String),
}

/// Prints the syntax tree of one file, declaration by declaration, into a [`Writer`].
struct Printer<'a> {
    out: Writer<'a>,
}

impl Printer<'_> {
    /// Prints declarations with a blank line between a block and its neighbours.
    fn separated<T>(
        &mut self,
        nodes: &[T],
        is_block: fn(&Self, &T) -> bool,
        print: fn(&mut Self, &T),
    ) {
        let mut previous: Option<bool> = None;
        for node in nodes {
            let block = is_block(self, node);
            if previous.is_some_and(|p| p || block) {
                self.out.separate();
            }
            print(self, node);
            previous = Some(block);
        }
    }

    /// Whether a top-level declaration takes more than one line.
    fn item_is_block(&self, item: &Item) -> bool {
        match item {
            Item::Service(_)
            | Item::Schema(_)
            | Item::Envelope(_)
            | Item::When(_)
            | Item::Route(_) => true,
            Item::Region(region) => self.region_has_block(region),
            Item::Geography(geography) => {
                self.layout(&self.geography_list(geography)) != Layout::Inline
            }
            Item::Type(decl) => match &decl.ty {
                TypeExpr::Enum(members) => {
                    self.layout(&self.enum_list(members, "")) != Layout::Inline
                }
                TypeExpr::Named(_) => false,
            },
            Item::Target(_) | Item::Defaults(_) => false,
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Service(service) => self.service(service),
            Item::Type(decl) => self.type_decl(decl),
            Item::Schema(schema) => {
                let head = format!("schema {}", schema.name);
                self.block(schema.span, &head, &schema.block);
            }
            Item::Envelope(block) => self.block(block.span, "envelope", block),
            Item::When(when) => self.when(when),
            Item::Region(region) => self.region(region),
            Item::Geography(geography) => {
                let list = self.geography_list(geography);
                self.list(geography.span, &list);
            }
            Item::Target(target) => {
                let mut code = format!("target {} {}", target.name, target.kind);
                if let Some(id) = &target.id {
                    code = format!("{code} id {}", quote(&id.node));
                }
                if let Some(description) = &target.description {
                    code = format!("{code} {}", quote(&description.node));
                }
                self.line(target.span, code);
            }
            Item::Route(route) => self.route(route),
            Item::Defaults(defaults) => {
                let code = format!("default targets {}", list(&defaults.targets));
                self.line(defaults.span, code);
            }
        }
    }

    fn service(&mut self, service: &Service) {
        let head = format!("service {} {}", service.name, quote(&service.display.node));
        let brace = self.out.find(end(service.display.span), b'{');
        self.out.open(start(service.span), brace, &head);
        self.separated(
            &service.items,
            Printer::service_item_is_block,
            Printer::service_item,
        );
        self.out.close(last(service.span));
    }

    /// Whether a declaration in a service takes more than one line.
    fn service_item_is_block(&self, item: &ServiceItem) -> bool {
        match item {
            ServiceItem::Group(_)
            | ServiceItem::Fields(_)
            | ServiceItem::When(_)
            | ServiceItem::Envelope(_) => true,
            ServiceItem::Locations(locations) => {
                self.layout(&self.locations_list(locations)) != Layout::Inline
            }
            _ => false,
        }
    }

    fn service_item(&mut self, item: &ServiceItem) {
        match item {
            ServiceItem::Collect(types) => self.keyword_line("collect", types),
            ServiceItem::Require(types) => self.keyword_line("require", types),
            ServiceItem::Group(group) => self.group(group),
            ServiceItem::Action(action) => self.action(action),
            ServiceItem::Fields(fields) => {
                let head = format!("fields {}", list(&fields.actions));
                self.block(fields.span, &head, &fields.block);
            }
            ServiceItem::When(when) => self.when(when),
            ServiceItem::Envelope(block) => self.block(block.span, "envelope", block),
            ServiceItem::Locate(locate) => {
                self.line(
                    locate.span,
                    format!("locate {} -> {}", list(&locate.from), locate.to),
                );
            }
            ServiceItem::Domain(domain) => {
                self.line(
                    domain.span,
                    format!("domain {} -> {}", domain.domain, domain.region),
                );
            }
            ServiceItem::Locations(locations) => {
                let list = self.locations_list(locations);
                self.list(locations.span, &list);
            }
        }
    }

    /// `collect management, data` or `require management`.
    fn keyword_line(&mut self, keyword: &str, types: &[Spanned<EventType>]) {
        if let (Some(first), Some(last)) = (types.first(), types.last()) {
            let code = format!("{keyword} {}", event_types(types));
            self.line(first.span.to(last.span), code);
        }
    }

    fn group(&mut self, group: &Group) {
        let mut head = format!("group {} {}", group.name, quote(&group.caption.node));
        let mut after = group.caption.span;
        if let Some(default) = &group.default {
            head = format!("{head} {}", default.node.as_str());
            after = default.span;
        }
        let brace = self.out.find(end(after), b'{');
        self.out.open(start(group.span), brace, &head);
        for action in &group.actions {
            self.action(action);
        }
        self.out.close(last(group.span));
    }

    fn action(&mut self, action: &Action) {
        let flag = match action.flag.node {
            ActionFlag::Explicit(ty) => ty.as_str(),
            ActionFlag::Inherit => "action",
        };
        let description = quote(&action.description.node);
        self.line(action.span, format!("{flag} {} {description}", action.name));
    }

    /// `head { uses and fields }` for a node spanning `span`.
    fn block(&mut self, span: Span, head: &str, block: &FieldBlock) {
        self.out.open(start(span), start(block.span), head);
        let mut entries: Vec<Entry<'_>> =
            block.uses.iter().map(|u| (u.span, Line::Use(u))).collect();
        entries.extend(block.fields.iter().map(|f| (f.span, Line::Field(f))));
        self.entries(entries);
        self.out.close(last(block.span));
    }

    /// Prints the lines of a block in the order they are written.
    fn entries(&mut self, mut entries: Vec<Entry<'_>>) {
        entries.sort_by_key(|(span, _)| span.start);
        for (span, line) in entries {
            match line {
                Line::Use(name) => self.line(span, format!("use {name}")),
                Line::Field(field) => self.field(field),
                Line::Text(code) => self.line(span, code),
            }
        }
    }

    fn field(&mut self, field: &Field) {
        let optional = if field.optional { "?" } else { "" };
        let head = format!("{}{optional}: ", field.path);
        let mut tail = clauses(&field.clauses);
        if let Some(description) = &field.description {
            tail = format!("{tail} {}", quote(&description.node));
        }
        match &field.ty {
            TypeExpr::Named(name) => self.line(field.span, format!("{head}{name}{tail}")),
            TypeExpr::Enum(members) => {
                let mut list = self.enum_list(members, &tail);
                list.head = format!("{head}{}", list.head);
                self.list(field.span, &list);
            }
        }
    }

    fn type_decl(&mut self, decl: &TypeDecl) {
        let head = format!("type {} = ", decl.name);
        let tail = clauses(&decl.clauses);
        match &decl.ty {
            TypeExpr::Named(name) => self.line(decl.span, format!("{head}{name}{tail}")),
            TypeExpr::Enum(members) => {
                let mut list = self.enum_list(members, &tail);
                list.head = format!("{head}{}", list.head);
                self.list(decl.span, &list);
            }
        }
    }

    fn when(&mut self, when: &WhenBlock) {
        let conditions: Vec<String> = when.conditions.iter().map(condition).collect();
        let head = format!("when {}", conditions.join(" and "));
        self.block(when.span.to(when.block.span), &head, &when.block);
    }

    fn region(&mut self, region: &Region) {
        let head = format!("region {} {}", region.name, quote(&region.display.node));
        if !self.region_has_block(region) {
            self.line(region.span, head);
            return;
        }
        let brace = self.out.find(end(region.display.span), b'{');
        self.out.open(start(region.span), brace, &head);
        let mut entries = Vec::new();
        for (keyword, names) in [("zones", &region.zones), ("aliases", &region.aliases)] {
            entries.extend(names_line(keyword, names));
        }
        self.entries(entries);
        self.out.close(last(region.span));
    }

    /// Whether a region is printed with a block: it has zones, aliases or comments in it.
    fn region_has_block(&self, region: &Region) -> bool {
        !region.zones.is_empty()
            || !region.aliases.is_empty()
            || self
                .out
                .has_comments_between(end(region.display.span), end(region.span))
    }

    fn route(&mut self, route: &Route) {
        let brace = self.out.find(end(route.name.span), b'{');
        self.out
            .open(start(route.span), brace, &format!("route {}", route.name));
        let mut entries = Vec::new();
        if let (Some(first), Some(last)) = (route.types.first(), route.types.last()) {
            let code = format!("types {}", event_types(&route.types));
            entries.push((first.span.to(last.span), Line::Text(code)));
        }
        entries.extend(names_line("actions", &route.actions));
        for rule in &route.rules {
            let targets = rule
                .targets
                .as_deref()
                .map_or_else(|| "drop".to_owned(), list);
            let code = format!("{} -> {targets}", list(&rule.locations));
            entries.push((rule.span, Line::Text(code)));
        }
        self.entries(entries);
        self.out.close(last(route.span));
    }

    /// One line of code for a node that spans `span`, with the comments around it.
    fn line(&mut self, span: Span, code: String) {
        self.out.line(start(span), end(span), code);
    }
}

/// `keyword a, b` as an entry of a block, or nothing for an empty list.
fn names_line<'t>(keyword: &str, names: &[Name]) -> Option<Entry<'t>> {
    let span = names.first()?.span.to(names.last()?.span);
    Some((span, Line::Text(format!("{keyword} {}", list(names)))))
}

/// One condition of a `when` head.
fn condition(condition: &Condition) -> String {
    match condition {
        Condition::ActionMatches(names) => format!("action matches {}", list(names)),
        Condition::ActionIn(names) => format!("action in {{ {} }}", list(names)),
        Condition::Compare { path, equal, value } => {
            let comparator = if *equal { "==" } else { "!=" };
            format!("{path} {comparator} {}", literal(&value.node))
        }
    }
}

fn start(span: Span) -> usize {
    span.start as usize
}

fn end(span: Span) -> usize {
    span.end as usize
}

/// The offset of the last byte of a span: the closing brace of a block.
fn last(span: Span) -> usize {
    end(span).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::format;
    use crate::syntax;

    /// Every `.rules` file under `dir`, recursively, as `rulec` finds them.
    fn rules_files(dir: &Path) -> Vec<PathBuf> {
        let is_rules = |p: &Path| p.extension().is_some_and(|e| e == "rules");
        crate::source::files_under(dir, false, is_rules).unwrap()
    }

    /// The syntax tree of a text as a debug dump, without its spans.
    fn tree(text: &str) -> String {
        let file = syntax::parse(text, 0).unwrap();
        let spans = regex::Regex::new(r"Span \{ start: \d+, end: \d+ \}").unwrap();
        spans.replace_all(&format!("{file:?}"), "Span").into_owned()
    }

    #[test]
    fn formatting_keeps_the_syntax_tree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = rules_files(&root.join("tests/fixtures"));
        files.extend(rules_files(&root.join("rules")));
        let mut compared = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(formatted) = format(&text) else {
                continue;
            };
            assert_eq!(tree(&formatted), tree(&text), "{}", path.display());
            compared += 1;
        }
        assert!(compared >= 30, "only {compared} files parse");
    }
}
