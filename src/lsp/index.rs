//! What one `.rules` file declares and refers to, by kind, name and span: the map behind
//! hover, go to definition, references, rename, completion and symbols.

use crate::ast::{self, Item, ServiceItem};
use crate::catalog::BaseType;
use crate::source::Span;
use crate::vocab::EventType;

/// The kinds of name a `.rules` file declares. Regions, zones, aliases and geographies share
/// one namespace, [`Kind::Location`], since a route rule names any of them the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    Service,
    Action,
    Type,
    Schema,
    Field,
    Location,
    Target,
    Route,
}

impl Kind {
    /// The word for it in messages.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Action => "action",
            Kind::Type => "type",
            Kind::Schema => "schema",
            Kind::Field => "field",
            Kind::Location => "location",
            Kind::Target => "target",
            Kind::Route => "route",
        }
    }
}

/// A name written in the file: a declaration or a reference to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Occurrence {
    /// What it names.
    pub(crate) kind: Kind,
    /// The name it resolves to: a full action name (`service.object.verb`), a field's path,
    /// other names as written.
    pub(crate) name: String,
    /// The name as written (global offsets).
    pub(crate) span: Span,
    /// Whether it declares the name.
    pub(crate) declares: bool,
}

/// A declaration, with what hover says about it.
#[derive(Debug, Clone)]
pub(crate) struct Declaration {
    /// The kind, name and name's span.
    pub(crate) kind: Kind,
    pub(crate) name: String,
    pub(crate) span: Span,
    /// The whole declaration.
    pub(crate) whole: Span,
    /// What it says.
    pub(crate) info: Info,
}

/// What a declaration says, beyond its text.
#[derive(Debug, Clone)]
pub(crate) enum Info {
    Service {
        display: String,
    },
    Action {
        service: String,
        /// Its event type: written, or its group's; `None` when neither says.
        flag: Option<EventType>,
        /// Whether the action line writes it, rather than taking the group's.
        explicit: bool,
        /// The group's name and caption.
        group: Option<(String, String)>,
        description: String,
    },
    /// A type or a schema: hover shows its text. A type's enum members, if it is one.
    Definition {
        members: Vec<String>,
    },
    Field {
        /// Where it is declared, in words (`the envelope`, `schema audit_fields`).
        owner: String,
        description: Option<String>,
        /// Its type's name, unless it is an inline enum, whose members these are.
        ty: Option<String>,
        members: Vec<String>,
    },
    Region {
        display: String,
        zones: Vec<String>,
        aliases: Vec<String>,
    },
    /// A zone or an alias of a region.
    PartOf {
        what: &'static str,
        region: String,
    },
    Geography {
        display: String,
        regions: Vec<String>,
    },
    Target {
        kind: String,
        id: Option<String>,
        description: Option<String>,
    },
    Route {
        rules: usize,
    },
}

/// A route rule: the locations it names, for hover to say what they cover.
#[derive(Debug, Clone)]
pub(crate) struct RuleSite {
    pub(crate) route: String,
    pub(crate) span: Span,
    pub(crate) locations: Vec<String>,
    /// The targets, or `None` for `drop`.
    pub(crate) targets: Option<Vec<String>>,
}

/// A symbol for the outline: a declaration and the ones inside it.
#[derive(Debug, Clone)]
pub(crate) struct Outline {
    pub(crate) kind: Kind,
    /// `group`, `envelope` and `when` blocks have no kind of their own.
    pub(crate) label: String,
    pub(crate) span: Span,
    pub(crate) whole: Span,
    pub(crate) children: Vec<Outline>,
}

/// Everything one file declares and refers to.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileIndex {
    /// Every name written, declarations and references, in source order.
    pub(crate) occurrences: Vec<Occurrence>,
    pub(crate) declarations: Vec<Declaration>,
    pub(crate) rules: Vec<RuleSite>,
    pub(crate) outline: Vec<Outline>,
}

impl FileIndex {
    /// The index of a parsed file.
    pub(crate) fn of(file: &ast::File) -> Self {
        let mut index = FileIndex::default();
        for item in &file.items {
            index.item(item);
        }
        index.occurrences.sort_by_key(|o| o.span);
        index
    }

