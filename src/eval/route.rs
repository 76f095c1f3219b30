//! Account routes: every route whose filters admit the event fires; within a route the first
//! matching rule wins; defaults only when no route matched (docs/domain.md §3.2).

use super::decision::DropReason;
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

/// The targets an event goes to, each once and sorted by name (so that the order does not
/// depend on the order of files or declarations), or why it goes nowhere. With `trace`, the
/// rules that matched and whether the defaults applied are recorded.
pub(crate) fn route(
    catalog: &Catalog,
    action: &Action,
    place: &Place<'_>,
    mut trace: Option<&mut Trace>,
) -> Result<Vec<String>, DropReason> {
    let mut targets: Vec<String> = Vec::new();
    let mut matched = false;
    for (r, rule) in matched_rules(catalog, action, place) {
        matched = true;
        if let Some(trace) = trace.as_deref_mut() {
            trace.route_rules.push((r, rule));
        }
        let Some(rule) = catalog
            .routes()
            .get(r)
            .and_then(|route| route.rules.get(rule))
        else {
            continue;
        };
        for id in &rule.targets {
            if let Some(target) = catalog.targets().get(id.index()) {
                if !targets.contains(&target.name) {
                    targets.push(target.name.clone());
                }
            }
        }
    }
    if matched {
        targets.sort_unstable();
        return if targets.is_empty() {
            Err(DropReason::DroppedByRoute)
        } else {
            Ok(targets)
        };
    }
    let mut defaults: Vec<String> = catalog
        .default_targets()
        .iter()
        .filter_map(|id| catalog.targets().get(id.index()))
        .map(|t| t.name.clone())
        .collect();
    defaults.sort_unstable();
    defaults.dedup();
    if defaults.is_empty() {
        Err(DropReason::NoMatchingRoute)
    } else {
        if let Some(trace) = trace {
            trace.default_targets = true;
        }
        Ok(defaults)
    }
}

pub(crate) fn admits(route: &Route, action: &Action) -> bool {
    (route.types.is_empty() || route.types.contains(&action.event_type))
        && (route.actions.is_empty() || route.actions.iter().any(|p| glob_matches(p, &action.name)))
}

fn matches(location: &LocationMatch, place: &Place<'_>) -> bool {
    location.matches(place.location, place.zone)
}
