//! Regions, zones and aliases; per-service location overrides, domains and location tables.

use std::collections::HashMap;

use super::{CheckError, CheckState};
use crate::ast::{self, Item, Name, ServiceItem};
use crate::catalog::{Domain, Geography, LocationMatch, LocationTable, Region, Service};
use crate::source::Span;
use crate::suggestion;

use crate::vocab::{EMPTY, GLOBAL};

/// The route wildcard.
pub(crate) const ANY: &str = "*";

/// What a declared location name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Located {
    /// A region, by its id.
    Region(String),
    /// A zone, and its region.
    Zone(String),
    /// An alias of a region.
    Alias(String),
    /// A geography, and its regions.
    Geography(Vec<String>),
}

/// Every declared location name, with what it stands for and where it was declared.
#[derive(Debug, Default)]
pub(super) struct Table {
    names: HashMap<String, (Located, Span)>,
    /// Region ids in declaration order.
    pub(super) regions: Vec<(String, Span)>,
}

impl Table {
    /// The region a name resolves to (itself, its zone's region, or its alias's region).
    pub(super) fn region_of(&self, name: &str) -> Option<&str> {
        self.names.get(name).and_then(|(located, _)| match located {
            Located::Region(r) | Located::Zone(r) | Located::Alias(r) => Some(r.as_str()),
            Located::Geography(_) => None,
        })
    }

    fn candidates(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str).chain([GLOBAL])
    }
}

