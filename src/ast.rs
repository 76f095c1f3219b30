//! The syntax tree of `.rules` files, as written: every node spanned, nothing resolved yet.

use crate::source::{Span, Spanned};
use crate::vocab::{EventType, Level};

/// A name as written (service, action, type, path, region, target, ...).
pub(crate) type Name = Spanned<String>;
/// A string literal, unescaped.
pub(crate) type Text = Spanned<String>;

/// One parsed `.rules` file.
#[derive(Debug, Clone, Default)]
pub(crate) struct File {
    /// Its top-level declarations, in order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// `service NAME "display" { ... }`
    Service(Service),
    /// `type NAME = ...`
    Type(TypeDecl),
    /// `schema NAME { ... }`
    Schema(SchemaDecl),
    /// `envelope { ... }`
    Envelope(FieldBlock),
    /// `when ... { ... }` at top level: applies to every action it matches.
    When(WhenBlock),
    /// `region NAME "display" { zones ... aliases ... }`
    Region(Region),
    /// `geography NAME "display" { REGION, ... }`
    Geography(Geography),
    /// `target NAME TYPE ["description"]`
    Target(Target),
    /// `route NAME { ... }`
    Route(Route),
    /// `default targets A, B`
    Defaults(Defaults),
}

/// A service and everything declared inside it.
#[derive(Debug, Clone)]
pub(crate) struct Service {
    /// The CRN service name.
    pub name: Name,
    /// The display name.
    pub display: Text,
    /// Its declarations, in order.
    pub items: Vec<ServiceItem>,
    /// The whole declaration.
    pub span: Span,
}

/// A declaration inside a service.
#[derive(Debug, Clone)]
pub(crate) enum ServiceItem {
    /// `collect management, data`
    Collect(Vec<Spanned<EventType>>),
    /// `require management`
    Require(Vec<Spanned<EventType>>),
    /// `group NAME "caption" [type] { ... }`
    Group(Group),
    /// An action outside any group.
    Action(Action),
    /// `fields a.b, c.d { ... }`
    Fields(Fields),
    /// `when ... { ... }`
    When(WhenBlock),
    /// `envelope { ... }`: envelope fields declared again for this service's events.
    Envelope(FieldBlock),
    /// `locate a, b -> c`
    Locate(Locate),
    /// `domain x.icr.io -> region`
    Domain(Domain),
    /// `locations NAME "caption" { ... }`
    Locations(Locations),
}

/// A group of actions: one table of the seed documents.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// Short identifier.
    pub name: Name,
    /// The table's caption.
    pub caption: Text,
    /// The event type its `action` lines take.
    pub default: Option<Spanned<EventType>>,
    /// Its actions, in order.
    pub actions: Vec<Action>,
    /// The whole declaration.
    pub span: Span,
}

/// How an action line states its event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionFlag {
    /// `management NAME ...`
    Explicit(EventType),
    /// `action NAME ...`: the group's event type.
    Inherit,
}

/// `data image.push "description"`
#[derive(Debug, Clone)]
pub(crate) struct Action {
    /// How the event type is stated.
    pub flag: Spanned<ActionFlag>,
    /// The name as written, relative to the service.
    pub name: Name,
    /// The description.
    pub description: Text,
    /// The whole declaration.
    pub span: Span,
}

/// `fields a.b, c.d { ... }`
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    /// The actions (relative names) the block applies to.
    pub actions: Vec<Name>,
    /// The fields.
    pub block: FieldBlock,
    /// The whole declaration.
    pub span: Span,
}

/// The body of `fields`, `schema`, `envelope` and `when`.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldBlock {
    /// `use NAME` lines.
    pub uses: Vec<Name>,
    /// Field declarations.
    pub fields: Vec<Field>,
    /// The braces and what they hold.
    pub span: Span,
}

/// `path[?]: type clause* ["description"]`
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The dotted path.
    pub path: Name,
    /// Whether `?` marks it optional.
    pub optional: bool,
    /// Its type.
    pub ty: TypeExpr,
    /// Its constraints.
    pub clauses: Vec<Clause>,
    /// Its description.
    pub description: Option<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// A type as written.
#[derive(Debug, Clone)]
pub(crate) enum TypeExpr {
    /// A base type or a named type.
    Named(Name),
    /// `enum { ... }`
    Enum(Spanned<Vec<EnumMember>>),
}

/// One member of an enum, with the level at which it is accepted.
#[derive(Debug, Clone)]
pub(crate) struct EnumMember {
    /// The value.
    pub value: Text,
    /// `warn` after the member.
    pub level: Option<Spanned<Level>>,
}

/// A constraint clause.
#[derive(Debug, Clone)]
pub(crate) struct Clause {
    /// What it constrains.
    pub kind: ClauseKind,
    /// Its level, if written.
    pub level: Option<Spanned<Level>>,
    /// The whole clause.
    pub span: Span,
}

