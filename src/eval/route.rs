//! Account routes: every route whose filters admit the event fires; within a route the first
//! matching rule wins; defaults only when no route matched (docs/domain.md §3.2).

use super::decision::{DropReason, RouteMatch};
use super::location::Place;
use super::trace::Trace;
use crate::catalog::{Action, Catalog, LocationMatch, Route, glob_matches};

/// The rule that fired in each route that admits the event: `(route index, rule index)`.
fn matched_rules<'c>(
    catalog: &'c Catalog,
    action: &'c Action,
    place: &'c Place<'_>,
) -> impl Iterator<Item = (usize, usize)> + 'c {
    catalog
        .routes()
        .iter()
        .enumerate()
        .filter(|(_, route)| admits(route, action))
        .filter_map(|(r, route)| {
            let rule = route
                .rules
                .iter()
                .position(|rule| rule.locations.iter().any(|l| matches(l, place)))?;
            Some((r, rule))
        })
}

/// Where routing sends an event, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Routing {
    /// The targets, each once and sorted by name (so that the order does not depend on the
    /// order of files or declarations), or why the event goes nowhere.
    pub(crate) outcome: Result<Vec<String>, DropReason>,
    /// Each route whose rule matched, in catalog order.
    pub(crate) matches: Vec<RouteMatch>,
    /// Whether no route matched and the default targets were used.
    pub(crate) defaults: bool,
}

/// Routes an event. With `trace`, the rules that matched and whether the defaults applied are
/// recorded.
pub(crate) fn route(
    catalog: &Catalog,
    action: &Action,
    place: &Place<'_>,
    mut trace: Option<&mut Trace>,
) -> Routing {
    let name_of =
        |id: &crate::catalog::TargetId| catalog.targets().get(id.index()).map(|t| t.name.clone());
    let mut targets: Vec<String> = Vec::new();
    let mut matches = Vec::new();
    for (r, index) in matched_rules(catalog, action, place) {
        if let Some(trace) = trace.as_deref_mut() {
            trace.route_rules.push((r, index));
        }
        let Some((route, rule)) = catalog
            .routes()
            .get(r)
            .and_then(|route| Some((route, route.rules.get(index)?)))
        else {
            continue;
        };
        let mut sent: Vec<String> = rule.targets.iter().filter_map(name_of).collect();
        sent.sort_unstable();
        sent.dedup();
        for target in &sent {
            if !targets.contains(target) {
                targets.push(target.clone());
            }
        }
        matches.push(RouteMatch {
            route: route.name.clone(),
            rule: index + 1,
            targets: sent,
        });
    }
    if !matches.is_empty() {
        targets.sort_unstable();
        let outcome = if targets.is_empty() {
            Err(DropReason::DroppedByRoute)
        } else {
            Ok(targets)
        };
        return Routing {
            outcome,
            matches,
            defaults: false,
        };
    }
    let mut defaults: Vec<String> = catalog
        .default_targets()
        .iter()
        .filter_map(name_of)
        .collect();
    defaults.sort_unstable();
    defaults.dedup();
    if defaults.is_empty() {
        return Routing {
            outcome: Err(DropReason::NoMatchingRoute),
            matches,
            defaults: false,
        };
    }
    if let Some(trace) = trace {
        trace.default_targets = true;
    }
    Routing {
        outcome: Ok(defaults),
        matches,
        defaults: true,
    }
}

pub(crate) fn admits(route: &Route, action: &Action) -> bool {
    (route.types.is_empty() || route.types.contains(&action.event_type))
        && (route.actions.is_empty() || route.actions.iter().any(|p| glob_matches(p, &action.name)))
}

fn matches(location: &LocationMatch, place: &Place<'_>) -> bool {
    location.matches(place.location, place.zone)
}
