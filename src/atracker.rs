//! Activity Tracker Event Routing's own definitions, in and out: [`import`] turns what its v2 API
//! and `ibmcloud atracker ... --output json` return (routes, targets, settings) into `.rules`
//! text; [`export`] turns a catalog's targets, routes and default targets into the v2 API's
//! request bodies, and refuses what the service cannot express.
//!
//! ```
//! let routes = r#"{"name": "audit", "rules": [{"locations": ["global"], "target_ids": ["t1"]}]}"#;
//! let targets = r#"[{"id": "t1", "name": "Global logs", "target_type": "cloud_logs"}]"#;
//! let text = rulec::atracker::import(&rulec::atracker::Import {
//!     routes: ("routes.json", routes),
//!     targets: Some(("targets.json", targets)),
//!     settings: None,
//! })?;
//! assert!(text.contains("target Global-logs cloud_logs id \"t1\""));
//! assert!(text.contains("global -> Global-logs"));
//! # Ok::<(), rulec::atracker::ImportError>(())
//! ```

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::catalog::{Catalog, TargetKind};
use crate::codes::export;
use crate::limits::event_routing;

/// What [`import`] reads: each input's file name (for messages) and text.
#[derive(Debug, Clone, Copy)]
pub struct Import<'a> {
    /// Routes: one route object, `{"routes": [...]}`, an array of route objects, or the CLI's
    /// `--rules` array of one route's rules (named after its file).
    pub routes: (&'a str, &'a str),
    /// Targets: `{"targets": [...]}` or an array of target objects (`id`, `name`,
    /// `target_type`).
    pub targets: Option<(&'a str, &'a str)>,
    /// Settings: an object with `default_targets`.
    pub settings: Option<(&'a str, &'a str)>,
}

/// Why an import failed: which file, where in it, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ImportError {
    /// The file's name.
    pub file: String,
    /// What is wrong, with where (a line and column, or a JSON pointer).
    pub message: String,
}

fn error(file: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        file: file.to_owned(),
        message: message.into(),
    }
}

/// A rule as the service defines it: its locations and target ids.
type RuleDef = (Vec<String>, Vec<String>);

/// A route as the service defines it.
struct RouteDef {
    name: String,
    id: Option<String>,
    rules: Vec<RuleDef>,
}

/// The `.rules` text for the routes, targets and settings of an Activity Tracker Event Routing
/// account, in `rulec fmt`'s layout. Targets keep their ids (`id "..."`); names are made valid
/// (each run of characters outside `A-Za-z0-9_` becomes one `-`, and a repeated name gets a
/// number).
///
/// # Errors
///
/// An input that is not JSON (with its line and column), not of a shape the service returns
/// (with the JSON pointer of what is wrong), or a route rule that names a target no targets
/// file lists.
pub fn import(input: &Import<'_>) -> Result<String, ImportError> {
    let (routes_file, routes_text) = input.routes;
    let routes = routes(routes_file, &parse(routes_file, routes_text)?)?;
    let mut targets: Vec<(String, String, TargetKind)> = Vec::new();
    if let Some((file, text)) = input.targets {
        targets = target_defs(file, &parse(file, text)?)?;
    }
    let mut defaults: Vec<String> = Vec::new();
    if let Some((file, text)) = input.settings {
        let settings = parse(file, text)?;
        defaults = strings(file, settings.get("default_targets"), "/default_targets")?;
    }
    let mut names: HashMap<String, String> = HashMap::new();
    let mut taken: Vec<String> = Vec::new();
    let mut out = format!(
        "// Imported by `rulec import atracker` from {routes_file}{}{}.\n\n",
        input
            .targets
            .map(|(f, _)| format!(", {f}"))
            .unwrap_or_default(),
        input
            .settings
            .map(|(f, _)| format!(", {f}"))
            .unwrap_or_default()
    );
    for (id, name, kind) in &targets {
        let name = unique(&valid_name(name), &mut taken);
        names.insert(id.clone(), name.clone());
        let kind = TargetKind::ALL
            .iter()
            .find(|(_, k)| k == kind)
            .map_or("cloud_logs", |(n, _)| n);
        let _ = writeln!(out, "target {name} {kind} id {}", quote(id));
    }
    let target_name = |file: &str, id: &str| {
        names.get(id).cloned().ok_or_else(|| {
            let known = match input.targets {
                Some((targets, _)) => format!("is not in {targets}"),
                None => "needs a name and a type".to_owned(),
            };
            error(
                file,
                format!(
                    "target id `{id}` {known}: give `--targets FILE` with the output of `ibmcloud atracker target ls --output json`"
                ),
            )
        })
    };
    let mut route_names: Vec<String> = Vec::new();
    for route in &routes {
        let name = unique_route(&route_name(&route.name), &mut route_names);
        out.push('\n');
        if let Some(id) = &route.id {
            let _ = writeln!(out, "// Route id {id}.");
        }
        if name != route.name {
            let _ = writeln!(
                out,
                "// Named {:?} in Activity Tracker Event Routing; export writes `{name}`.",
                route.name
            );
        }
        let _ = writeln!(out, "route {name} {{");
        for (locations, target_ids) in &route.rules {
            let sent: Vec<String> = target_ids
                .iter()
                .map(|id| target_name(routes_file, id))
                .collect::<Result<_, _>>()?;
            let sent = if sent.is_empty() {
                "drop".to_owned()
            } else {
                sent.join(", ")
            };
            let _ = writeln!(out, "  {} -> {sent}", locations.join(", "));
        }
        out.push_str("}\n");
    }
    if !defaults.is_empty() {
        let file = input.settings.map_or(routes_file, |(f, _)| f);
        let default_names: Vec<String> = defaults
            .iter()
            .map(|id| target_name(file, id))
            .collect::<Result<_, _>>()?;
        let _ = write!(out, "\ndefault targets {}\n", default_names.join(", "));
    }
    crate::format::format(&out).map_err(|e| {
        error(
            routes_file,
            format!("the imported routes do not make valid rules ({e}); a location name in them is not one rulec can write"),
        )
    })
}

