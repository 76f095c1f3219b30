//! Services and actions: names, event types, duplicates.

use super::draft::{ActionDraft, Actions};
use super::{CheckError, CheckState, Declared};
use crate::ast::{self, ActionFlag, Item, Name, ServiceItem};
use crate::catalog::{Action, EventType, Group, Service, ServiceId};
use crate::source::Span;
use crate::suggestion;

impl<'a> CheckState<'a> {
    pub(super) fn declare_types_and_schemas(&mut self, items: &[&'a Item]) {
        for item in items {
            match item {
                Item::Type(decl) => {
                    if crate::catalog::BaseType::from_name(&decl.name.node).is_some() {
                        self.report(CheckError::DuplicateDeclaration {
                            kind: "type",
                            name: decl.name.node.clone(),
                            span: decl.name.span.into(),
                            first: None,
                            first_label: "",
                            help: format!(
                                "`{}` is a built-in type; choose another name",
                                decl.name.node
                            ),
                        });
                        continue;
                    }
                    self.check_name("type", &decl.name);
                    if let Some(first) = self.types.get(decl.name.node.as_str()) {
                        let first = first.node.name.span;
                        self.duplicate("type", &decl.name, first);
                    } else {
                        self.types.insert(
                            &decl.name.node,
                            Declared {
                                node: decl,
                                used: false,
                            },
                        );
                    }
                }
                Item::Schema(decl) => {
                    self.check_name("schema", &decl.name);
                    if let Some(first) = self.schemas.get(decl.name.node.as_str()) {
                        let first = first.node.name.span;
                        self.duplicate("schema", &decl.name, first);
                    } else {
                        self.schemas.insert(
                            &decl.name.node,
                            Declared {
                                node: decl,
                                used: false,
                            },
                        );
                    }
                }
                _ => {}
            }
        }
    }

    pub(super) fn duplicate(&mut self, kind: &'static str, name: &Name, first: Span) {
        self.report(CheckError::DuplicateDeclaration {
            kind,
            name: name.node.clone(),
            span: name.span.into(),
            first: Some(first.into()),
            first_label: "first declared here",
            help: format!("each {kind} is declared once; remove one declaration or rename it"),
        });
    }

    /// Reports look-alike characters and characters outside `[A-Za-z0-9_-]` in a name.
    pub(super) fn check_name(&mut self, kind: &'static str, name: &Name) -> bool {
        self.check_chars(kind, name, |c| {
            c.is_ascii_alphanumeric() || c == '-' || c == '_'
        })
    }

    /// Reports look-alikes, then any character `allowed` refuses. True when the name is clean.
    pub(super) fn check_chars(
        &mut self,
        kind: &'static str,
        name: &Name,
        allowed: impl Fn(char) -> bool,
    ) -> bool {
        // Reported once, for the whole text, by `hidden_characters`.
        if name
            .node
            .chars()
            .any(|c| suggestion::hidden(c).is_some() && !suggestion::is_confusable(c))
        {
            return false;
        }
        if let Some(c) = suggestion::confusable(&name.node) {
            let start = name.span.start as usize + c.offset;
            self.report(CheckError::ConfusableCharacter {
                name: name.node.clone(),
                character: format!("`{}` ({})", c.found, c.describe()),
                looks_like: c.looks_like,
                span: Span::new(start, start + c.found.len_utf8()).into(),
                help: format!("type it in ASCII: `{}`", c.ascii),
            });
            return false;
        }
        if name.node.is_empty() {
            return false;
        }
        if let Some((offset, bad)) = name.node.char_indices().find(|(_, c)| !allowed(*c)) {
            let start = name.span.start as usize + offset;
            self.report(CheckError::MalformedName {
                kind,
                name: name.node.clone(),
                span: Span::new(start, start + bad.len_utf8()).into(),
                problem: format!("`{bad}` is not allowed here"),
                help: Some(allowed_characters(kind)),
            });
            return false;
        }
        true
    }

    /// Declares every service. A service may be declared in several blocks, in one file or
    /// several: the blocks form one service, and must agree on its display name.
    pub(super) fn declare_services(&mut self, items: &[&'a Item]) -> Actions<'a> {
        let mut actions = Actions::default();
        let mut blocks: Vec<&'a ast::Service> = items
            .iter()
            .filter_map(|i| {
                if let Item::Service(s) = i {
                    Some(s)
                } else {
                    None
                }
            })
            .collect();
        blocks.sort_by(|a, b| a.name.node.cmp(&b.name.node));
        for same in blocks.chunk_by(|a, b| a.name.node == b.name.node) {
            let Some(first) = same.first() else { continue };
            self.check_service_name(&first.name);
            for other in same
                .iter()
                .skip(1)
                .filter(|b| b.display.node != first.display.node)
            {
                self.report(CheckError::DuplicateDeclaration {
                    kind: "service",
                    name: other.name.node.clone(),
                    span: other.display.span.into(),
                    first: Some(first.display.span.into()),
                    first_label: "first named here",
                    help: format!(
                        "a service declared in several blocks has one display name; write \"{}\" here too",
                        first.display.node
                    ),
                });
            }
            let id = ServiceId::at(actions.services.len());
            let built = self.service(same, id, &mut actions);
            actions.services.push((built, same.to_vec()));
        }
        actions
    }

    fn check_service_name(&mut self, name: &Name) {
        let clean = self.check_chars("service", name, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
        });
        if clean && (name.node.split('.').count() > 2 || name.node.split('.').any(str::is_empty)) {
            self.report(CheckError::MalformedName {
                kind: "service",
                name: name.node.clone(),
                span: name.span.into(),
                problem: "one or two dot-separated parts expected".into(),
                help: Some(
                    "write the CRN service name, e.g. `container-registry` or `is.vpc`".into(),
                ),
            });
        }
    }

    fn service(
        &mut self,
        blocks: &[&'a ast::Service],
        id: ServiceId,
        actions: &mut Actions<'a>,
    ) -> Service {
        let first = blocks.first().copied();
        let mut service = Service {
            name: first.map(|b| b.name.node.clone()).unwrap_or_default(),
            display_name: first.map(|b| b.display.node.clone()).unwrap_or_default(),
            collect: Vec::new(),
            require: Vec::new(),
            groups: Vec::new(),
            location_tables: Vec::new(),
            domains: Vec::new(),
            overrides: Vec::new(),
            envelope: None,
        };
        let mut collect = None;
        let mut require = None;
        let mut groups: Vec<&'a ast::Group> = Vec::new();
        for item in blocks.iter().flat_map(|b| &b.items) {
            match item {
                ServiceItem::Collect(types) => {
                    collect = self.policy_line("collect", types, collect);
                }
                ServiceItem::Require(types) => {
                    require = self.policy_line("require", types, require);
                }
                ServiceItem::Group(group) => {
                    if let Some(first) = groups.iter().find(|g| g.name.node == group.name.node) {
                        self.duplicate("group", &group.name, first.name.span);
                    }
                    groups.push(group);
                    self.check_name("group", &group.name);
                    let index = u32::try_from(service.groups.len()).unwrap_or(u32::MAX);
                    service.groups.push(Group {
                        name: group.name.node.clone(),
                        caption: group.caption.node.clone(),
                    });
                    for action in &group.actions {
                        self.action(&service.name, id, action, Some((index, group)), actions);
                    }
                }
                ServiceItem::Action(action) => {
                    self.action(&service.name, id, action, None, actions);
                }
                _ => {}
            }
        }
        service.collect = collect.map_or_else(
            || vec![EventType::Management, EventType::Data],
            |types| types.iter().map(|t| t.node).collect(),
        );
        if let Some(require) = require {
            for ty in require {
                if !service.collect.contains(&ty.node) {
                    self.report(CheckError::ConflictingEventPolicy {
                        message: format!("`{}` events are required but not collected", ty.node),
                        span: ty.span.into(),
                        label: "required here".into(),
                        help: format!("add `{}` to the service's `collect` line", ty.node),
                    });
                }
                service.require.push(ty.node);
            }
        }
        service.collect.sort();
        service.require.sort();
        service
    }

    /// Checks one `collect` or `require` line: once per service, no type twice.
    fn policy_line(
        &mut self,
        keyword: &str,
        types: &'a Vec<crate::source::Spanned<EventType>>,
        previous: Option<&'a Vec<crate::source::Spanned<EventType>>>,
    ) -> Option<&'a Vec<crate::source::Spanned<EventType>>> {
        if let (Some(first), Some(prev)) = (types.first(), previous.and_then(|p| p.first())) {
            self.report(CheckError::ConflictingEventPolicy {
                message: format!("the service has two `{keyword}` lines"),
                span: first.span.into(),
                label: "second line".into(),
                help: format!(
                    "list every event type on the first `{keyword}` line (line of `{}`)",
                    prev.node
                ),
            });
            return previous;
        }
        for (i, ty) in types.iter().enumerate() {
            if types.iter().take(i).any(|t| t.node == ty.node) {
                self.report(CheckError::ConflictingEventPolicy {
                    message: format!("`{}` is listed twice", ty.node),
                    span: ty.span.into(),
                    label: "listed again here".into(),
                    help: "list each event type once".into(),
                });
            }
        }
        Some(types)
    }

    fn action(
        &mut self,
        service: &str,
        id: ServiceId,
        action: &ast::Action,
        group: Option<(u32, &ast::Group)>,
        actions: &mut Actions<'a>,
    ) {
        let Some(relative) = self.check_action_name(service, &action.name) else {
            return;
        };
        let full = format!("{service}.{relative}");
        let event_type = match action.flag.node {
            ActionFlag::Explicit(ty) => Some(ty),
            ActionFlag::Inherit => group.and_then(|(_, g)| g.default).map(|d| d.node),
        };
        let Some(event_type) = event_type else {
            let help = match group {
                Some((_, g)) => format!(
                    "write `management {relative}` or `data {relative}`, or give the group a default: `group {} \"...\" management {{`",
                    g.name.node
                ),
                None => format!("write `management {relative}` or `data {relative}`"),
            };
            self.report(CheckError::MissingEventType {
                name: full.clone(),
                span: action.flag.span.to(action.name.span).into(),
                help,
            });
            // Still declared (with a stand-in type: the catalog is not built while an error
            // stands), so that what names it does not report an unknown action on top.
            self.declare_action(actions, id, group, action, full, EventType::Management);
            return;
        };
        self.declare_action(actions, id, group, action, full, event_type);
    }

    /// Declares an action, or reports it declared twice.
    fn declare_action(
        &mut self,
        actions: &mut Actions<'a>,
        id: ServiceId,
        group: Option<(u32, &ast::Group)>,
        action: &ast::Action,
        full: String,
        event_type: EventType,
    ) {
        // One search of the map, whether it is declared already or not.
        let slot = match actions.by_name.entry(full) {
            std::collections::btree_map::Entry::Occupied(first) => {
                let error = CheckError::DuplicateAction {
                    name: first.key().clone(),
                    span: action.name.span.into(),
                    first: first.get().span.into(),
                };
                self.report(error);
                return;
            }
            std::collections::btree_map::Entry::Vacant(slot) => slot,
        };
        let position = Actions::count(&mut actions.declared, id);
        let draft = ActionDraft {
            action: Action {
                name: slot.key().as_str().into(),
                service: id,
                group: group.map(|(i, _)| i),
                position: u32::try_from(position).unwrap_or(u32::MAX),
                event_type,
                description: action.description.node.as_str().into(),
                field_set: 0,
                conditionals: Box::default(),
            },
            span: action.name.span,
            fields: Vec::new(),
            conditionals: Vec::new(),
        };
        slot.insert(draft);
    }

    /// Checks an action name as declared and returns it relative to its service.
    fn check_action_name(&mut self, service: &str, name: &Name) -> Option<String> {
        let clean = self.check_chars("action", name, |c| {
            c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' || c == ','
        });
        if !clean {
            return None;
        }
        let text = name.node.as_str();
        let problem = if let Some(offset) = text.find(',') {
            let start = name.span.start as usize + offset;
            let dotted = text.replace(',', ".");
            let help = match dotted.strip_prefix(&format!("{service}.")) {
                Some(relative) if relative.split('.').count() >= 2 => format!(
                    "did you mean `{dotted}`? inside `service {service}` write it as `{relative}`"
                ),
                _ => format!("did you mean `{dotted}`?"),
            };
            Some((
                Span::new(start, start + 1),
                "`,` is not a separator; names use `.`".to_owned(),
                help,
            ))
        } else if text.split('.').any(str::is_empty) {
            Some((
                name.span,
                "empty part".to_owned(),
                "write `object.verb`, e.g. `image.push`".to_owned(),
            ))
        } else {
            // `object.verb`, or an object path: `volume.volume.update`, or
            // `load-balancer.listener.create`. A name that starts with its own service is the
            // full name written where the local one belongs.
            match text.split('.').count() {
                n if n > 2 && text.starts_with(&format!("{service}.")) => {
                    let relative = &text[service.len() + 1..];
                    Some((
                        name.span,
                        "the service name is already implied".to_owned(),
                        format!("inside `service {service}` write `{relative}`"),
                    ))
                }
                1 => Some((
                    name.span,
                    "1 dot-separated part, 2 or more expected".to_owned(),
                    "write `object.verb` or `object.path.verb` (the full name `service.object.verb` is formed from the service)".to_owned(),
                )),
                _ => None,
            }
        };
        match problem {
            None => Some(text.to_owned()),
            Some((span, problem, help)) => {
                self.report(CheckError::MalformedAction {
                    name: text.to_owned(),
                    span: span.into(),
                    problem,
                    help: Some(help),
                });
                None
            }
        }
    }

    /// Resolves action references (names or `*` globs) to full names, reporting unknown ones.
    /// `service` is the prefix relative references take; `None` for full names.
    pub(super) fn action_refs(
        &mut self,
        refs: &[Name],
        service: Option<&str>,
        actions: &Actions<'_>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for r in refs {
            if !self.check_chars("action", r, |c| {
                c.is_ascii_alphanumeric() || "-_.*".contains(c)
            }) {
                continue;
            }
            let full = match service {
                Some(s) => format!("{s}.{}", r.node),
                None => r.node.clone(),
            };
            if full.contains('*') {
                // Inside a service, its own actions only, not those of a child service
                // (`is` and `is.vpc`) whose names share the prefix.
                let matched: Vec<String> = actions
                    .drafts_in(service)
                    .filter(|(n, draft)| {
                        service.is_none_or(|s| actions.service_name(draft) == Some(s))
                            && crate::catalog::glob_matches(&full, n)
                    })
                    .map(|(n, _)| n.clone())
                    .collect();
                if matched.is_empty() {
                    self.report_unresolved(CheckError::UnknownAction {
                        name: r.node.clone(),
                        span: r.span.into(),
                        label: "no declared action matches this pattern".into(),
                        help: "check the spelling; `*` matches any run of characters".into(),
                    });
                }
                out.extend(matched);
            } else if actions.by_name.contains_key(&full) {
                out.push(full);
            } else {
                let prefix = service.map(|s| format!("{s}.")).unwrap_or_default();
                let candidates = actions
                    .names_in(service)
                    .filter_map(|n| n.strip_prefix(prefix.as_str()));
                let help = suggestion::did_you_mean(&r.node, candidates, || {
                    "declare it in its service, or check the spelling".into()
                });
                self.report_unresolved(CheckError::UnknownAction {
                    name: full,
                    span: r.span.into(),
                    label: "not declared".into(),
                    help,
                });
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// What a name of this kind may contain, for help texts.
fn allowed_characters(kind: &str) -> String {
    let allowed = match kind {
        "service" => {
            "lowercase letters, digits and `-`, with one `.` for a two-part name like `is.vpc`"
        }
        "region" | "zone" | "alias" => {
            "lowercase letters, digits and `-`, like `eu-de` or `eu-de-1`"
        }
        "domain" => "letters, digits, `-` and `.`, like `jp.icr.io`",
        "action" => "letters, digits, `-` and `_` in two or more parts, `object.verb`",
        _ => "letters, digits, `-` and `_`",
    };
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind} name uses {allowed}")
}
