//! Lowers pest pairs to the syntax tree: one `lower` method per grammar rule.
//!
//! This is the only file that sees pest's `Rule`. The grammar guarantees each pair's shape, so
//! a pair of an unexpected rule is skipped rather than reported: it cannot occur.

use pest::iterators::Pair;

use super::grammar::Rule;
use crate::ast::{
    Action, ActionFlag, Clause, ClauseKind, Condition, Defaults, Domain, EnumMember, Field,
    FieldBlock, Fields, File, Geography, Group, Item, Literal, Locate, Locations, Name, Region,
    Route, RouteRule, SchemaDecl, Service, ServiceItem, Target, Text, TypeDecl, TypeExpr,
    WhenBlock,
};
use crate::source::{Span, Spanned};
use crate::vocab::{EventType, Level};

/// Lowers the pairs of one file whose text starts at global offset `base`.
pub(super) struct Lowerer {
    pub(super) base: usize,
    /// The global offset where the text ends: a `}` that recovery added after the end of a
    /// file is not part of any span.
    pub(super) limit: usize,
}

impl Lowerer {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        self.at(span.start(), span.end())
    }

    /// The global span of `start..end`, offsets in the parsed text, within the text.
    fn at(&self, start: usize, end: usize) -> Span {
        Span::new(
            (self.base + start).min(self.limit),
            (self.base + end).min(self.limit),
        )
    }

    /// The span of a pair from its start to the end of its last token: pest's span of a rule
    /// that ends in an optional or repeated part includes the white space tried after it.
    fn tight_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        let end = pair
            .clone()
            .into_inner()
            .last()
            .map_or(pair.as_span().end(), |last| last.as_span().end());
        self.at(start, end)
    }

    /// Like [`Self::tight_span`], for a rule that ends in a list (`names`): the list's own span
    /// is loose too, so the end is that of the list's last name.
    fn list_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        let mut last = pair.clone();
        while let Some(child) = last.clone().into_inner().last() {
            last = child;
        }
        self.at(start, last.as_span().end())
    }

    fn name(&self, pair: &Pair<'_, Rule>) -> Name {
        Spanned::new(pair.as_str().to_owned(), self.span(pair))
    }

    fn names(&self, pair: Pair<'_, Rule>) -> Vec<Name> {
        inner(pair).map(|p| self.name(&p)).collect()
    }

    fn text(&self, pair: &Pair<'_, Rule>) -> Text {
        let inner = pair.as_str();
        let inner = inner.get(1..inner.len().saturating_sub(1)).unwrap_or("");
        Spanned::new(unescape(inner), self.span(pair))
    }

    pub(super) fn file(&self, pair: Pair<'_, Rule>) -> File {
        let items = inner(pair).filter_map(|p| self.item(p)).collect();
        File { items }
    }

    fn item(&self, pair: Pair<'_, Rule>) -> Option<Item> {
        Some(match pair.as_rule() {
            Rule::service => Item::Service(self.service(pair)),
            Rule::type_decl => Item::Type(self.type_decl(pair)),
            Rule::schema_decl => {
                let span = self.span(&pair);
                let mut parts = inner(pair);
                let name = self.name(&parts.next()?);
                let block = self.field_block(parts.next()?);
                Item::Schema(SchemaDecl { name, block, span })
            }
            Rule::envelope => Item::Envelope(self.field_block(inner(pair).next()?)),
            Rule::when_block => Item::When(self.when_block(pair)),
            Rule::region => Item::Region(self.region(pair)),
            Rule::geography => {
                let (name, display, regions, span) = self.captioned_list(pair);
                Item::Geography(Geography {
                    name,
                    display,
                    regions,
                    span,
                })
            }
            Rule::target => Item::Target(self.target(pair)),
            Rule::route => Item::Route(self.route(pair)),
            Rule::defaults => {
                let span = self.list_span(&pair);
                let targets = inner(pair).flat_map(|p| self.names(p)).collect();
                Item::Defaults(Defaults { targets, span })
            }
            _ => return None,
        })
    }

    fn service(&self, pair: Pair<'_, Rule>) -> Service {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let name = self.next_name(&mut parts);
        let display = self.next_text(&mut parts);
        let items = parts.filter_map(|p| self.service_item(p)).collect();
        Service {
            name,
            display,
            items,
            span,
        }
    }

    fn service_item(&self, pair: Pair<'_, Rule>) -> Option<ServiceItem> {
        Some(match pair.as_rule() {
            Rule::collect => ServiceItem::Collect(self.event_types(inner(pair).next()?)),
            Rule::require => ServiceItem::Require(self.event_types(inner(pair).next()?)),
            Rule::group => ServiceItem::Group(self.group(pair)),
            Rule::action => ServiceItem::Action(self.action(pair)),
            Rule::fields => {
                let span = self.span(&pair);
                let mut parts = inner(pair);
                let actions = self.names(parts.next()?);
                let block = self.field_block(parts.next()?);
                ServiceItem::Fields(Fields {
                    actions,
                    block,
                    span,
                })
            }
            Rule::when_block => ServiceItem::When(self.when_block(pair)),
            Rule::envelope => ServiceItem::Envelope(self.field_block(inner(pair).next()?)),
            Rule::locate => {
                let span = self.tight_span(&pair);
                let mut parts = inner(pair);
                let from = self.names(parts.next()?);
                let to = self.next_name(&mut parts);
                ServiceItem::Locate(Locate { from, to, span })
            }
            Rule::domain => {
                let span = self.tight_span(&pair);
                let mut parts = inner(pair);
                let domain = self.next_name(&mut parts);
                let region = self.next_name(&mut parts);
                ServiceItem::Domain(Domain {
                    domain,
                    region,
                    span,
                })
            }
            Rule::locations => {
                let (name, caption, locations, span) = self.captioned_list(pair);
                ServiceItem::Locations(Locations {
                    name,
                    caption,
                    locations,
                    span,
                })
            }
            _ => return None,
        })
    }

    /// `KEYWORD NAME "caption" { names }`: its name, caption, names and span.
    fn captioned_list(&self, pair: Pair<'_, Rule>) -> (Name, Text, Vec<Name>, Span) {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let name = self.next_name(&mut parts);
        let caption = self.next_text(&mut parts);
        let names = parts.flat_map(|p| self.names(p)).collect();
        (name, caption, names, span)
    }

    fn event_types(&self, pair: Pair<'_, Rule>) -> Vec<Spanned<EventType>> {
        inner(pair).map(|p| self.event_type(&p)).collect()
    }

    fn event_type(&self, pair: &Pair<'_, Rule>) -> Spanned<EventType> {
        let ty = if pair.as_str() == "data" {
            EventType::Data
        } else {
            EventType::Management
        };
        Spanned::new(ty, self.span(pair))
    }

    fn group(&self, pair: Pair<'_, Rule>) -> Group {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let name = self.next_name(&mut parts);
        let caption = self.next_text(&mut parts);
        let mut default = None;
        let mut actions = Vec::new();
        for p in parts {
            match p.as_rule() {
                Rule::event_type => default = Some(self.event_type(&p)),
                Rule::action => actions.push(self.action(p)),
                _ => {}
            }
        }
        Group {
            name,
            caption,
            default,
            actions,
            span,
        }
    }

    fn action(&self, pair: Pair<'_, Rule>) -> Action {
        let span = self.tight_span(&pair);
        let mut parts = inner(pair);
        let flag_pair = parts.next();
        let flag = flag_pair.map_or(Spanned::new(ActionFlag::Inherit, Span::default()), |p| {
            let flag = match p.as_str() {
                "management" => ActionFlag::Explicit(EventType::Management),
                "data" => ActionFlag::Explicit(EventType::Data),
                _ => ActionFlag::Inherit,
            };
            Spanned::new(flag, self.span(&p))
        });
        let name = self.next_name(&mut parts);
        let description = self.next_text(&mut parts);
        Action {
            flag,
            name,
            description,
            span,
        }
    }

    fn field_block(&self, pair: Pair<'_, Rule>) -> FieldBlock {
        let mut block = FieldBlock {
            span: self.span(&pair),
            ..FieldBlock::default()
        };
        for p in inner(pair) {
            match p.as_rule() {
                Rule::use_schema => block.uses.extend(inner(p).map(|n| self.name(&n))),
                Rule::field => block.fields.push(self.field(p)),
                _ => {}
            }
        }
        block
    }

    fn field(&self, pair: Pair<'_, Rule>) -> Field {
        let span = self.tight_span(&pair);
        let mut parts = inner(pair);
        let path = self.next_name(&mut parts);
        let mut field = Field {
            path,
            optional: false,
            ty: TypeExpr::Named(Spanned::new(String::new(), span)),
            clauses: Vec::new(),
            description: None,
            span,
        };
        for p in parts {
            match p.as_rule() {
                Rule::optional => field.optional = true,
                Rule::type_expr => field.ty = self.type_expr(p),
                Rule::clause => field.clauses.push(self.clause(p)),
                Rule::string => field.description = Some(self.text(&p)),
                _ => {}
            }
        }
        field
    }

    fn type_expr(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let Some(first) = inner(pair).next() else {
            return TypeExpr::Named(Spanned::new(String::new(), span));
        };
        if first.as_rule() == Rule::enum_type {
            let members = inner(first).map(|m| self.enum_member(m)).collect();
            TypeExpr::Enum(Spanned::new(members, span))
        } else {
            TypeExpr::Named(self.name(&first))
        }
    }

    fn enum_member(&self, pair: Pair<'_, Rule>) -> EnumMember {
        let mut value = Spanned::new(String::new(), self.span(&pair));
        let mut level = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::string => value = self.text(&p),
                Rule::name => value = self.name(&p),
                Rule::level => level = Some(self.level(&p)),
                _ => {}
            }
        }
        EnumMember { value, level }
    }

    fn level(&self, pair: &Pair<'_, Rule>) -> Spanned<Level> {
        let level = match pair.as_str() {
            "warn" => Level::Warning,
            "allow" => Level::Allow,
            _ => Level::Error,
        };
        Spanned::new(level, self.span(pair))
    }

    fn clause(&self, pair: Pair<'_, Rule>) -> Clause {
        let span = self.tight_span(&pair);
        let mut kind = ClauseKind::Missing;
        let mut level = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::matches => {
                    let regex = inner(p).next().map_or_else(
                        || Spanned::new(String::new(), span),
                        |r| {
                            let raw = r.as_str();
                            let body = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
                            Spanned::new(body.replace("\\/", "/"), self.span(&r))
                        },
                    );
                    kind = ClauseKind::Matches(regex);
                }
                Rule::quoted => kind = ClauseKind::Quoted,
                Rule::missing => kind = ClauseKind::Missing,
                Rule::invalid => kind = ClauseKind::Invalid,
                Rule::level => level = Some(self.level(&p)),
                _ => {}
            }
        }
        Clause { kind, level, span }
    }

    fn type_decl(&self, pair: Pair<'_, Rule>) -> TypeDecl {
        let span = self.tight_span(&pair);
        let mut parts = inner(pair);
        let name = self.next_name(&mut parts);
        let mut decl = TypeDecl {
            ty: TypeExpr::Named(Spanned::new(String::new(), name.span)),
            name,
            clauses: Vec::new(),
            span,
        };
        for p in parts {
            match p.as_rule() {
                Rule::type_expr => decl.ty = self.type_expr(p),
                Rule::clause => decl.clauses.push(self.clause(p)),
                _ => {}
            }
        }
        decl
    }

    fn when_block(&self, pair: Pair<'_, Rule>) -> WhenBlock {
        let mut conditions = Vec::new();
        let mut block = FieldBlock::default();
        let mut span = self.span(&pair);
        for p in inner(pair) {
            match p.as_rule() {
                Rule::condition => {
                    span = Span::new(span.start as usize, self.tight_span(&p).end as usize);
                    conditions = inner(p).filter_map(|c| self.condition(c)).collect();
                }
                Rule::field_block => block = self.field_block(p),
                _ => {}
            }
        }
        WhenBlock {
            conditions,
            block,
            span,
        }
    }

    fn condition(&self, pair: Pair<'_, Rule>) -> Option<Condition> {
        Some(match pair.as_rule() {
            Rule::action_matches => Condition::ActionMatches(self.names(inner(pair).next()?)),
            Rule::action_in => Condition::ActionIn(self.names(inner(pair).next()?)),
            Rule::comparison => {
                let mut parts = inner(pair);
                let path = self.next_name(&mut parts);
                let equal = parts.next()?.as_str() == "==";
                let literal = parts.next()?;
                let value = Spanned::new(self.literal(literal.clone())?, self.span(&literal));
                Condition::Compare { path, equal, value }
            }
            _ => return None,
        })
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Option<Literal> {
        let first = inner(pair).next()?;
        Some(match first.as_rule() {
            Rule::string => Literal::String(self.text(&first).node),
            Rule::boolean => Literal::Bool(first.as_str() == "true"),
            _ => Literal::Number(first.as_str().parse().ok()?),
        })
    }

    fn region(&self, pair: Pair<'_, Rule>) -> Region {
        let (whole, full, tight) = (pair.as_span(), self.span(&pair), self.tight_span(&pair));
        let mut parts = inner(pair);
        let name = self.next_name(&mut parts);
        let display = self.next_text(&mut parts);
        // With a block, pest's span ends at its `}`; without one, it takes in the white space
        // and comments tried after the display name.
        let rest = whole
            .as_str()
            .get((display.span.end as usize).saturating_sub(self.base + whole.start())..)
            .unwrap_or("");
        let span = if opens_block(rest) { full } else { tight };
        let mut region = Region {
            name,
            display,
            zones: Vec::new(),
            aliases: Vec::new(),
            span,
        };
        for p in parts {
            let list = if p.as_rule() == Rule::zones {
                &mut region.zones
            } else {
                &mut region.aliases
            };
            list.extend(inner(p).flat_map(|n| self.names(n)));
        }
        region
    }

    fn target(&self, pair: Pair<'_, Rule>) -> Target {
        let span = self.tight_span(&pair);
        let mut parts = inner(pair);
        let name = self.next_name(&mut parts);
        let kind = self.next_name(&mut parts);
        let mut id = None;
        let mut description = None;
        for p in parts {
            if p.as_rule() == Rule::target_id {
                id = inner(p)
                    .find(|s| s.as_rule() == Rule::string)
                    .map(|s| self.text(&s));
            } else {
                description = Some(self.text(&p));
            }
        }
        Target {
            name,
            kind,
            id,
            description,
            span,
        }
    }

    fn route(&self, pair: Pair<'_, Rule>) -> Route {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let name = self.next_name(&mut parts);
        let mut route = Route {
            name,
            types: Vec::new(),
            actions: Vec::new(),
            rules: Vec::new(),
            span,
        };
        for p in parts {
            match p.as_rule() {
                Rule::route_types => route
                    .types
                    .extend(inner(p).flat_map(|t| self.event_types(t))),
                Rule::route_actions => route.actions.extend(inner(p).flat_map(|a| self.names(a))),
                Rule::route_rule => route.rules.push(self.route_rule(p)),
                _ => {}
            }
        }
        route
    }

    fn route_rule(&self, pair: Pair<'_, Rule>) -> RouteRule {
        let span = self.list_span(&pair);
        let mut parts = inner(pair);
        let locations = parts.next().map(|p| self.names(p)).unwrap_or_default();
        let targets = match parts.next() {
            Some(p) if p.as_rule() == Rule::names => Some(self.names(p)),
            _ => None,
        };
        RouteRule {
            locations,
            targets,
            span,
        }
    }

    fn next_name<'i>(&self, inner: &mut impl Iterator<Item = Pair<'i, Rule>>) -> Name {
        inner.next().map_or_else(
            || Spanned::new(String::new(), Span::default()),
            |p| self.name(&p),
        )
    }

    fn next_text<'i>(&self, inner: &mut impl Iterator<Item = Pair<'i, Rule>>) -> Text {
        inner.next().map_or_else(
            || Spanned::new(String::new(), Span::default()),
            |p| self.text(&p),
        )
    }
}

