//! Targets, account routes and default targets: references, shadowed rules, coverage and the
//! Activity Tracker Event Routing limits (docs/domain.md §3.3, §10.6), which are warnings.

use std::collections::HashMap;

use super::draft::Actions;
use super::{CheckError, CheckState};
use crate::ast::{self, Item, Name};
use crate::catalog::{LocationMatch, Route, RouteRule, Target, TargetId, TargetKind};
use crate::limits::event_routing;
use crate::source::Span;
use crate::suggestion;

/// The targets, routes and default targets, checked.
pub(super) struct CheckedRoutes {
    pub(super) targets: Vec<Target>,
    pub(super) routes: Vec<Route>,
    pub(super) default_targets: Vec<TargetId>,
}

/// Declared targets by name: their id (`None` when their type is unknown) and where.
type TargetIds<'a> = HashMap<&'a str, (Option<TargetId>, Span)>;

impl<'a> CheckState<'a> {
    pub(super) fn routes(&mut self, items: &[&'a Item], actions: &Actions<'_>) -> CheckedRoutes {
        let (targets, ids) = self.targets(items);
        let mut routes = Vec::new();
        let mut route_names: HashMap<&str, Span> = HashMap::new();
        let mut defaults: Option<&ast::Defaults> = None;
        let mut default_targets = Vec::new();
        for item in items {
            match item {
                Item::Route(route) => {
                    self.check_name("route", &route.name);
                    if let Some(first) = route_names.get(route.name.node.as_str()) {
                        let first = *first;
                        self.duplicate("route", &route.name, first);
                        continue;
                    }
                    route_names.insert(&route.name.node, route.name.span);
                    if routes.len() == event_routing::ROUTES {
                        self.limit(
                            route.name.span,
                            format!("more than {} routes", event_routing::ROUTES),
                            "route 31 and later",
                            "an account has at most 30 routes; merge routes that share targets",
                        );
                    }
                    let spans = route.rules.iter().map(|r| r.span).collect();
                    self.origins.route_rules.push(spans);
                    routes.push(self.route(route, &ids, actions));
                }
                Item::Defaults(d) => {
                    if let Some(first) = defaults {
                        self.report(CheckError::DuplicateDeclaration {
                            kind: "default targets",
                            name: "default targets".into(),
                            span: d.span.into(),
                            first: Some(first.span.into()),
                            first_label: "first declared here",
                            help: "list every default target on one `default targets` line".into(),
                        });
                        continue;
                    }
                    defaults = Some(d);
                    default_targets = self.target_refs(&d.targets, &ids);
                    self.origins.default_targets = Some(d.span);
                    if default_targets.len() > event_routing::DEFAULT_TARGETS {
                        self.limit(
                            d.span,
                            format!(
                                "more than {} default targets",
                                event_routing::DEFAULT_TARGETS
                            ),
                            "too many",
                            "Activity Tracker Event Routing sends to at most 2 default targets",
                        );
                    }
                }
                _ => {}
            }
        }
        if !routes.is_empty() && default_targets.is_empty() {
            self.report_uncovered(&routes);
        }
        CheckedRoutes {
            targets,
            routes,
            default_targets,
        }
    }

    fn targets(&mut self, items: &[&'a Item]) -> (Vec<Target>, TargetIds<'a>) {
        let mut targets = Vec::new();
        let mut ids: TargetIds<'a> = HashMap::new();
        let mut target_ids: HashMap<&'a str, Span> = HashMap::new();
        for item in items {
            let Item::Target(target) = item else { continue };
            self.check_name("target", &target.name);
            if let Some((_, first)) = ids.get(target.name.node.as_str()) {
                let first = *first;
                self.duplicate("target", &target.name, first);
                continue;
            }
            let Some(kind) = TargetKind::ALL
                .iter()
                .find(|(n, _)| *n == target.kind.node)
                .map(|(_, k)| *k)
            else {
                let help = suggestion::did_you_mean(
                    &target.kind.node,
                    TargetKind::ALL.iter().map(|(n, _)| *n),
                    || {
                        "a target type is `cloud_object_storage`, `event_streams`, `cloud_logs` or `app_config`".into()
                    },
                );
                self.report(CheckError::UnknownTargetType {
                    name: target.kind.node.clone(),
                    span: target.kind.span.into(),
                    help,
                });
                ids.insert(&target.name.node, (None, target.name.span));
                continue;
            };
            if targets.len() == event_routing::TARGETS {
                self.limit(
                    target.name.span,
                    format!("more than {} targets", event_routing::TARGETS),
                    "target 17 and later",
                    "an account has at most 16 targets",
                );
            }
            let id = TargetId::at(targets.len());
            ids.insert(&target.name.node, (Some(id), target.name.span));
            if let Some(id) = &target.id {
                if id.node.trim().is_empty() || id.node.chars().any(char::is_whitespace) {
                    self.invalid(
                        id.span,
                        "a target id is one word".into(),
                        "copy the id from `ibmcloud atracker target ls --output json`",
                    );
                } else if let Some(first) = target_ids.insert(id.node.as_str(), id.span) {
                    self.duplicate("target id", id, first);
                }
            }
            targets.push(Target {
                name: target.name.node.clone(),
                kind,
                id: target.id.as_ref().map(|i| i.node.clone()),
                description: target.description.as_ref().map(|d| d.node.clone()),
            });
        }
        (targets, ids)
    }

    fn target_refs(&mut self, names: &[Name], ids: &TargetIds<'a>) -> Vec<TargetId> {
        let mut out = Vec::new();
        for name in names {
            match ids.get(name.node.as_str()) {
                Some((Some(id), _)) if !out.contains(id) => out.push(*id),
                // Declared with an unknown type (already reported), or listed twice.
                Some(_) => {}
                None => {
                    let help = suggestion::did_you_mean(&name.node, ids.keys().copied(), || {
                        "declare it with `target NAME TYPE`, or write `drop` to discard the events"
                            .into()
                    });
                    self.report_unresolved(CheckError::UnknownTarget {
                        name: name.node.clone(),
                        span: name.span.into(),
                        help,
                    });
                }
            }
        }
        out
    }

    /// The limits of a route's name: its length, and the characters the service refuses.
    fn route_name(&mut self, name: &ast::Name) {
        if name.node.chars().count() > event_routing::ROUTE_NAME {
            self.limit(
                name.span,
                format!(
                    "route name longer than {} characters",
                    event_routing::ROUTE_NAME
                ),
                "too long",
                "shorten the name",
            );
        }
        if let Some(c) = name.node.chars().find(|c| "-._:".contains(*c)) {
            self.limit(
                name.span,
                format!("route name with `{c}`"),
                "Activity Tracker Event Routing refuses it",
                "its limits allow no `-`, `.`, `_` or `:` in a route name; write it in camelCase or as one word",
            );
        }
    }

    fn route(
        &mut self,
        route: &'a ast::Route,
        ids: &TargetIds<'a>,
        actions: &Actions<'_>,
    ) -> Route {
        self.route_name(&route.name);
        if route.rules.is_empty() && !self.damaged(route.span) {
            self.limit(
                route.name.span,
                format!("route `{}` has no rules", route.name.node),
                "needs 1 to 10 rules",
                "add a rule such as `* -> TARGET`, or remove the route",
            );
        }
        self.action_refs(&route.actions, None, actions);
        let mut rules = Vec::new();
        let mut coverage = Coverage::default();
        for (index, rule) in route.rules.iter().enumerate() {
            if index == event_routing::RULES_PER_ROUTE {
                self.limit(
                    rule.span,
                    format!(
                        "route `{}` has more than {} rules",
                        route.name.node,
                        event_routing::RULES_PER_ROUTE
                    ),
                    "rule 11 and later",
                    "split the route in two",
                );
            }
            if rule.locations.len() > event_routing::LOCATIONS_PER_RULE {
                self.limit(
                    rule.span,
                    format!(
                        "rule lists more than {} locations",
                        event_routing::LOCATIONS_PER_RULE
                    ),
                    "too many locations",
                    "split the rule in two with the same targets",
                );
            }
            if rule
                .targets
                .as_ref()
                .is_some_and(|t| t.len() > event_routing::TARGETS_PER_RULE)
            {
                self.limit(
                    rule.span,
                    format!(
                        "rule sends to more than {} targets",
                        event_routing::TARGETS_PER_RULE
                    ),
                    "too many targets",
                    "use another route for the other targets: every matching route fires",
                );
            }
            let locations: Vec<(LocationMatch, Span)> = rule
                .locations
                .iter()
                .filter_map(|l| self.location_match(l).map(|m| (m, l.span)))
                .collect();
            if let Some(shadow) = coverage.shadowing(&locations, |z| {
                self.locations.region_of(z).map(str::to_owned)
            }) {
                let any = coverage.any.is_some_and(|a| a == shadow);
                self.report(CheckError::ShadowedRouteRule {
                    span: rule.span.into(),
                    shadow: shadow.into(),
                    shadow_label: if any { "`*` matches every location first".into() } else { "these locations match first".into() },
                    help: if any { "put the `*` rule last: within a route the first matching rule wins".into() } else { "within a route the first matching rule wins; remove this rule or move it up".into() },
                });
            }
            for (location, _) in &locations {
                coverage.add(location, rule.span);
            }
            rules.push(RouteRule {
                locations: locations.into_iter().map(|(m, _)| m).collect(),
                targets: rule
                    .targets
                    .as_deref()
                    .map(|t| self.target_refs(t, ids))
                    .unwrap_or_default(),
            });
        }
        Route {
            name: route.name.node.clone(),
            types: {
                let mut types: Vec<_> = route.types.iter().map(|t| t.node).collect();
                types.sort();
                types.dedup();
                types
            },
            actions: route.actions.iter().map(|a| a.node.clone()).collect(),
            rules,
        }
    }

    fn limit(&mut self, span: Span, message: String, label: &str, help: &str) {
        self.report(CheckError::LimitExceeded {
            message,
            span: span.into(),
            label: label.to_owned(),
            help: help.to_owned(),
        });
    }

    /// Warns about each declared region that no route rule matches.
    fn report_uncovered(&mut self, routes: &[Route]) {
        if self.incomplete {
            return;
        }
        let covers = |region: &str| {
            routes
                .iter()
                .filter(|r| r.types.is_empty() && r.actions.is_empty())
                .flat_map(|r| &r.rules)
                .flat_map(|r| &r.locations)
                .any(|l| match l {
                    LocationMatch::Any => true,
                    LocationMatch::Region(r) => r == region,
                    LocationMatch::Geography { regions, .. } => regions.iter().any(|r| r == region),
                    LocationMatch::Global | LocationMatch::Zone(_) => false,
                })
        };
        let uncovered: Vec<(String, Span)> = self
            .locations
            .regions
            .iter()
            .filter(|(r, _)| !covers(r))
            .cloned()
            .collect();
        for (name, span) in uncovered {
            self.report(CheckError::UncoveredLocation {
                help: format!("add `{name}` to a route rule, add a `* -> TARGET` rule, or declare `default targets`"),
                name,
                span: span.into(),
            });
        }
    }
}

/// What the rules of one route matched so far, and which rule matched it.
#[derive(Debug, Default)]
struct Coverage {
    any: Option<Span>,
    global: Option<Span>,
    regions: HashMap<String, Span>,
    zones: HashMap<String, Span>,
}

impl Coverage {
    /// The earlier rule that matches everything this rule's locations match, if one does.
    fn shadowing(
        &self,
        locations: &[(LocationMatch, Span)],
        region_of: impl Fn(&str) -> Option<String>,
    ) -> Option<Span> {
        if locations.is_empty() {
            return None;
        }
        let mut shadow = None;
        for (location, _) in locations {
            let by = self.any.or_else(|| match location {
                LocationMatch::Any => None,
                LocationMatch::Global => self.global,
                LocationMatch::Region(r) => self.regions.get(r).copied(),
                LocationMatch::Zone(z) => self
                    .zones
                    .get(z)
                    .copied()
                    .or_else(|| region_of(z).and_then(|r| self.regions.get(&r).copied())),
                // Shadowed when earlier rules match each of its regions.
                LocationMatch::Geography { regions, .. } => regions
                    .iter()
                    .map(|r| self.regions.get(r).copied())
                    .collect::<Option<Vec<Span>>>()
                    .and_then(|spans| spans.first().copied()),
            })?;
            shadow.get_or_insert(by);
        }
        shadow
    }

    fn add(&mut self, location: &LocationMatch, rule: Span) {
        match location {
            LocationMatch::Any => {
                self.any.get_or_insert(rule);
            }
            LocationMatch::Global => {
                self.global.get_or_insert(rule);
            }
            LocationMatch::Region(r) => {
                self.regions.entry(r.clone()).or_insert(rule);
            }
            LocationMatch::Zone(z) => {
                self.zones.entry(z.clone()).or_insert(rule);
            }
            LocationMatch::Geography { regions, .. } => {
                for region in regions {
                    self.regions.entry(region.clone()).or_insert(rule);
                }
            }
        }
    }
}