fn parse(file: &str, text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| {
        error(
            file,
            format!(
                "not JSON: {e}; give the service's JSON output (`--output json`), not a documentation snippet with comments or placeholders"
            ),
        )
    })
}

/// The routes of a document, whatever of the service's shapes it has.
fn routes(file: &str, document: &Value) -> Result<Vec<RouteDef>, ImportError> {
    let stem = std::path::Path::new(file).file_stem().map_or_else(
        || "imported".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    match document {
        Value::Object(object) if object.contains_key("rules") => {
            Ok(vec![route_def(file, object, "")?])
        }
        Value::Object(object) => match object.get("routes") {
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, route)| match route {
                    Value::Object(route) => route_def(file, route, &format!("/routes/{i}")),
                    _ => Err(error(file, format!("/routes/{i} is not a route object"))),
                })
                .collect(),
            _ => Err(error(
                file,
                "not a route: expected a route object (with `name` and `rules`), `{\"routes\": [...]}`, or a rules array",
            )),
        },
        Value::Array(list) if list.iter().all(|v| v.get("rules").is_some()) => list
            .iter()
            .enumerate()
            .map(|(i, route)| match route {
                Value::Object(route) => route_def(file, route, &format!("/{i}")),
                _ => Err(error(file, format!("/{i} is not a route object"))),
            })
            .collect(),
        Value::Array(rules) => Ok(vec![RouteDef {
            name: stem,
            id: None,
            rules: rule_defs(file, rules, "")?,
        }]),
        _ => Err(error(
            file,
            "not a route: expected a route object, `{\"routes\": [...]}`, or a rules array",
        )),
    }
}

fn route_def(file: &str, route: &Map<String, Value>, at: &str) -> Result<RouteDef, ImportError> {
    let name = route
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| error(file, format!("{at}/name: a route has a name (a string)")))?;
    let rules = match route.get("rules") {
        Some(Value::Array(rules)) => rule_defs(file, rules, &format!("{at}/rules"))?,
        _ => {
            return Err(error(
                file,
                format!("{at}/rules: a route has an array of rules"),
            ));
        }
    };
    Ok(RouteDef {
        name: name.to_owned(),
        id: route.get("id").and_then(Value::as_str).map(str::to_owned),
        rules,
    })
}

/// Rules: `locations` (or the documented singular `location`) and `target_ids`.
fn rule_defs(file: &str, rules: &[Value], at: &str) -> Result<Vec<RuleDef>, ImportError> {
    rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let at = format!("{at}/{i}");
            let (key, locations) = match (rule.get("locations"), rule.get("location")) {
                (Some(l), _) => ("locations", l),
                (None, Some(l)) => ("location", l),
                (None, None) => {
                    return Err(error(file, format!("{at}: a rule has `locations`")));
                }
            };
            let locations = strings(file, Some(locations), &format!("{at}/{key}"))?;
            if locations.is_empty() {
                return Err(error(
                    file,
                    format!("{at}/{key}: a rule names at least one location"),
                ));
            }
            let targets = strings(file, rule.get("target_ids"), &format!("{at}/target_ids"))?;
            Ok((locations, targets))
        })
        .collect()
}