/// The children of a pair, without keyword tokens (keywords are atomic so that they end at a
/// word boundary, which makes them tokens; they carry nothing the tree needs).
fn inner(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_service
            | Rule::kw_collect
            | Rule::kw_require
            | Rule::kw_group
            | Rule::kw_fields
            | Rule::kw_use
            | Rule::kw_type
            | Rule::kw_schema
            | Rule::kw_envelope
            | Rule::kw_when
            | Rule::kw_and
            | Rule::kw_action
            | Rule::kw_matches
            | Rule::kw_in
            | Rule::kw_quoted
            | Rule::kw_missing
            | Rule::kw_invalid
            | Rule::kw_enum
            | Rule::kw_locate
            | Rule::kw_domain
            | Rule::kw_locations
            | Rule::kw_region
            | Rule::kw_geography
            | Rule::kw_id
            | Rule::kw_zones
            | Rule::kw_aliases
            | Rule::kw_target
            | Rule::kw_route
            | Rule::kw_types
            | Rule::kw_actions
            | Rule::kw_drop
            | Rule::kw_default
            | Rule::kw_targets
    )
}

/// Whether only white space and comments stand before a `{` at the start of `text`.
fn opens_block(mut text: &str) -> bool {
    loop {
        text = text.trim_start_matches([' ', '\t', '\r', '\n', '\u{FEFF}']);
        if let Some(rest) = text.strip_prefix("//") {
            text = rest.find('\n').map_or("", |n| &rest[n..]);
        } else if let Some(rest) = text.strip_prefix("/*") {
            text = rest.find("*/").map_or("", |n| &rest[n + 2..]);
        } else {
            return text.starts_with('{');
        }
    }
}

/// Resolves the escapes the grammar admits: `\"`, `\\`, `\n`, `\t`, `\u{...}`.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).ok();
                out.push(code.and_then(char::from_u32).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{opens_block, unescape};

    #[test]
    fn unescapes_the_escapes_the_grammar_admits() {
        assert_eq!(unescape(r#"a\"b\\c\nd\te\u{e9}"#), "a\"b\\c\nd\te\u{e9}");
    }

    #[test]
    fn sees_a_block_behind_comments() {
        assert!(opens_block(" // c {\n /* { */ {}"));
        assert!(!opens_block(" // {\nregion"));
        assert!(!opens_block(" /* { */"));
    }
}
