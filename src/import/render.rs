//! The model as `.rules` text, each block under a comment that cites where the page says it.

use std::fmt::Write as _;

use super::Omission;
use super::model::{Cite, Field, Model};
use crate::format::{quote, regex};
use crate::vocab::EventType;

fn cite(cite: &Cite) -> String {
    match &cite.section {
        Some(section) => format!("\"{}\", line {}", one_line(section), cite.line),
        None => format!("line {}", cite.line),
    }
}

/// A text on one comment line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn types(list: &[EventType]) -> String {
    list.iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `.rules` text of the model.
pub(super) fn rules(model: &Model, page_name: &str, omitted: &[Omission]) -> String {
    let mut out = String::new();
    let display = model
        .display_name
        .clone()
        .unwrap_or_else(|| model.service.clone());
    let _ = writeln!(
        out,
        "// {display} audit events: the catalog of the `{}` service, imported by `rulec import docs`",
        model.service
    );
    match &model.title {
        Some(title) => {
            let _ = writeln!(out, "// from {page_name} (\"{}\").", one_line(title));
        }
        None => {
            let _ = writeln!(out, "// from {page_name}.");
        }
    }
    if model.display_name.is_none() {
        out.push_str(
            "// The page does not give the service's display name: the CRN name stands for it.\n",
        );
    }
    if !omitted.is_empty() {
        out.push_str(
            "// What the page says that is not imported is listed at the end of the service.\n",
        );
    }
    let _ = writeln!(out, "\nservice {} {} {{", model.service, quote(&display));
    policies(&mut out, model);
    for group in &model.groups {
        let _ = writeln!(out, "\n  // {}", cite(&group.cite));
        let indent = if let Some(name) = &group.name {
            let ty = group
                .event_type
                .map(|t| format!(" {}", t.as_str()))
                .unwrap_or_default();
            let _ = writeln!(out, "  group {name} {}{ty} {{", quote(&group.caption));
            "    "
        } else {
            "  "
        };
        for action in &group.actions {
            let keyword = match (action.event_type, group.name.is_some()) {
                (Some(t), _) => t.as_str(),
                (None, true) => "action",
                (None, false) => group.event_type.map_or("action", EventType::as_str),
            };
            let _ = writeln!(
                out,
                "{indent}{keyword} {} {}",
                action.name,
                quote(&action.description)
            );
        }
        if group.name.is_some() {
            out.push_str("  }\n");
        }
    }
    for block in &model.fields {
        let _ = writeln!(out, "\n  // {}", cite(&block.cite));
        if let Some(caption) = &block.caption {
            let _ = writeln!(out, "  // {}", quote(caption));
        }
        match &block.condition {
            Some(condition) => {
                let _ = writeln!(out, "  when {condition} {{");
            }
            None => {
                let _ = writeln!(out, "  fields {} {{", block.actions.join(", "));
            }
        }
        for field in &block.lines {
            let _ = writeln!(out, "    {}", field_line(field));
        }
        out.push_str("  }\n");
    }
    locations(&mut out, model);
    if !omitted.is_empty() {
        out.push('\n');
        for omission in omitted {
            let _ = writeln!(
                out,
                "  // not imported: {} (line {})",
                one_line(&omission.what),
                omission.line
            );
        }
    }
    out.push_str("}\n");
    out
}

fn policies(out: &mut String, model: &Model) {
    match &model.collect {
        Some(policy) => {
            if let Some(cite_of) = &policy.cite {
                let _ = writeln!(out, "  // {}", cite(cite_of));
            }
            if let Some(quote) = &policy.quote {
                let _ = writeln!(out, "  // \"{}\"", one_line(quote));
            }
            let _ = writeln!(out, "  collect {}", types(&policy.types));
        }
        None => out.push_str(
            "  // The page does not say which event types are collected by default: both are.\n  collect management, data\n",
        ),
    }
    if let Some(policy) = &model.require {
        if let Some(cite_of) = &policy.cite {
            let _ = writeln!(out, "  // {}", cite(cite_of));
        }
        let _ = writeln!(out, "  require {}", types(&policy.types));
    }
}

fn locations(out: &mut String, model: &Model) {
    for table in &model.locations {
        let _ = writeln!(out, "\n  // {}", cite(&table.cite));
        let _ = writeln!(
            out,
            "  locations {} {} {{ {} }}",
            table.name,
            quote(&table.caption),
            table.members.join(", ")
        );
    }
    if let Some(first) = model.domains.first() {
        let _ = writeln!(out, "\n  // {}", cite(&first.cite));
    }
    for domain in &model.domains {
        let _ = writeln!(
            out,
            "  domain {} -> {}  // {}",
            domain.domain,
            domain.region,
            one_line(&domain.located)
        );
    }
    for moved in &model.overrides {
        let _ = writeln!(
            out,
            "\n  // {}: {}",
            cite(&moved.cite),
            one_line(&moved.why)
        );
        let from = if moved.from.is_empty() {
            "empty"
        } else {
            &moved.from
        };
        let _ = writeln!(out, "  locate {from} -> {}", moved.to);
    }
}

fn field_line(field: &Field) -> String {
    let mut line = format!("{}{}: ", field.path, if field.optional { "?" } else { "" });
    if field.values.is_empty() {
        line.push_str(field.ty);
    } else {
        let members: Vec<String> = field
            .values
            .iter()
            .map(|(v, warn)| format!("{}{}", quote(v), if *warn { " warn" } else { "" }))
            .collect();
        let _ = write!(line, "enum {{ {} }}", members.join(", "));
    }
    for (pattern, warn) in &field.patterns {
        let _ = write!(
            line,
            " matches {}{}",
            regex(pattern),
            if *warn { " warn" } else { "" }
        );
    }
    if let Some(level) = field
        .quoted
        .filter(|_| !matches!(field.ty, "string" | "timestamp" | "crn"))
    {
        line.push_str(if level == "allow" {
            " quoted"
        } else {
            " quoted warn"
        });
    }
    if field.invalid_warn {
        line.push_str(" invalid warn");
    }
    if field.missing_warn && !field.optional {
        line.push_str(" missing warn");
    }
    if !field.description.is_empty() {
        let _ = write!(line, " {}", quote(&field.description));
    }
    line
}