/// An array of strings (absent: none).
fn strings(file: &str, value: Option<&Value>, at: &str) -> Result<Vec<String>, ImportError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| error(file, format!("{at}/{i}: expected a string")))
            })
            .collect(),
        Some(_) => Err(error(file, format!("{at}: expected an array of strings"))),
    }
}

fn target_defs(
    file: &str,
    document: &Value,
) -> Result<Vec<(String, String, TargetKind)>, ImportError> {
    let (list, at) = match document {
        Value::Array(list) => (list, String::new()),
        Value::Object(object) => match object.get("targets") {
            Some(Value::Array(list)) => (list, "/targets".to_owned()),
            _ if object.contains_key("target_type") => {
                return target_defs(file, &Value::Array(vec![document.clone()]));
            }
            _ => {
                return Err(error(
                    file,
                    "not targets: expected `{\"targets\": [...]}` or an array of targets",
                ));
            }
        },
        _ => {
            return Err(error(
                file,
                "not targets: expected `{\"targets\": [...]}` or an array of targets",
            ));
        }
    };
    list.iter()
        .enumerate()
        .map(|(i, target)| {
            let field = |key: &str| {
                target.get(key).and_then(Value::as_str).ok_or_else(|| {
                    error(file, format!("{at}/{i}/{key}: a target has a `{key}` string"))
                })
            };
            let (id, name, kind) = (field("id")?, field("name")?, field("target_type")?);
            let kind = TargetKind::ALL
                .iter()
                .find(|(n, _)| *n == kind)
                .map(|(_, k)| *k)
                .ok_or_else(|| {
                    error(
                        file,
                        format!(
                            "{at}/{i}/target_type: `{kind}` is not a target type Activity Tracker Event Routing supports (`cloud_object_storage`, `event_streams`, `cloud_logs`, `app_config`)"
                        ),
                    )
                })?;
            Ok((id.to_owned(), name.to_owned(), kind))
        })
        .collect()
}

/// A name rulec accepts: each run of other characters becomes one `-`, none at either end.
fn valid_name(name: &str) -> String {
    let mut valid = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            valid.push(c);
        } else if !valid.is_empty() && !valid.ends_with('-') {
            valid.push('-');
        }
    }
    let valid = valid.trim_end_matches('-');
    if valid.is_empty() {
        "imported".to_owned()
    } else {
        valid.to_owned()
    }
}

/// A route name both the rules and the service accept: letters and digits only (the service
/// refuses `-`, `.`, `_` and `:`), each word after the first capitalised (`europe and japan`
/// is `europeAndJapan`), at most the service's length.
fn route_name(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let (false, Some(first)) = (out.is_empty(), chars.next()) {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        } else {
            out.push_str(word);
        }
    }
    if out.is_empty() {
        return "imported".to_owned();
    }
    out.chars().take(event_routing::ROUTE_NAME - 4).collect()
}