    /// The name written at `offset` (global), if any; a cursor just after a name is on it.
    pub(crate) fn at(&self, offset: usize) -> Option<&Occurrence> {
        let offset = u32::try_from(offset).ok()?;
        let after = self.occurrences.partition_point(|o| o.span.start <= offset);
        self.occurrences
            .get(..after)?
            .iter()
            .rev()
            .take(4)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// The route rule written at `offset`, if any.
    pub(crate) fn rule_at(&self, offset: usize) -> Option<&RuleSite> {
        let offset = u32::try_from(offset).ok()?;
        self.rules
            .iter()
            .find(|r| r.span.start <= offset && offset <= r.span.end)
    }

    fn refer(&mut self, kind: Kind, name: impl Into<String>, span: Span) {
        self.occurrences.push(Occurrence {
            kind,
            name: name.into(),
            span,
            declares: false,
        });
    }

    fn declare(&mut self, kind: Kind, name: &ast::Name, whole: Span, info: Info) {
        self.declare_as(kind, name.node.clone(), name.span, whole, info);
    }

    fn declare_as(&mut self, kind: Kind, name: String, span: Span, whole: Span, info: Info) {
        self.occurrences.push(Occurrence {
            kind,
            name: name.clone(),
            span,
            declares: true,
        });
        self.declarations.push(Declaration {
            kind,
            name,
            span,
            whole,
            info,
        });
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Service(service) => self.service(service),
            Item::Type(decl) => {
                let info = Info::Definition {
                    members: members(&decl.ty),
                };
                self.declare(Kind::Type, &decl.name, decl.span, info);
                self.type_expr(&decl.ty);
                self.leaf(Kind::Type, &decl.name, decl.span);
            }
            Item::Schema(decl) => {
                let info = Info::Definition {
                    members: Vec::new(),
                };
                self.declare(Kind::Schema, &decl.name, decl.span, info);
                let owner = format!("schema `{}`", decl.name.node);
                self.block(&decl.block, &owner);
                self.leaf(Kind::Schema, &decl.name, decl.span);
            }
            Item::Envelope(block) => {
                self.block(block, "the envelope");
                self.block_outline("envelope", block.span);
            }
            Item::When(when) => {
                self.when(when, None);
                self.block_outline("when", when.span.to(when.block.span));
            }
            Item::Region(region) => self.region(region),
            Item::Geography(geography) => {
                let info = Info::Geography {
                    display: geography.display.node.clone(),
                    regions: geography.regions.iter().map(|r| r.node.clone()).collect(),
                };
                self.declare(Kind::Location, &geography.name, geography.span, info);
                for region in &geography.regions {
                    self.refer(Kind::Location, region.node.clone(), region.span);
                }
                self.leaf(Kind::Location, &geography.name, geography.span);
            }
            Item::Target(target) => {
                let info = Info::Target {
                    kind: target.kind.node.clone(),
                    id: target.id.as_ref().map(|i| i.node.clone()),
                    description: target.description.as_ref().map(|d| d.node.clone()),
                };
                self.declare(Kind::Target, &target.name, target.span, info);
                self.leaf(Kind::Target, &target.name, target.span);
            }
            Item::Route(route) => self.route(route),
            Item::Defaults(defaults) => {
                for target in &defaults.targets {
                    self.refer(Kind::Target, target.node.clone(), target.span);
                }
            }
        }
    }

    fn leaf(&mut self, kind: Kind, name: &ast::Name, whole: Span) {
        self.outline.push(Outline {
            kind,
            label: name.node.clone(),
            span: name.span,
            whole,
            children: Vec::new(),
        });
    }

    fn block_outline(&mut self, label: &str, whole: Span) {
        self.outline.push(Outline {
            kind: Kind::Field,
            label: label.to_owned(),
            span: whole,
            whole,
            children: Vec::new(),
        });
    }

    fn service(&mut self, service: &ast::Service) {
        let name = service.name.node.as_str();
        let info = Info::Service {
            display: service.display.node.clone(),
        };
        self.declare(Kind::Service, &service.name, service.span, info);
        let mut children = Vec::new();
        for item in &service.items {
            match item {
                ServiceItem::Group(group) => {
                    let caption = (group.name.node.clone(), group.caption.node.clone());
                    let default = group.default.map(|d| d.node);
                    let actions = group
                        .actions
                        .iter()
                        .map(|a| self.action(name, a, default, Some(&caption)))
                        .collect();
                    children.push(Outline {
                        kind: Kind::Action,
                        label: format!("group {}", group.name.node),
                        span: group.name.span,
                        whole: group.span,
                        children: actions,
                    });
                }
                ServiceItem::Action(action) => {
                    let outline = self.action(name, action, None, None);
                    children.push(outline);
                }
                ServiceItem::Fields(fields) => {
                    for action in &fields.actions {
                        self.action_ref(Some(name), action);
                    }
                    let list: Vec<&str> = fields.actions.iter().map(|a| a.node.as_str()).collect();
                    let owner = format!("`fields {}` of service `{name}`", list.join(", "));
                    self.block(&fields.block, &owner);
                }
                ServiceItem::When(when) => self.when(when, Some(name)),
                ServiceItem::Envelope(block) => {
                    self.block(block, &format!("the envelope of service `{name}`"));
                }
                ServiceItem::Locate(locate) => {
                    for from in &locate.from {
                        self.refer(Kind::Location, from.node.clone(), from.span);
                    }
                    self.refer(Kind::Location, locate.to.node.clone(), locate.to.span);
                }
                ServiceItem::Domain(domain) => {
                    self.refer(
                        Kind::Location,
                        domain.region.node.clone(),
                        domain.region.span,
                    );
                }
                ServiceItem::Locations(locations) => {
                    for location in &locations.locations {
                        self.refer(Kind::Location, location.node.clone(), location.span);
                    }
                }
                ServiceItem::Collect(_) | ServiceItem::Require(_) => {}
            }
        }
        self.outline.push(Outline {
            kind: Kind::Service,
            label: service.name.node.clone(),
            span: service.name.span,
            whole: service.span,
            children,
        });
    }

