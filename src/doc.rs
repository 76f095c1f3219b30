//! Markdown documentation of a catalog: one page per service, with the tables of the service's
//! own event documentation (actions by group, locations, custom event fields), and an index.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::catalog::{Action, BaseType, Catalog, EventType, FieldRule, Level, Service};
use crate::vocab::GLOBAL;

/// One generated page: a file name and its Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// File name, e.g. `container-registry.md`.
    pub name: String,
    /// The Markdown text.
    pub text: String,
}

/// The pages of a catalog: `index.md`, then one per service.
#[must_use]
pub fn pages(catalog: &Catalog) -> Vec<Page> {
    let mut pages = vec![Page {
        name: "index.md".into(),
        text: index(catalog),
    }];
    for service in catalog.services() {
        pages.push(Page {
            name: format!("{}.md", service.name),
            text: service_page(catalog, service),
        });
    }
    pages
}

/// Escapes a table cell: `|` and line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

fn type_name(ty: BaseType) -> &'static str {
    match ty {
        BaseType::String => "String",
        BaseType::Bool => "Boolean",
        BaseType::Integer => "Integer",
        BaseType::Number => "Number",
        BaseType::Object => "Object",
        BaseType::Array => "Array",
        BaseType::Timestamp => "Timestamp",
        BaseType::Crn => "CRN",
    }
}

/// `Tokyo (jp-tok)`, `Global`, or the name itself when the catalog has no display name.
fn display_location(catalog: &Catalog, name: &str) -> String {
    if name == GLOBAL {
        return "Global".into();
    }
    if name.is_empty() {
        return "No location (an empty CRN location segment)".into();
    }
    catalog
        .regions()
        .iter()
        .find(|r| {
            r.name == name
                || r.aliases.iter().any(|a| a == name)
                || r.zones.iter().any(|z| z == name)
        })
        .map_or_else(
            || name.to_owned(),
            |r| format!("{} ({})", r.display_name, r.name),
        )
}

/// The region a location name resolves to, then the service's override.
fn located(catalog: &Catalog, service: &Service, name: &str) -> String {
    let region = catalog
        .regions()
        .iter()
        .find(|r| r.name == name || r.aliases.iter().any(|a| a == name))
        .map_or(name, |r| r.name.as_str());
    service
        .overrides
        .iter()
        .find(|(from, _)| from == region)
        .map_or(region, |(_, to)| to.as_str())
        .to_owned()
}

/// A service's `locate` overrides, for a service without registry domains (whose table shows
/// them): where events from each location are located instead.
fn overrides(out: &mut String, catalog: &Catalog, service: &Service) {
    if service.overrides.is_empty() {
        return;
    }
    out.push_str("\n## Location of Activity Tracker events\n");
    out.push_str("\n| Events from | Are located in |\n|---|---|\n");
    for (from, to) in &service.overrides {
        let _ = writeln!(
            out,
            "| {} | {} |",
            cell(&display_location(catalog, from)),
            cell(&display_location(catalog, to))
        );
    }
    out.push_str("\nEvents from any other location are located where they are sent from.\n");
}

fn index(catalog: &Catalog) -> String {
    let mut out = String::from(
        "# Audit event catalog\n\n| Service | CRN service name | Actions |\n|---|---|---|\n",
    );
    for (i, service) in catalog.services().iter().enumerate() {
        let count = catalog
            .actions()
            .iter()
            .filter(|a| a.service.index() == i)
            .count();
        let _ = writeln!(
            out,
            "| [{}]({}.md) | `{}` | {count} |",
            cell(&service.display_name),
            service.name,
            service.name
        );
    }
    if !catalog.envelope().is_empty() {
        out.push_str("\n## Fields of every event\n\n");
        fields_table(&mut out, catalog.envelope());
    }
    if !catalog.regions().is_empty() {
        out.push_str(
            "\n## Locations\n\n| Region | Name | Zones | Former names |\n|---|---|---|---|\n",
        );
        for region in catalog.regions() {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                region.name,
                cell(&region.display_name),
                region.zones.join(", "),
                region.aliases.join(", ")
            );
        }
    }
    if !catalog.geographies().is_empty() {
        out.push_str("\n## Geographies\n\nA route rule that names a geography matches each of its regions.\n\n| Geography | Name | Regions |\n|---|---|---|\n");
        for geography in catalog.geographies() {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                geography.name,
                cell(&geography.display_name),
                geography.regions.join(", ")
            );
        }
    }
    routes(&mut out, catalog);
    out
}