/// The kinds of constraint clause.
#[derive(Debug, Clone)]
pub(crate) enum ClauseKind {
    /// `matches /regex/` (the pattern as written between the slashes).
    Matches(Spanned<String>),
    /// `quoted`: scalars written as JSON strings.
    Quoted,
    /// `missing`: the level of a missing required field.
    Missing,
    /// `invalid`: the level of a value of the wrong type or outside the enum.
    Invalid,
}

/// `type NAME = type clause*`
#[derive(Debug, Clone)]
pub(crate) struct TypeDecl {
    /// Its name.
    pub name: Name,
    /// The type it stands for.
    pub ty: TypeExpr,
    /// Constraints every use carries.
    pub clauses: Vec<Clause>,
    /// The whole declaration.
    pub span: Span,
}

/// `schema NAME { ... }`
#[derive(Debug, Clone)]
pub(crate) struct SchemaDecl {
    /// Its name.
    pub name: Name,
    /// Its fields.
    pub block: FieldBlock,
    /// The whole declaration.
    pub span: Span,
}

/// `when CONDITION { ... }`
#[derive(Debug, Clone)]
pub(crate) struct WhenBlock {
    /// The conditions, all of which must hold.
    pub conditions: Vec<Condition>,
    /// The fields required when they hold.
    pub block: FieldBlock,
    /// The `when ...` head.
    pub span: Span,
}

/// One condition of a `when`.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    /// `action matches a.*, b.c`
    ActionMatches(Vec<Name>),
    /// `action in { a.b, c.d }`
    ActionIn(Vec<Name>),
    /// `path == literal` or `path != literal`
    Compare {
        /// The field compared.
        path: Name,
        /// `==` or `!=`.
        equal: bool,
        /// The literal.
        value: Spanned<Literal>,
    },
}

/// A literal in a condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    /// `"text"`
    String(String),
    /// `true` or `false`
    Bool(bool),
    /// A number.
    Number(f64),
}

/// `locate a, b -> c`
#[derive(Debug, Clone)]
pub(crate) struct Locate {
    /// The locations overridden.
    pub from: Vec<Name>,
    /// The location they become.
    pub to: Name,
    /// The whole declaration.
    pub span: Span,
}

/// `domain jp.icr.io -> ap-north`
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_field_names,
    reason = "named as the `.rules` text names it: the grammar calls it a domain"
)]
pub(crate) struct Domain {
    /// The domain.
    pub domain: Name,
    /// The region, as the catalog names it.
    pub region: Name,
    /// The whole declaration.
    pub span: Span,
}

/// `locations NAME "caption" { a, b }`
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_field_names,
    reason = "named as the `.rules` text names it: the grammar calls them locations"
)]
pub(crate) struct Locations {
    /// Short identifier.
    pub name: Name,
    /// The table's caption.
    pub caption: Text,
    /// The locations listed.
    pub locations: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}

/// `region NAME "display" { zones ... aliases ... }`
#[derive(Debug, Clone)]
pub(crate) struct Region {
    /// The region id.
    pub name: Name,
    /// Its display name.
    pub display: Text,
    /// Its zones.
    pub zones: Vec<Name>,
    /// Other names for it.
    pub aliases: Vec<Name>,
    /// The whole declaration: to its `}`, or to its display name when it has no block.
    pub span: Span,
}

/// `geography NAME "display" { REGION, ... }`: regions a route rule can name together.
#[derive(Debug, Clone)]
pub(crate) struct Geography {
    /// Its name, e.g. `jp`.
    pub name: Name,
    /// Its display name.
    pub display: Text,
    /// Its regions, as written.
    pub regions: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}

/// `target NAME TYPE ["description"]`
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Its name.
    pub name: Name,
    /// Its type, as written.
    pub kind: Name,
    /// Its id in Activity Tracker Event Routing (`id "..."`).
    pub id: Option<Text>,
    /// Its description.
    pub description: Option<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// `route NAME { ... }`
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// Its name.
    pub name: Name,
    /// `types` filter lines.
    pub types: Vec<Spanned<EventType>>,
    /// `actions` filter patterns.
    pub actions: Vec<Name>,
    /// Its rules, in order.
    pub rules: Vec<RouteRule>,
    /// The whole declaration.
    pub span: Span,
}

/// `a, b -> x, y` or `a -> drop`
#[derive(Debug, Clone)]
pub(crate) struct RouteRule {
    /// The locations matched.
    pub locations: Vec<Name>,
    /// The targets, or `None` for `drop`.
    pub targets: Option<Vec<Name>>,
    /// The whole rule.
    pub span: Span,
}

/// `default targets a, b`
#[derive(Debug, Clone)]
pub(crate) struct Defaults {
    /// The targets.
    pub targets: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}
