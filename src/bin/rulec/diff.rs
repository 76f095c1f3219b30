//! `rulec diff OLD NEW` and `rulec diff --git BASE [CATALOG]`: the changes between two
//! catalogs, in one of five formats, and an exit code for CI.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use rulec::diff::{Class, Report, Side};
use rulec::{Engine, Source};
use serde_json::{Value, json};

use crate::cli::{DiffArgs, DiffFailOn as FailOn, DiffFormat, FAILED, OK, USAGE};
use crate::load;
use crate::report::{self, github, sarif};

/// One side, loaded, with where its items are declared.
struct Loaded {
    engine: Engine,
    origins: Option<load::Origins>,
}

impl Loaded {
    fn side(&self) -> Side<'_> {
        Side {
            engine: &self.engine,
            origins: self
                .origins
                .as_ref()
                .map(|o| (&o.origins, o.sources.as_ref())),
        }
    }
}

pub(crate) fn run(args: &DiffArgs) -> u8 {
    let sides = match (&args.git, args.paths.as_slice()) {
        (Some(base), [] | [_]) => {
            let catalog = args
                .paths
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("rules"));
            at_revision(base, &catalog).and_then(|old| Ok((old, path(&catalog)?)))
        }
        (Some(_), _) => {
            eprintln!("error: with `--git BASE`, give at most one catalog: the working tree's");
            Err(USAGE)
        }
        (None, [old, new]) => path(old).and_then(|old| Ok((old, path(new)?))),
        (None, _) => {
            eprintln!(
                "error: give two catalogs, `rulec diff OLD NEW`, or one revision, `rulec diff --git BASE [CATALOG]`"
            );
            Err(USAGE)
        }
    };
    let (old, new) = match sides {
        Ok(sides) => sides,
        Err(code) => return code,
    };
    let report = rulec::diff::diff(old.side(), new.side());
    let text = match args.format {
        DiffFormat::Human => human(&report),
        DiffFormat::Json => pretty(&json(&report)),
        DiffFormat::Github => github_commands(&report),
        DiffFormat::Markdown => markdown(&report),
        DiffFormat::Sarif => pretty(&sarif_log(&report)),
    };
    let printed = report::print(&text);
    if printed != OK {
        return printed;
    }
    let fails = match args.fail_on {
        None => false,
        Some(FailOn::Breaking) => report.has(Class::Breaking),
        Some(FailOn::Reroute) => report.has(Class::Reroute),
        Some(FailOn::Any) => !report.changes.is_empty(),
    };
    if fails { FAILED } else { OK }
}

/// A catalog from a path; its errors (or an unreadable path) are input errors, exit 2.
fn path(path: &Path) -> Result<Loaded, u8> {
    let (catalog, origins) = load::located(
        std::slice::from_ref(&path.to_owned()),
        "not compared",
        USAGE,
    )?;
    Ok(Loaded {
        engine: Engine::new(catalog),
        origins,
    })
}