fn routes(out: &mut String, catalog: &Catalog) {
    if catalog.routes().is_empty() && catalog.default_targets().is_empty() {
        return;
    }
    let target = |id: &crate::catalog::TargetId| {
        catalog
            .targets()
            .get(id.index())
            .map_or("?", |t| t.name.as_str())
    };
    out.push_str("\n## Routes\n\nEvery route whose filters admit an event fires; within a route the first matching rule wins.\n");
    for route in catalog.routes() {
        let _ = write!(out, "\n### `{}`\n\n", route.name);
        if !route.types.is_empty() {
            let types: Vec<&str> = route.types.iter().map(|t| t.as_str()).collect();
            let _ = writeln!(out, "Event types: {}.\n", types.join(", "));
        }
        if !route.actions.is_empty() {
            let _ = writeln!(out, "Actions: `{}`.\n", route.actions.join("`, `"));
        }
        out.push_str("| Locations | Targets |\n|---|---|\n");
        for rule in &route.rules {
            let locations: Vec<String> = rule.locations.iter().map(|l| format!("`{l}`")).collect();
            let targets: Vec<&str> = rule.targets.iter().map(target).collect();
            let targets = if targets.is_empty() {
                "drop".to_owned()
            } else {
                targets.join(", ")
            };
            let _ = writeln!(out, "| {} | {targets} |", locations.join(", "));
        }
    }
    if !catalog.default_targets().is_empty() {
        let defaults: Vec<&str> = catalog.default_targets().iter().map(target).collect();
        let _ = writeln!(
            out,
            "\nDefault targets (when no route matched): {}.",
            defaults.join(", ")
        );
    }
}

fn service_page(catalog: &Catalog, service: &Service) -> String {
    let mut out = format!("# {} (`{}`)\n\n", service.display_name, service.name);
    let types = |list: &[EventType]| {
        list.iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let _ = write!(
        out,
        "Event types collected by default: {}.",
        types(&service.collect)
    );
    if !service.require.is_empty() {
        let _ = write!(out, " Always collected: {}.", types(&service.require));
    }
    out.push('\n');
    location_tables(&mut out, catalog, service);
    domains(&mut out, catalog, service);
    if let Some(own) = &service.envelope {
        let changed: Vec<FieldRule> = own
            .iter()
            .zip(catalog.envelope())
            .filter(|(own, global)| own != global)
            .map(|(own, _)| own.clone())
            .collect();
        if !changed.is_empty() {
            out.push_str(
                "
## Envelope fields declared again for this service

",
            );
            fields_table(&mut out, &changed);
        }
    }
    let actions: Vec<&Action> = catalog
        .actions()
        .iter()
        .filter(|a| {
            catalog
                .service(a.service)
                .is_some_and(|s| s.name == service.name)
        })
        .collect();
    action_tables(&mut out, service, &actions);
    custom_fields(&mut out, catalog, &actions);
    conditionals(&mut out, catalog, &actions);
    out
}

fn conditionals(out: &mut String, catalog: &Catalog, actions: &[&Action]) {
    let mut used: Vec<u32> = actions
        .iter()
        .flat_map(|a| a.conditionals.iter().copied())
        .collect();
    used.sort_unstable();
    used.dedup();

    for index in used {
        let Some(conditional) = catalog.conditionals().get(index as usize) else {
            continue;
        };
        let applies: Vec<&str> = actions
            .iter()
            .filter(|a| a.conditionals.contains(&index))
            .map(|a| &*a.name)
            .collect();
        let scope = if applies.len() == actions.len() {
            "every action of the service".to_owned()
        } else {
            format!("`{}`", applies.join("`, `"))
        };
        let _ = write!(
            out,
            "
## When {}

For {scope}:

",
            cell(&conditional.condition)
        );
        fields_table(out, &conditional.fields);
    }
}

fn location_tables(out: &mut String, catalog: &Catalog, service: &Service) {
    if service.location_tables.is_empty() {
        return;
    }
    out.push_str("\n## Locations of service events\n");
    for table in &service.location_tables {
        let _ = write!(
            out,
            "\n| Locations | Service events available |\n|---|---|\n"
        );
        for location in &table.locations {
            let _ = writeln!(
                out,
                "| {} | Yes |",
                cell(&display_location(catalog, location))
            );
        }
        let _ = writeln!(out, "\n*{}*", cell(&table.caption));
    }
}

fn domains(out: &mut String, catalog: &Catalog, service: &Service) {
    if service.domains.is_empty() {
        overrides(out, catalog, service);
        return;
    }
    let (global, regional): (Vec<_>, Vec<_>) =
        service.domains.iter().partition(|d| d.region == GLOBAL);
    out.push_str("\n## Location of Activity Tracker events\n");
    if !regional.is_empty() {
        out.push_str("\n| Region for your account's registry | Domain name of your registry | Location of Activity Tracker events |\n|---|---|---|\n");
        for domain in regional {
            let location = display_location(catalog, &located(catalog, service, &domain.region));
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                domain.region,
                domain.domain,
                cell(&location)
            );
        }
    }
    if !global.is_empty() {
        out.push_str("\n| Registry | Global registry | Location of Activity Tracker events |\n|---|---|---|\n");
        for domain in global {
            let location = display_location(catalog, &located(catalog, service, GLOBAL));
            let _ = writeln!(out, "| Global | {} | {} |", domain.domain, cell(&location));
        }
    }
}

