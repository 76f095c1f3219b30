//! `rulec route`: where an action's events from a location go, without an event.

use std::fmt::Write as _;

use rulec::{Engine, Evaluator, Verdict};

use crate::cli::{EventTypeArg, RouteArgs, RouteFormat, USAGE};
use crate::{load, report};

pub(crate) fn run(args: &RouteArgs) -> u8 {
    let catalog = match load::catalog(&args.catalog.paths(), "no route computed", USAGE) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let engine = Engine::new(catalog);
    let evaluator =
        Evaluator::new(&engine).with_context(EventTypeArg::context(args.types.as_deref()));
    let location = if args.location == "empty" {
        ""
    } else {
        args.location.as_str()
    };
    let asked = args.event_type.map(EventTypeArg::event_type);
    let decision = match evaluator.route_query(&args.action, location, asked) {
        Ok(decision) => decision,
        Err(message) => {
            eprintln!("error: {message}");
            return USAGE;
        }
    };
    if args.format == RouteFormat::Json {
        return report::print(&format!("{}\n", decision.to_json()));
    }
    let mut out = String::new();
    let written = decision.crn_location.as_deref().unwrap_or_default();
    let written = if written.is_empty() {
        "an empty location"
    } else {
        written
    };
    let event_type = decision.event_type.map_or("?", |t| t.as_str());
    let head = format!("{} ({event_type} events) from `{written}`", args.action);
    let _ = match decision.location.as_deref() {
        Some(location) if location != written => writeln!(out, "{head}: located in `{location}`"),
        _ => writeln!(out, "{head}"),
    };
    let catalog = engine.catalog();
    for matched in decision.routes.as_deref().unwrap_or_default() {
        let rule = catalog
            .routes()
            .iter()
            .find(|r| r.name == matched.route)
            .and_then(|r| r.rules.get(matched.rule - 1));
        let text = rule.map(|r| rulec::eval::rule_text(catalog, &r.locations, &r.targets));
        let sends = if matched.targets.is_empty() {
            "drops it".to_owned()
        } else {
            format!("sends it to {}", matched.targets.join(", "))
        };
        let _ = writeln!(
            out,
            "  route `{}` rule {} `{}` {sends}",
            matched.route,
            matched.rule,
            text.unwrap_or_default()
        );
    }
    if decision.default_targets {
        let _ = writeln!(out, "  no route matches: the default targets apply");
    }
    if decision.verdict == Verdict::Route {
        let _ = writeln!(
            out,
            "targets: {}",
            decision.targets.as_deref().unwrap_or_default().join(", ")
        );
    } else {
        let reason = decision.reason.map_or("dropped", |r| r.as_str());
        let _ = writeln!(out, "dropped: {reason}");
        if reason.ends_with("-events-disabled") {
            let _ = writeln!(
                out,
                "  (its service does not collect {event_type} events by default; `--types management,data` asks about an instance that enables them)"
            );
        }
    }
    report::print(&out)
}