/// The catalog at `catalog`'s paths in the git revision `base`: every `.rules` file under it
/// there, read with `git show`.
fn at_revision(base: &str, catalog: &Path) -> Result<Loaded, u8> {
    let git = |args: &[&str], dir: &Path| -> Result<Vec<u8>, u8> {
        let output = Command::new("git").args(args).current_dir(dir).output();
        match output {
            Ok(output) if output.status.success() => Ok(output.stdout),
            Ok(output) => {
                let said = String::from_utf8_lossy(&output.stderr);
                eprintln!("error: `git {}` failed: {}", args.join(" "), said.trim());
                Err(USAGE)
            }
            Err(error) => {
                eprintln!("error: cannot run git: {error}");
                Err(USAGE)
            }
        }
    };
    let here = std::env::current_dir().map_err(|e| {
        eprintln!("error: cannot read the current directory: {e}");
        USAGE
    })?;
    let top = git(&["rev-parse", "--show-toplevel"], &here)?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let absolute = std::fs::canonicalize(catalog).map_err(|e| {
        eprintln!("error: cannot read `{}`: {e}", catalog.display());
        USAGE
    })?;
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let Ok(relative) = absolute.strip_prefix(&top) else {
        eprintln!(
            "error: `{}` is not inside the git repository at `{}`",
            catalog.display(),
            top.display()
        );
        return Err(USAGE);
    };
    let relative = relative.to_string_lossy().replace('\\', "/");
    let listed = git(
        &["ls-tree", "-r", "--name-only", base, "--", &relative],
        &top,
    )?;
    let mut sources = Vec::new();
    for file in String::from_utf8_lossy(&listed).lines() {
        if Path::new(file).extension().is_none_or(|e| e != "rules") {
            continue;
        }
        let text = git(&["show", &format!("{base}:{file}")], &top)?;
        let Ok(text) = String::from_utf8(text) else {
            eprintln!("error: `{base}:{file}` is not valid UTF-8");
            return Err(USAGE);
        };
        sources.push(Source::new(format!("{base}:{file}"), text));
    }
    if sources.is_empty() {
        eprintln!("error: no `.rules` files under `{relative}` at `{base}`");
        return Err(USAGE);
    }
    let (catalog, origins) = load::check(sources, "not compared").map_err(|_| USAGE)?;
    Ok(Loaded {
        engine: Engine::new(catalog),
        origins: Some(origins),
    })
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn place(place: Option<&rulec::diff::Place>) -> String {
    place.map_or_else(String::new, |p| {
        format!(" ({}:{}:{})", p.file, p.line, p.column)
    })
}

/// What changed, a class at a time, then the summary line.
fn human(report: &Report) -> String {
    let mut out = String::new();
    for change in &report.changes {
        let at = place(change.new.as_ref().or(change.old.as_ref()));
        let _ = writeln!(
            out,
            "{:<9} {}: {}{at}",
            change.class.as_str(),
            change.code,
            change.message
        );
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}

fn summary_line(report: &Report) -> String {
    let s = report.summary;
    format!(
        "{} breaking, {} widening, {} re-routed, {} documentation",
        s.breaking, s.widening, s.reroute, s.docs
    )
}

fn json(report: &Report) -> Value {
    json!({
        "changes": report.changes,
        "flows": report.flows,
        "summary": report.summary,
    })
}

/// Workflow commands: breaking changes as errors, re-routes as warnings, the rest as notices.
fn github_commands(report: &Report) -> String {
    let mut out = String::new();
    for change in &report.changes {
        let kind = match change.class {
            Class::Breaking => "error",
            Class::Reroute => "warning",
            Class::Widening | Class::Docs => "notice",
        };
        let mut properties = String::new();
        if let Some(at) = change.new.as_ref().or(change.old.as_ref()) {
            let _ = write!(
                properties,
                "file={},line={},col={},",
                github::escape_property(&at.file),
                at.line,
                at.column
            );
        }
        let title = format!("{} ({})", change.code, change.class.as_str());
        let _ = writeln!(
            out,
            "::{kind} {properties}title={}::{}",
            github::escape_property(&title),
            github::escape_data(&change.message)
        );
    }
    out
}

/// A report for a pull-request comment: the counts, then each class's changes, then the
/// moved flows as a table.
fn markdown(report: &Report) -> String {
    let mut out = String::from("## rulec diff\n\n");
    let s = report.summary;
    let _ = writeln!(
        out,
        "| breaking | widening | re-routed | documentation |\n|---|---|---|---|\n| {} | {} | {} | {} |\n",
        s.breaking, s.widening, s.reroute, s.docs
    );
    for (class, title) in [
        (Class::Breaking, "Breaking for producers"),
        (Class::Widening, "Widening"),
        (Class::Docs, "Documentation only"),
    ] {
        let changes: Vec<_> = report.changes.iter().filter(|c| c.class == class).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for change in changes {
            let at = place(change.new.as_ref().or(change.old.as_ref()));
            let message = change.message.replace('|', "\\|");
            let _ = writeln!(out, "- `{}`: {message}{at}", change.code);
        }
        out.push('\n');
    }
    if !report.flows.is_empty() {
        out.push_str("### Re-routed events\n\n| service | events | from | before | after |\n|---|---|---|---|---|\n");
        for flow in &report.flows {
            let events = match &flow.actions {
                None => format!("all {}", flow.event_type),
                Some(actions) => format!("{} ({})", flow.event_type, actions.join(", ")),
            };
            let _ = writeln!(
                out,
                "| {} | {events} | {} | {} | {} |",
                flow.service,
                flow.locations.join(", "),
                flow.old,
                flow.new
            );
        }
        out.push('\n');
    }
    if report.changes.is_empty() {
        out.push_str("No change to producers or to routing.\n");
    }
    out
}

fn sarif_log(report: &Report) -> Value {
    let mut codes: Vec<&str> = report.changes.iter().map(|c| c.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let results: Vec<Value> = report
        .changes
        .iter()
        .map(|change| {
            let level = match change.class {
                Class::Breaking => "error",
                Class::Reroute => "warning",
                Class::Widening | Class::Docs => "note",
            };
            let mut result = json!({
                "ruleId": change.code,
                "ruleIndex": codes.iter().position(|c| *c == change.code),
                "level": level,
                "message": {"text": change.message},
                "properties": {"class": change.class.as_str()},
            });
            let at = change.new.as_ref().or(change.old.as_ref());
            if let (Some(at), Some(object)) = (at, result.as_object_mut()) {
                object.insert(
                    "locations".into(),
                    json!([{
                        "physicalLocation": {
                            "artifactLocation": {"uri": sarif::artifact_uri(&at.file)},
                            "region": {"startLine": at.line, "startColumn": at.column},
                        }
                    }]),
                );
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rulec diff",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": codes.iter().map(|c| sarif::sarif_rule(c)).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    })
}