fn action_tables(out: &mut String, service: &Service, actions: &[&Action]) {
    out.push_str("\n## Actions\n");
    let mut groups: Vec<(Option<u32>, Vec<&Action>)> = Vec::new();
    for action in actions {
        match groups.iter_mut().find(|(g, _)| *g == action.group) {
            Some((_, list)) => list.push(action),
            None => groups.push((action.group, vec![action])),
        }
    }
    groups.sort_by_key(|(g, _)| g.map_or(u32::MAX, |g| g));
    for (group, mut list) in groups {
        list.sort_by_key(|a| a.position);
        let caption = group
            .and_then(|g| service.groups.get(g as usize))
            .map_or("Other actions", |g| g.caption.as_str());
        let _ = write!(
            out,
            "\n### {}\n\n| Action | Description | Data Event |\n|---|---|---|\n",
            cell(caption)
        );
        for action in list {
            let data = if action.event_type == EventType::Data {
                "True"
            } else {
                "False"
            };
            let _ = writeln!(
                out,
                "| {} | {} | {data} |",
                action.name,
                cell(&action.description)
            );
        }
    }
}

fn custom_fields(out: &mut String, catalog: &Catalog, actions: &[&Action]) {
    let mut tables: BTreeMap<String, (Vec<&str>, &[FieldRule])> = BTreeMap::new();
    for action in actions {
        let fields = catalog.fields(action);
        if fields.is_empty() {
            continue;
        }
        let key = serde_json::to_string(fields).unwrap_or_default();
        tables
            .entry(key)
            .or_insert((Vec::new(), fields))
            .0
            .push(&action.name);
    }
    if tables.is_empty() {
        return;
    }
    out.push_str("\n## Custom event fields\n");
    let mut tables: Vec<_> = tables.into_values().collect();
    tables.sort_by(|a, b| a.0.cmp(&b.0));
    for (names, fields) in tables {
        let _ = write!(out, "\nFields of `{}`:\n\n", names.join("`, `"));
        fields_table(out, fields);
    }
}

fn fields_table(out: &mut String, fields: &[FieldRule]) {
    out.push_str("| Custom Event Fields | Type | Description |\n|---|---|---|\n");
    for field in fields {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            field.path,
            type_name(field.ty),
            cell(&describe(field))
        );
    }
}

/// The field's description, then its constraints in words, in the order of the service
/// documentation: the pattern sentence right after the description.
fn describe(field: &FieldRule) -> String {
    let mut text = field.description.clone().unwrap_or_default();
    let mut add = |sentence: String| {
        if !text.is_empty() {
            if !text.ends_with(['.', '!', '?', ':', '。']) {
                text.push('.');
            }
            text.push(' ');
        }
        text.push_str(&sentence);
    };
    for pattern in &field.patterns {
        let level = if pattern.level() == Level::Error {
            String::new()
        } else {
            format!(" (otherwise a {})", pattern.level())
        };
        add(format!(
            "The following constraint applies: The value must match the regular expression `{}`{level}.",
            pattern.source()
        ));
    }
    if !field.values.is_empty() {
        let values: Vec<String> = field
            .values
            .iter()
            .map(|v| {
                if v.level == Level::Allow {
                    format!("`{}`", v.value)
                } else {
                    format!("`{}` ({})", v.value, v.level)
                }
            })
            .collect();
        add(format!("Allowed values: {}.", values.join(", ")));
    }
    if field.quoted != Level::Error {
        add(format!(
            "A value written as a JSON string is accepted ({}).",
            field.quoted
        ));
    }
    if field.invalid != Level::Error {
        add(format!(
            "A value of another type, or outside the allowed values, is accepted ({}).",
            field.invalid
        ));
    }
    if field.is_optional() {
        add("Optional.".into());
    } else if field.missing == Level::Warning {
        add("Expected; a missing value is a warning.".into());
    }
    text
}