/// `name`, or `name2`, `name3`... when it is taken: route names have no `-`.
fn unique_route(name: &str, taken: &mut Vec<String>) -> String {
    let mut candidate = name.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// `name`, or `name-2`, `name-3`... when it is taken.
fn unique(name: &str, taken: &mut Vec<String>) -> String {
    let mut candidate = name.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}-{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// What Activity Tracker Event Routing cannot express, found by [`export`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportProblem {
    /// Its code, e.g. `export::route_filter`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// What the service's limits refuse: too many routes, rules, locations or targets, or a route
/// name it does not take. `rulec check` warns about the same (`rules::limit_exceeded`);
/// an export refuses them, since the service would.
fn limits(catalog: &Catalog, problems: &mut Vec<ExportProblem>) {
    let mut refuse = |message: String, help: &str| {
        problems.push(ExportProblem {
            code: export::LIMIT_EXCEEDED,
            message,
            help: help.to_owned(),
        });
    };
    let routes = catalog.routes();
    if routes.len() > event_routing::ROUTES {
        refuse(
            format!(
                "{} routes, and an account has at most {}",
                routes.len(),
                event_routing::ROUTES
            ),
            "merge routes, or split the catalog into one per account",
        );
    }
    for route in routes {
        let name = &route.name;
        if name.chars().count() > event_routing::ROUTE_NAME || name.contains(['-', '.', '_', ':']) {
            refuse(
                format!(
                    "route `{name}`: a route name has at most {} characters and no `-`, `.`, `_` or `:`",
                    event_routing::ROUTE_NAME
                ),
                "rename the route in camelCase or as one word",
            );
        }
        if route.rules.len() > event_routing::RULES_PER_ROUTE {
            refuse(
                format!(
                    "route `{name}` has {} rules, and a route has at most {}",
                    route.rules.len(),
                    event_routing::RULES_PER_ROUTE
                ),
                "split the route in two",
            );
        }
        for (i, rule) in route.rules.iter().enumerate() {
            if rule.locations.len() > event_routing::LOCATIONS_PER_RULE {
                refuse(
                    format!(
                        "rule {} of route `{name}` has {} locations, and a rule has at most {}",
                        i + 1,
                        rule.locations.len(),
                        event_routing::LOCATIONS_PER_RULE
                    ),
                    "split the rule, or name a geography or `*` instead of its regions",
                );
            }
            if rule.targets.len() > event_routing::TARGETS_PER_RULE {
                refuse(
                    format!(
                        "rule {} of route `{name}` sends to {} targets, and a rule sends to at most {}",
                        i + 1,
                        rule.targets.len(),
                        event_routing::TARGETS_PER_RULE
                    ),
                    "send to fewer targets, or add a second route with a rule for the same locations",
                );
            }
        }
    }
    if catalog.targets().len() > event_routing::TARGETS {
        refuse(
            format!(
                "{} targets, and an account has at most {}",
                catalog.targets().len(),
                event_routing::TARGETS
            ),
            "remove the targets no route uses, or split the catalog into one per account",
        );
    }
    if catalog.default_targets().len() > event_routing::DEFAULT_TARGETS {
        refuse(
            format!(
                "{} default targets, and an account has at most {}",
                catalog.default_targets().len(),
                event_routing::DEFAULT_TARGETS
            ),
            "keep at most two default targets",
        );
    }
}

/// The v2 API request bodies for a catalog's targets, routes and settings:
/// `{"targets": [...], "routes": [...], "settings": {"default_targets": [...]}}`. Route rules
/// name targets by id, so every target a route or the defaults use needs its `id "..."`.
///
/// # Errors
///
/// Every route the service cannot express (a `types` or `actions` filter: its rules match
/// locations only) and every target used without an id.
pub fn export(catalog: &Catalog) -> Result<Value, Vec<ExportProblem>> {
    let mut problems = Vec::new();
    let mut missing: BTreeSet<String> = BTreeSet::new();
    let id_of = |index: usize, missing: &mut BTreeSet<String>| {
        let target = catalog.targets().get(index)?;
        if let Some(id) = &target.id {
            return Some(id.clone());
        }
        missing.insert(target.name.clone());
        None
    };
    let mut routes = Vec::new();
    for route in catalog.routes() {
        if !route.types.is_empty() || !route.actions.is_empty() {
            let mut filters = Vec::new();
            if !route.types.is_empty() {
                let types: Vec<&str> = route.types.iter().map(|t| t.as_str()).collect();
                filters.push(format!("types ({})", types.join(", ")));
            }
            if !route.actions.is_empty() {
                filters.push(format!("actions ({})", route.actions.join(", ")));
            }
            problems.push(ExportProblem {
                code: export::ROUTE_FILTER,
                message: format!(
                    "route `{}` filters by {}, which Activity Tracker Event Routing cannot express: its rules match locations only",
                    route.name,
                    filters.join(" and ")
                ),
                help: "remove the filter to export the route (every event of its locations then goes to its targets), or keep the route in rulec only".into(),
            });
            continue;
        }
        let rules: Vec<Value> = route
            .rules
            .iter()
            .map(|rule| {
                let locations: Vec<String> =
                    rule.locations.iter().map(ToString::to_string).collect();
                let ids: Vec<String> = rule
                    .targets
                    .iter()
                    .filter_map(|t| id_of(t.index(), &mut missing))
                    .collect();
                json!({"locations": locations, "target_ids": ids})
            })
            .collect();
        routes.push(json!({"name": route.name, "rules": rules}));
    }
    let defaults: Vec<String> = catalog
        .default_targets()
        .iter()
        .filter_map(|t| id_of(t.index(), &mut missing))
        .collect();
    for name in &missing {
        problems.push(ExportProblem {
            code: export::TARGET_ID,
            message: format!("target `{name}` has no id, and route rules name targets by id"),
            help: format!(
                "write its id, `target {name} ... id \"...\"`, as `ibmcloud atracker target ls --output json` lists it"
            ),
        });
    }
    limits(catalog, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let targets: Vec<Value> = catalog
        .targets()
        .iter()
        .map(|t| {
            let kind = TargetKind::ALL
                .iter()
                .find(|(_, k)| *k == t.kind)
                .map_or("cloud_logs", |(n, _)| n);
            json!({"id": t.id, "name": t.name, "target_type": kind})
        })
        .collect();
    Ok(json!({
        "targets": targets,
        "routes": routes,
        "settings": {"default_targets": defaults},
    }))
}