    fn action(
        &mut self,
        service: &str,
        action: &ast::Action,
        default: Option<EventType>,
        group: Option<&(String, String)>,
    ) -> Outline {
        let (flag, explicit) = match action.flag.node {
            ast::ActionFlag::Explicit(flag) => (Some(flag), true),
            ast::ActionFlag::Inherit => (default, false),
        };
        let full = format!("{service}.{}", action.name.node);
        let info = Info::Action {
            service: service.to_owned(),
            flag,
            explicit,
            group: group.cloned(),
            description: action.description.node.clone(),
        };
        self.declare_as(Kind::Action, full, action.name.span, action.span, info);
        Outline {
            kind: Kind::Action,
            label: action.name.node.clone(),
            span: action.name.span,
            whole: action.span,
            children: Vec::new(),
        }
    }

    /// An action name or pattern, relative to `service` when inside one.
    fn action_ref(&mut self, service: Option<&str>, name: &ast::Name) {
        let written = name.node.as_str();
        if written.contains('*') {
            // A pattern names no action, but a full one names its service.
            if service.is_none() {
                if let Some((prefix, _)) = written.split_once('.') {
                    if !prefix.contains('*') {
                        let end = name.span.start as usize + prefix.len();
                        let span = Span::new(name.span.start as usize, end);
                        self.refer(Kind::Service, prefix, span);
                    }
                }
            }
            return;
        }
        let full = match service {
            Some(service) => format!("{service}.{written}"),
            None => written.to_owned(),
        };
        self.refer(Kind::Action, full, name.span);
    }

    fn when(&mut self, when: &ast::WhenBlock, service: Option<&str>) {
        for condition in &when.conditions {
            match condition {
                ast::Condition::ActionMatches(names) | ast::Condition::ActionIn(names) => {
                    for name in names {
                        self.action_ref(service, name);
                    }
                }
                ast::Condition::Compare { path, .. } => {
                    self.refer(Kind::Field, path.node.clone(), path.span);
                }
            }
        }
        let owner = match service {
            Some(service) => format!("a `when` block of service `{service}`"),
            None => "a top-level `when` block".to_owned(),
        };
        self.block(&when.block, &owner);
    }

    fn block(&mut self, block: &ast::FieldBlock, owner: &str) {
        for schema in &block.uses {
            self.refer(Kind::Schema, schema.node.clone(), schema.span);
        }
        for field in &block.fields {
            let info = Info::Field {
                owner: owner.to_owned(),
                description: field.description.as_ref().map(|d| d.node.clone()),
                ty: match &field.ty {
                    ast::TypeExpr::Named(name) => Some(name.node.clone()),
                    ast::TypeExpr::Enum(_) => None,
                },
                members: members(&field.ty),
            };
            self.declare(Kind::Field, &field.path, field.span, info);
            self.type_expr(&field.ty);
        }
    }

    fn type_expr(&mut self, ty: &ast::TypeExpr) {
        if let ast::TypeExpr::Named(name) = ty {
            if BaseType::from_name(&name.node).is_none() {
                self.refer(Kind::Type, name.node.clone(), name.span);
            }
        }
    }

    fn region(&mut self, region: &ast::Region) {
        let names = |list: &[ast::Name]| list.iter().map(|n| n.node.clone()).collect();
        let info = Info::Region {
            display: region.display.node.clone(),
            zones: names(&region.zones),
            aliases: names(&region.aliases),
        };
        self.declare(Kind::Location, &region.name, region.span, info);
        for (what, list) in [("zone", &region.zones), ("alias", &region.aliases)] {
            for name in list {
                let info = Info::PartOf {
                    what,
                    region: region.name.node.clone(),
                };
                self.declare(Kind::Location, name, name.span, info);
            }
        }
        self.leaf(Kind::Location, &region.name, region.span);
    }

    fn route(&mut self, route: &ast::Route) {
        let info = Info::Route {
            rules: route.rules.len(),
        };
        self.declare(Kind::Route, &route.name, route.span, info);
        for action in &route.actions {
            self.action_ref(None, action);
        }
        for rule in &route.rules {
            for location in &rule.locations {
                if location.node != "*" && location.node != "global" {
                    self.refer(Kind::Location, location.node.clone(), location.span);
                }
            }
            for target in rule.targets.iter().flatten() {
                self.refer(Kind::Target, target.node.clone(), target.span);
            }
            self.rules.push(RuleSite {
                route: route.name.node.clone(),
                span: rule.span,
                locations: rule.locations.iter().map(|l| l.node.clone()).collect(),
                targets: rule
                    .targets
                    .as_ref()
                    .map(|t| t.iter().map(|n| n.node.clone()).collect()),
            });
        }
        self.leaf(Kind::Route, &route.name, route.span);
    }
}

/// The members of an inline enum; none for a named type.
fn members(ty: &ast::TypeExpr) -> Vec<String> {
    match ty {
        ast::TypeExpr::Enum(members) => members.node.iter().map(|m| m.value.node.clone()).collect(),
        ast::TypeExpr::Named(_) => Vec::new(),
    }
}