impl<'a> CheckState<'a> {
    pub(super) fn declare_locations(&mut self, items: &[&'a Item]) -> Vec<Region> {
        let mut regions = Vec::new();
        for item in items {
            let Item::Region(region) = item else { continue };
            if !self.declare_location(&region.name, Located::Region(region.name.node.clone())) {
                continue;
            }
            self.locations
                .regions
                .push((region.name.node.clone(), region.name.span));
            for zone in &region.zones {
                self.declare_location(zone, Located::Zone(region.name.node.clone()));
            }
            for alias in &region.aliases {
                self.declare_location(alias, Located::Alias(region.name.node.clone()));
            }
            regions.push(Region {
                name: region.name.node.clone(),
                display_name: region.display.node.clone(),
                zones: region.zones.iter().map(|z| z.node.clone()).collect(),
                aliases: region.aliases.iter().map(|a| a.node.clone()).collect(),
            });
        }
        regions
    }

    /// Declares the geographies, once every region is: each names regions (or their aliases),
    /// at least one, each once.
    pub(super) fn declare_geographies(&mut self, items: &[&'a Item]) -> Vec<Geography> {
        let mut geographies = Vec::new();
        for item in items {
            let Item::Geography(geography) = item else {
                continue;
            };
            let mut regions: Vec<String> = Vec::new();
            for name in &geography.regions {
                match self.locations.names.get(&name.node) {
                    Some((Located::Region(r) | Located::Alias(r), _)) => {
                        if regions.contains(r) {
                            self.invalid(
                                name.span,
                                format!(
                                    "`{}` is listed twice in geography `{}`",
                                    name.node, geography.name.node
                                ),
                                "list each region of a geography once",
                            );
                        } else {
                            regions.push(r.clone());
                        }
                    }
                    Some((Located::Zone(r), _)) => {
                        let r = r.clone();
                        self.invalid(
                            name.span,
                            format!("`{}` is a zone; a geography lists regions", name.node),
                            &format!("list its region, `{r}`: a region matches its zones"),
                        );
                    }
                    Some((Located::Geography(_), _)) => self.invalid(
                        name.span,
                        format!("`{}` is a geography; a geography lists regions", name.node),
                        "list that geography's regions",
                    ),
                    None => self.unknown_location(name, false),
                }
            }
            if geography.regions.is_empty() {
                self.invalid(
                    geography.span,
                    format!("geography `{}` lists no region", geography.name.node),
                    "list the regions it holds, e.g. `{ jp-tok, jp-osa }`, or remove it",
                );
            }
            if !self.declare_location(&geography.name, Located::Geography(regions.clone())) {
                continue;
            }
            geographies.push(Geography {
                name: geography.name.node.clone(),
                display_name: geography.display.node.clone(),
                regions,
            });
        }
        geographies
    }

    fn declare_location(&mut self, name: &Name, located: Located) -> bool {
        let kind = match located {
            Located::Region(_) => "region",
            Located::Zone(_) => "zone",
            Located::Alias(_) => "alias",
            Located::Geography(_) => "geography",
        };
        let clean = self.check_chars(kind, name, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
        });
        if !clean {
            return false;
        }
        if name.node == GLOBAL || name.node == ANY || name.node == EMPTY {
            self.report(CheckError::DuplicateDeclaration {
                kind: "location",
                name: name.node.clone(),
                span: name.span.into(),
                first: None,
                first_label: "",
                help: format!("`{}` is built in: `global` is Activity Tracker's location for global events, `*` matches every location, `empty` names an empty CRN location in `locate` lines", name.node),
            });
            return false;
        }
        if let Some((_, first)) = self.locations.names.get(&name.node) {
            let first = *first;
            self.duplicate("location", name, first);
            return false;
        }
        self.locations
            .names
            .insert(name.node.clone(), (located, name.span));
        true
    }

    /// Resolves a location reference for a route rule; reports an unknown one.
    pub(super) fn location_match(&mut self, name: &Name) -> Option<LocationMatch> {
        match name.node.as_str() {
            ANY => return Some(LocationMatch::Any),
            GLOBAL => return Some(LocationMatch::Global),
            _ => {}
        }
        match self.locations.names.get(&name.node) {
            Some((Located::Zone(_), _)) => Some(LocationMatch::Zone(name.node.clone())),
            Some((Located::Region(r) | Located::Alias(r), _)) => {
                Some(LocationMatch::Region(r.clone()))
            }
            Some((Located::Geography(regions), _)) => Some(LocationMatch::Geography {
                name: name.node.clone(),
                regions: regions.clone(),
            }),
            None => {
                self.unknown_location(name, true);
                None
            }
        }
    }

    /// Resolves a location a service names (`global`, a region, zone or alias) to its canonical
    /// form: `global`, a region id, or a zone id.
    fn service_location(&mut self, name: &Name) -> Option<String> {
        if name.node == GLOBAL {
            return Some(GLOBAL.to_owned());
        }
        match self.locations.names.get(&name.node) {
            Some((Located::Zone(_), _)) => Some(name.node.clone()),
            Some((Located::Region(r) | Located::Alias(r), _)) => Some(r.clone()),
            Some((Located::Geography(_), _)) => {
                self.invalid(
                    name.span,
                    format!(
                        "`{}` is a geography: events are located in a region or `global`",
                        name.node
                    ),
                    "name one of its regions; geographies are for route rules",
                );
                None
            }
            None => {
                self.unknown_location(name, false);
                None
            }
        }
    }

    fn unknown_location(&mut self, name: &Name, in_route: bool) {
        let help = suggestion::did_you_mean(&name.node, self.locations.candidates(), || {
            let builtin = if in_route {
                "`global` or `*`"
            } else {
                "`global`"
            };
            format!(
                "declare it with `region NAME \"display name\"` or as a zone or alias of a region, or use {builtin}"
            )
        });
        self.report_unresolved(CheckError::UnknownLocation {
            name: name.node.clone(),
            span: name.span.into(),
            help,
        });
    }

    /// A service's `locate`, `domain` and `locations` lines.
    pub(super) fn service_locations(&mut self, blocks: &[&'a ast::Service], service: &mut Service) {
        let mut overridden: HashMap<String, Span> = HashMap::new();
        let mut domains: HashMap<&str, Span> = HashMap::new();
        let mut tables: HashMap<&str, Span> = HashMap::new();
        for item in blocks.iter().flat_map(|b| &b.items) {
            match item {
                ServiceItem::Locate(locate) => self.locate(locate, &mut overridden, service),
                ServiceItem::Domain(domain) => {
                    self.check_chars("domain", &domain.domain, |c| {
                        c.is_ascii_alphanumeric() || c == '-' || c == '.'
                    });
                    if let Some(first) = domains.get(domain.domain.node.as_str()) {
                        let first = *first;
                        self.duplicate("domain", &domain.domain, first);
                        continue;
                    }
                    domains.insert(&domain.domain.node, domain.domain.span);
                    if self.service_location(&domain.region).is_some() {
                        service.domains.push(Domain {
                            domain: domain.domain.node.clone(),
                            region: domain.region.node.clone(),
                        });
                    }
                }
                ServiceItem::Locations(table) => {
                    self.check_name("location table", &table.name);
                    if let Some(first) = tables.get(table.name.node.as_str()) {
                        let first = *first;
                        self.duplicate("location table", &table.name, first);
                    }
                    tables.insert(&table.name.node, table.name.span);
                    for location in &table.locations {
                        self.service_location(location);
                    }
                    service.location_tables.push(LocationTable {
                        name: table.name.node.clone(),
                        caption: table.caption.node.clone(),
                        locations: table.locations.iter().map(|l| l.node.clone()).collect(),
                    });
                }
                _ => {}
            }
        }
    }

    /// `locate a, b -> c`: each location overridden once, and never to a zone.
    fn locate(
        &mut self,
        locate: &ast::Locate,
        overridden: &mut HashMap<String, Span>,
        service: &mut Service,
    ) {
        let mut to = if locate.to.node == EMPTY {
            self.invalid(
                locate.to.span,
                "`empty` is not a location events can be located in".into(),
                "name `global` or a region: `locate empty -> global` locates events whose CRN has no location",
            );
            None
        } else {
            self.service_location(&locate.to)
        };
        if to
            .as_deref()
            .is_some_and(|t| matches!(self.locations.names.get(t), Some((Located::Zone(_), _))))
        {
            self.report(CheckError::InvalidConstraint {
                message: format!(
                    "`{}` is a zone; events are located in a region or `global`",
                    locate.to.node
                ),
                span: locate.to.span.into(),
                label: "a zone".into(),
                help: "name the zone's region: route rules match a region and its zones".into(),
            });
            to = None;
        }
        for from in &locate.from {
            let resolved = if from.node == EMPTY {
                Some(String::new())
            } else {
                self.service_location(from)
            };
            let Some(resolved) = resolved else {
                continue;
            };
            if let Some(first) = overridden.get(&resolved) {
                let first = *first;
                self.duplicate("location override", from, first);
                continue;
            }
            overridden.insert(resolved.clone(), from.span);
            if let Some(to) = &to {
                self.override_spans.push(locate.span);
                service.overrides.push((resolved, to.clone()));
            }
        }
    }
}
