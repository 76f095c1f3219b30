//! `rulec route`: where an action's events from a location go, without an event.

use rulec::{Engine, Evaluator, Verdict};

use crate::cli::{EventTypeArg, OK, RouteArgs, RouteFormat, USAGE};
use crate::load;

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
        println!("{}", decision.to_json());
        return OK;
    }
    let written = decision.crn_location.as_deref().unwrap_or_default();
    let written = if written.is_empty() {
        "an empty location"
    } else {
        written
    };
    let event_type = decision.event_type.map_or("?", |t| t.as_str());
    let head = format!("{} ({event_type} events) from `{written}`", args.action);
    match decision.location.as_deref() {
        Some(location) if location != written => println!("{head}: located in `{location}`"),
        _ => println!("{head}"),
    }
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
        println!(
            "  route `{}` rule {} `{}` {sends}",
            matched.route,
            matched.rule,
            text.unwrap_or_default()
        );
    }
    if decision.default_targets {
        println!("  no route matches: the default targets apply");
    }
    if decision.verdict == Verdict::Route {
        println!(
            "targets: {}",
            decision.targets.as_deref().unwrap_or_default().join(", ")
        );
    } else {
        let reason = decision.reason.map_or("dropped", |r| r.as_str());
        println!("dropped: {reason}");
        if reason.ends_with("-events-disabled") {
            println!(
                "  (its service does not collect {event_type} events by default; `--types management,data` asks about an instance that enables them)"
            );
        }
    }
    OK
}
