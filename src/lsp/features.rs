//! What the language server answers: hover, definitions, references, rename, completion,
//! symbols, semantic tokens, formatting and quick fixes, all from the projects' indexes.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind,
    CompletionTextEdit, Diagnostic, DocumentSymbol, Hover, HoverContents, Location, MarkupContent,
    MarkupKind, PrepareRenameResponse, SemanticToken, SemanticTokenModifier, SemanticTokenType,
    SemanticTokensLegend, SymbolInformation, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};

use super::index::{Declaration, Info, Kind, Outline};
use super::project::{Document, Project};
use crate::catalog::BaseType;
use crate::check::is_separator;
use crate::syntax::lexemes;
use crate::vocab::EventType;

/// How many lines of a type's or schema's text hover shows.
const HOVER_LINES: usize = 24;

// ------------------------------------------------------------------------------------ hover

/// Hover at a byte offset of a file: what the name there declares or refers to, and for a
/// route rule the locations it covers.
pub(crate) fn hover(project: &Project, uri: &Uri, local: usize) -> Option<Hover> {
    let doc = project.doc(uri)?;
    let global = doc.global(local);
    let mut text = String::new();
    let mut range = None;
    if let Some(found) = doc.index.at(global) {
        range = Some(doc.range(found.span.start as usize, found.span.end as usize));
        let declarations: Vec<_> = if found.declares {
            doc.index
                .declarations
                .iter()
                .filter(|d| d.span == found.span)
                .map(|d| (doc, d))
                .collect()
        } else {
            project.declarations(found.kind, &found.name).collect()
        };
        for (at, (owner, declaration)) in declarations.iter().take(5).enumerate() {
            if at > 0 {
                text.push_str("\n\n---\n\n");
            }
            describe(project, owner, declaration, &mut text);
        }
        if declarations.is_empty() {
            let _ = write!(
                text,
                "{} `{}` is not declared",
                found.kind.word(),
                found.name
            );
        }
    }
    if let Some(rule) = doc.index.rule_at(global) {
        if !text.is_empty() {
            text.push_str("\n\n---\n\n");
        }
        covers(project, rule, &mut text);
        range.get_or_insert_with(|| doc.range(rule.span.start as usize, rule.span.end as usize));
    }
    (!text.is_empty()).then_some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range,
    })
}

/// The Markdown hover gives for one declaration.
fn describe(project: &Project, doc: &Document, declaration: &Declaration, out: &mut String) {
    let name = &declaration.name;
    match &declaration.info {
        Info::Service { display } => {
            let actions = project
                .all_declarations()
                .filter(|(_, d)| matches!(&d.info, Info::Action { service, .. } if service == name))
                .count();
            let _ = write!(out, "**service** `{name}`: {display}\n\n{actions} actions");
        }
        Info::Action {
            service,
            flag,
            explicit,
            group,
            description,
        } => {
            let _ = write!(out, "**action** `{name}`\n\n{description}\n\n");
            let flag = flag.map_or("not stated", EventType::as_str);
            let how = match (explicit, group) {
                (false, Some((group, _))) => format!(" (from group `{group}`)"),
                _ => String::new(),
            };
            let _ = write!(out, "- event type: {flag}{how}\n- service: `{service}`");
            if let Some((group, caption)) = group {
                let _ = write!(out, "\n- group: `{group}`, {caption}");
            }
        }
        Info::Definition { .. } => {
            let what = declaration.kind.word();
            let _ = write!(out, "**{what}** `{name}`\n\n");
            code(doc, declaration, out);
        }
        Info::Field {
            owner,
            description,
            ty,
            ..
        } => {
            let _ = write!(out, "**field** `{name}`, in {owner}\n\n");
            code(doc, declaration, out);
            if let Some(description) = description {
                let _ = writeln!(out, "\n{description}");
            }
            if let Some(ty) = ty.as_deref().filter(|t| BaseType::from_name(t).is_none()) {
                for (owner, definition) in project.declarations(Kind::Type, ty).take(1) {
                    let _ = write!(out, "\nits type, `{ty}`:\n\n");
                    code(owner, definition, out);
                }
            }
        }
        Info::Region {
            display,
            zones,
            aliases,
        } => {
            let _ = writeln!(out, "**region** `{name}`: {display}");
            list(out, "zones", zones);
            list(out, "aliases", aliases);
            let geographies = geographies_of(project, name);
            list(out, "geography", &geographies);
        }
        Info::PartOf { what, region } => {
            let _ = write!(out, "**{what}** `{name}` of region `{region}`");
            for (owner, declaration) in project.declarations(Kind::Location, region).take(1) {
                out.push_str("\n\n---\n\n");
                describe(project, owner, declaration, out);
            }
        }
        Info::Geography { display, regions } => {
            let _ = writeln!(out, "**geography** `{name}`: {display}");
            list(out, "regions", regions);
        }
        Info::Target {
            kind,
            id,
            description,
        } => {
            let _ = write!(out, "**target** `{name}`: `{kind}`");
            if let Some(description) = description {
                let _ = write!(out, "\n\n{description}");
            }
            if let Some(id) = id {
                let _ = write!(out, "\n\n- id: `{id}`");
            }
        }
        Info::Route { rules } => {
            let _ = write!(out, "**route** `{name}`: {rules} rules\n\n");
            code(doc, declaration, out);
        }
    }
}

fn list(out: &mut String, what: &str, names: &[String]) {
    if !names.is_empty() {
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let _ = write!(out, "\n- {what}: {}", names.join(", "));
    }
}

/// A declaration's text as a fenced block, cut after [`HOVER_LINES`] lines.
fn code(doc: &Document, declaration: &Declaration, out: &mut String) {
    let start = (declaration.whole.start as usize).saturating_sub(doc.base);
    let end = (declaration.whole.end as usize).saturating_sub(doc.base);
    let text = doc.text.get(start..end).unwrap_or("");
    out.push_str("```rules\n");
    for line in text.lines().take(HOVER_LINES) {
        out.push_str(line);
        out.push('\n');
    }
    if text.lines().count() > HOVER_LINES {
        out.push_str("...\n");
    }
    out.push_str("```\n");
}

/// The geographies that list a region.
fn geographies_of(project: &Project, region: &str) -> Vec<String> {
    project
        .all_declarations()
        .filter(|(_, d)| matches!(&d.info, Info::Geography { regions, .. } if regions.iter().any(|r| r == region)))
        .map(|(_, d)| d.name.clone())
        .collect()
}

/// What a route rule's locations cover: each region with its zones, each geography with its
/// regions and their zones.
fn covers(project: &Project, rule: &super::index::RuleSite, out: &mut String) {
    let _ = writeln!(out, "**rule** of route `{}` covers:", rule.route);
    for location in &rule.locations {
        let _ = write!(out, "\n- ");
        match location.as_str() {
            "*" => out.push_str("`*`: every location, `global` included"),
            "global" => out.push_str("`global`: events of global services"),
            name => {
                let found = project.declarations(Kind::Location, name).next();
                match found.map(|(_, d)| &d.info) {
                    Some(Info::Region { zones, .. }) => region_cover(out, name, zones),
                    Some(Info::Geography { regions, .. }) => {
                        let _ = write!(out, "geography `{name}`:");
                        for region in regions {
                            out.push_str("\n  - ");
                            let zones = match project.declarations(Kind::Location, region).next() {
                                Some((
                                    _,
                                    Declaration {
                                        info: Info::Region { zones, .. },
                                        ..
                                    },
                                )) => zones.clone(),
                                _ => Vec::new(),
                            };
                            region_cover(out, region, &zones);
                        }
                    }
                    Some(Info::PartOf { what, region }) => {
                        let _ = write!(out, "`{name}` ({what} of region `{region}`)");
                    }
                    _ => {
                        let _ = write!(out, "`{name}` (not declared)");
                    }
                }
            }
        }
    }
    match &rule.targets {
        Some(targets) => {
            let targets: Vec<String> = targets.iter().map(|t| format!("`{t}`")).collect();
            let _ = write!(out, "\n\nand sends them to {}", targets.join(", "));
        }
        None => out.push_str("\n\nand drops them"),
    }
}

fn region_cover(out: &mut String, region: &str, zones: &[String]) {
    let _ = write!(out, "`{region}`");
    if !zones.is_empty() {
        let zones: Vec<String> = zones.iter().map(|z| format!("`{z}`")).collect();
        let _ = write!(out, " and its zones {}", zones.join(", "));
    }
}

// ------------------------------------------------------------------- definitions and names

/// Where the name at an offset is declared (itself, for a declaration).
pub(crate) fn definition(project: &Project, uri: &Uri, local: usize) -> Vec<Location> {
    let Some((_, found)) = project.occurrence(uri, local) else {
        return Vec::new();
    };
    project
        .declarations(found.kind, &found.name)
        .map(|(doc, d)| location(doc, d.span))
        .collect()
}

/// Every place the name at an offset is written.
pub(crate) fn references(
    project: &Project,
    uri: &Uri,
    local: usize,
    declarations: bool,
) -> Vec<Location> {
    let Some((_, found)) = project.occurrence(uri, local) else {
        return Vec::new();
    };
    project
        .occurrences(found.kind, &found.name)
        .filter(|(_, o)| declarations || !o.declares)
        .map(|(doc, o)| location(doc, o.span))
        .collect()
}

fn location(doc: &Document, span: crate::source::Span) -> Location {
    Location::new(
        doc.uri.clone(),
        doc.range(span.start as usize, span.end as usize),
    )
}

/// The kinds rename changes everywhere they are written.
fn renamable(kind: Kind) -> bool {
    matches!(kind, Kind::Type | Kind::Schema | Kind::Target | Kind::Route)
}

/// The name rename would change at an offset, or why not.
pub(crate) fn prepare_rename(
    project: &Project,
    uri: &Uri,
    local: usize,
) -> Result<PrepareRenameResponse, String> {
    let (doc, found) = project
        .occurrence(uri, local)
        .ok_or("there is no name here to rename")?;
    if !renamable(found.kind) {
        return Err(format!(
            "a {} cannot be renamed: rename types, schemas, targets and routes",
            found.kind.word()
        ));
    }
    Ok(PrepareRenameResponse::Range(
        doc.range(found.span.start as usize, found.span.end as usize),
    ))
}

/// The edits that rename the name at an offset, in every file.
pub(crate) fn rename(
    project: &Project,
    uri: &Uri,
    local: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    prepare_rename(project, uri, local)?;
    let (_, found) = project
        .occurrence(uri, local)
        .ok_or("there is no name here to rename")?;
    let valid = !new_name.is_empty()
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(format!(
            "`{new_name}` is not a valid {} name: use letters, digits, `_` and `-`",
            found.kind.word()
        ));
    }
    if found.kind == Kind::Type && BaseType::from_name(new_name).is_some() {
        return Err(format!("`{new_name}` is a base type"));
    }
    if project.declarations(found.kind, new_name).next().is_some() {
        return Err(format!(
            "a {} named `{new_name}` is already declared",
            found.kind.word()
        ));
    }
    #[expect(
        clippy::mutable_key_type,
        reason = "the protocol's `WorkspaceEdit` is keyed by `Uri`, whose hash never changes"
    )]
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (doc, occurrence) in project.occurrences(found.kind, &found.name) {
        changes
            .entry(doc.uri.clone())
            .or_default()
            .push(TextEdit::new(
                doc.range(occurrence.span.start as usize, occurrence.span.end as usize),
                new_name.to_owned(),
            ));
    }
    Ok(WorkspaceEdit::new(changes))
}

// --------------------------------------------------------------------------------- symbols

/// The outline of one file.
pub(crate) fn document_symbols(doc: &Document) -> Vec<DocumentSymbol> {
    doc.index.outline.iter().map(|o| symbol(doc, o)).collect()
}

#[expect(
    deprecated,
    reason = "`deprecated` is a required field of the protocol's type, itself deprecated"
)]
fn symbol(doc: &Document, outline: &Outline) -> DocumentSymbol {
    DocumentSymbol {
        name: outline.label.clone(),
        detail: None,
        kind: if outline.label.starts_with("group ") {
            SymbolKind::NAMESPACE
        } else {
            symbol_kind(outline.kind)
        },
        tags: None,
        deprecated: None,
        range: doc.range(outline.whole.start as usize, outline.whole.end as usize),
        selection_range: doc.range(outline.span.start as usize, outline.span.end as usize),
        children: (!outline.children.is_empty())
            .then(|| outline.children.iter().map(|c| symbol(doc, c)).collect()),
    }
}

fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Service => SymbolKind::MODULE,
        Kind::Action => SymbolKind::METHOD,
        Kind::Type => SymbolKind::TYPE_PARAMETER,
        Kind::Schema => SymbolKind::STRUCT,
        Kind::Field => SymbolKind::FIELD,
        Kind::Location => SymbolKind::ENUM_MEMBER,
        Kind::Target => SymbolKind::VARIABLE,
        Kind::Route => SymbolKind::FUNCTION,
    }
}

/// The declarations of every file whose name contains `query` (ignoring case); fields are
/// left out, as they are many and named by path.
#[expect(
    deprecated,
    reason = "`deprecated` is a required field of the protocol's type, itself deprecated"
)]
pub(crate) fn workspace_symbols(
    projects: &[&Project],
    query: &str,
    limit: usize,
) -> Vec<SymbolInformation> {
    let query = query.to_lowercase();
    projects
        .iter()
        .flat_map(|p| p.all_declarations())
        .filter(|(_, d)| d.kind != Kind::Field && d.name.to_lowercase().contains(&query))
        .take(limit)
        .map(|(doc, d)| SymbolInformation {
            name: d.name.clone(),
            kind: symbol_kind(d.kind),
            tags: None,
            deprecated: None,
            location: location(doc, d.span),
            container_name: None,
        })
        .collect()
}

// ---------------------------------------------------------------------------- quick fixes

/// A quick fix for each did-you-mean among a file's diagnostics that touch `range`.
pub(crate) fn code_actions(
    uri: &Uri,
    diagnostics: &[Diagnostic],
    range: lsp_types::Range,
) -> Vec<CodeActionOrCommand> {
    let touches = |d: &Diagnostic| d.range.start <= range.end && range.start <= d.range.end;
    diagnostics
        .iter()
        .filter(|d| touches(d))
        .filter_map(|diagnostic| {
            let data = diagnostic.data.as_ref()?;
            let replace = data.get("replace")?.as_str()?.to_owned();
            let at: lsp_types::Range = serde_json::from_value(data.get("range")?.clone()).ok()?;
            let edit = WorkspaceEdit::new(HashMap::from([(
                uri.clone(),
                vec![TextEdit::new(at, replace.clone())],
            )]));
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Change to `{replace}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

// ------------------------------------------------------------------------------ formatting

/// The edit that makes a file what `rulec fmt` prints: one edit of the whole text, none when
/// it is already formatted, or the syntax error that stops formatting.
pub(crate) fn formatting(doc: &Document) -> Result<Vec<TextEdit>, String> {
    let formatted = crate::format::format(&doc.text).map_err(|e| {
        // `format` parses the text alone: its spans are local.
        let at = doc.lines.position(&doc.text, e.span().start as usize);
        format!("cannot format: line {}: {e}", at.line + 1)
    })?;
    if formatted == doc.text {
        return Ok(Vec::new());
    }
    let whole = doc.lines.range(&doc.text, 0, doc.text.len());
    Ok(vec![TextEdit::new(whole, formatted)])
}

// ------------------------------------------------------------------------- semantic tokens

/// The token types semantic tokens use, in legend order.
const TOKEN_TYPES: [SemanticTokenType; 14] = [
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::METHOD,
    SemanticTokenType::TYPE,
    SemanticTokenType::STRUCT,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::COMMENT,
    SemanticTokenType::REGEXP,
    SemanticTokenType::NUMBER,
    SemanticTokenType::OPERATOR,
];

/// The legend the server announces.
pub(crate) fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKEN_TYPES.to_vec(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

fn token_type(kind: Kind) -> u32 {
    match kind {
        Kind::Service => 0,
        Kind::Action => 1,
        Kind::Type => 2,
        Kind::Schema => 3,
        Kind::Field => 4,
        Kind::Location => 5,
        Kind::Target => 6,
        Kind::Route => 7,
    }
}

const KEYWORD: u32 = 8;
const STRING: u32 = 9;
const COMMENT: u32 = 10;
const REGEXP: u32 = 11;
const NUMBER: u32 = 12;
const OPERATOR: u32 = 13;

/// The words the grammar reserves, as keywords are coloured.
pub(crate) const KEYWORDS: [&str; 40] = [
    "service",
    "collect",
    "require",
    "group",
    "fields",
    "use",
    "type",
    "schema",
    "envelope",
    "when",
    "and",
    "action",
    "matches",
    "in",
    "quoted",
    "missing",
    "invalid",
    "enum",
    "locate",
    "domain",
    "locations",
    "region",
    "geography",
    "zones",
    "aliases",
    "target",
    "route",
    "types",
    "actions",
    "drop",
    "default",
    "targets",
    "id",
    "management",
    "data",
    "error",
    "warn",
    "allow",
    "true",
    "false",
];

/// The semantic tokens of a file: names by what they are (declarations marked), keywords,
/// strings, comments, patterns, numbers and operators; each on one line, as the protocol wants.
pub(crate) fn semantic_tokens(doc: &Document) -> Vec<SemanticToken> {
    let text = doc.text.as_str();
    let mut spans: Vec<(usize, usize, u32, u32)> = Vec::new();
    let lexemes = lexemes::scan(text);
    for lexeme in &lexemes {
        let kind = match lexeme.kind {
            lexemes::Kind::Comment => COMMENT,
            lexemes::Kind::String => STRING,
            lexemes::Kind::Regex => REGEXP,
        };
        spans.push((lexeme.start, lexeme.end, kind, 0));
    }
    let names: BTreeSet<(usize, usize)> = doc
        .index
        .occurrences
        .iter()
        .map(|o| {
            (
                (o.span.start as usize).saturating_sub(doc.base),
                (o.span.end as usize).saturating_sub(doc.base),
            )
        })
        .collect();
    for occurrence in &doc.index.occurrences {
        let start = (occurrence.span.start as usize).saturating_sub(doc.base);
        let end = (occurrence.span.end as usize).saturating_sub(doc.base);
        spans.push((
            start,
            end,
            token_type(occurrence.kind),
            u32::from(occurrence.declares),
        ));
    }
    words(text, &lexemes, |start, end, word| {
        if names.contains(&(start, end)) {
            return;
        }
        let kind = if KEYWORDS.contains(&word) {
            KEYWORD
        } else if word == "->" || word == "==" || word == "!=" {
            OPERATOR
        } else if word.parse::<f64>().is_ok() {
            NUMBER
        } else if BaseType::from_name(word).is_some() {
            2
        } else {
            return;
        };
        spans.push((start, end, kind, 0));
    });
    spans.sort_unstable();
    encode(doc, &spans)
}

/// Calls `each` with every word outside comments, strings and patterns: runs of name
/// characters, and the operators `->`, `==` and `!=`.
fn words(text: &str, lexemes: &[lexemes::Lexeme], mut each: impl FnMut(usize, usize, &str)) {
    let mut gaps = Vec::new();
    let mut at = 0;
    for lexeme in lexemes {
        gaps.push((at, lexeme.start));
        at = lexeme.end;
    }
    gaps.push((at, text.len()));
    for (from, to) in gaps {
        let Some(gap) = text.get(from..to) else {
            continue;
        };
        let mut start = None;
        for (i, c) in gap.char_indices().chain([(gap.len(), ' ')]) {
            let word = !is_separator(c);
            match (word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    start = None;
                    let end = if gap.get(i..).is_some_and(|r| r.starts_with('>'))
                        && gap.get(s..i) == Some("-")
                    {
                        i + 1
                    } else {
                        i
                    };
                    each(from + s, from + end, gap.get(s..end).unwrap_or(""));
                }
                _ => {}
            }
            if start.is_none()
                && (gap
                    .get(i..)
                    .is_some_and(|r| r.starts_with("==") || r.starts_with("!=")))
            {
                each(from + i, from + i + 2, gap.get(i..i + 2).unwrap_or(""));
            }
        }
    }
}

/// Tokens as the protocol encodes them: relative lines and starts, lengths in UTF-16 units,
/// split at line ends, overlapping ones dropped.
fn encode(doc: &Document, spans: &[(usize, usize, u32, u32)]) -> Vec<SemanticToken> {
    let text = doc.text.as_str();
    let mut out = Vec::with_capacity(spans.len());
    let (mut line, mut column) = (0, 0);
    let mut covered = 0;
    for &(start, end, kind, modifiers) in spans {
        if start < covered || start >= end {
            continue;
        }
        covered = end;
        let mut from = start;
        while from < end {
            let line_end = text
                .get(from..end)
                .and_then(|s| s.find('\n'))
                .map_or(end, |n| from + n);
            if line_end > from {
                let at = doc.lines.position(text, from);
                let length = text
                    .get(from..line_end)
                    .map_or(0, |s| s.chars().map(char::len_utf16).sum::<usize>());
                let delta_line = at.line - line;
                let delta_start = if delta_line == 0 {
                    at.character - column
                } else {
                    at.character
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: u32::try_from(length).unwrap_or(u32::MAX),
                    token_type: kind,
                    token_modifiers_bitset: modifiers,
                });
                line = at.line;
                column = at.character;
            }
            from = line_end + 1;
        }
    }
    out
}

// ------------------------------------------------------------------------------ completion

/// What the text before a cursor says can be written there.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Context {
    /// The enclosing service, if any.
    pub(crate) service: Option<String>,
    /// The kinds of name that fit.
    pub(crate) names: Vec<Kind>,
    /// Whether `global` and `*` fit (a location in a route rule).
    pub(crate) any_location: bool,
    /// Whether base types fit (after a field's `:`).
    pub(crate) types: bool,
    /// The path compared, when a literal fits: its enum members do.
    pub(crate) compared: Option<String>,
}

/// The blocks a cursor can stand in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Service(String),
    Route,
    Fields,
    Locations,
    Geography,
    ActionList,
    Other,
}

/// Reads the context of a cursor from the text before it (comments, strings and patterns
/// left out): the open blocks, and the statement so far on the cursor's line.
pub(crate) fn context(before: &str) -> Context {
    let lexemes = lexemes::scan(before);
    let mut code = String::with_capacity(before.len());
    let mut at = 0;
    for lexeme in &lexemes {
        code.push_str(before.get(at..lexeme.start).unwrap_or(""));
        let hidden = before.get(lexeme.start..lexeme.end).unwrap_or("");
        // A string keeps its place as `""`, so that the words around it stay apart.
        code.extend(hidden.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        if lexeme.kind == lexemes::Kind::String {
            code.push('"');
        }
        at = lexeme.end;
    }
    // The text from the last lexeme on (an unclosed string is not a lexeme).
    code.push_str(before.get(at..).unwrap_or(""));
    let mut blocks: Vec<Block> = Vec::new();
    let mut statement_start = 0;
    for (i, c) in code.char_indices() {
        match c {
            '{' => {
                let header = code.get(statement_start..i).unwrap_or("").trim();
                blocks.push(block_of(header));
                statement_start = i + 1;
            }
            '}' => {
                blocks.pop();
                statement_start = i + 1;
            }
            '\n' => statement_start = i + 1,
            _ => {}
        }
    }
    let statement = code.get(statement_start..).unwrap_or("").trim_start();
    let service = blocks.iter().find_map(|b| match b {
        Block::Service(name) => Some(name.clone()),
        _ => None,
    });
    let mut cx = Context {
        service,
        ..Context::default()
    };
    let first = statement.split_whitespace().next().unwrap_or("");
    let innermost = blocks.last().cloned();
    match (innermost, first) {
        (Some(Block::ActionList), _) | (_, "fields") => cx.names.push(Kind::Action),
        (_, "use") => cx.names.push(Kind::Schema),
        (_, "when") => when_context(statement, &mut cx),
        (_, "locate" | "domain") => cx.names.push(Kind::Location),
        (_, "default") => cx.names.push(Kind::Target),
        (Some(Block::Route), "actions") => {
            cx.names.extend([Kind::Action, Kind::Service]);
            cx.service = None;
        }
        (Some(Block::Route), "types") => {}
        (Some(Block::Route), _) => {
            if statement.contains("->") {
                cx.names.push(Kind::Target);
            } else {
                cx.names.push(Kind::Location);
                cx.any_location = true;
            }
        }
        (Some(Block::Locations | Block::Geography), _) => cx.names.push(Kind::Location),
        (Some(Block::Fields), _) if statement.contains(':') => {
            let after = statement.rsplit(':').next().unwrap_or("");
            if after.trim().is_empty() {
                cx.names.push(Kind::Type);
                cx.types = true;
            }
        }
        _ => {}
    }
    if first == "type"
        && statement.contains('=')
        && statement
            .rsplit('=')
            .next()
            .is_some_and(|a| a.trim().is_empty())
    {
        cx.names.push(Kind::Type);
        cx.types = true;
    }
    cx
}

/// The context inside a `when` header: actions after `matches` or `in`, a literal after a
/// comparison, a path at the start of a condition.
fn when_context(statement: &str, cx: &mut Context) {
    let condition = statement
        .rsplit(" and ")
        .next()
        .unwrap_or(statement)
        .trim_start_matches("when")
        .trim();
    let words: Vec<&str> = condition.split_whitespace().collect();
    match words.as_slice() {
        ["action", "matches" | "in", ..] => cx.names.push(Kind::Action),
        [path, "==" | "!="] => cx.compared = Some((*path).to_owned()),
        [] | [_] => cx.names.push(Kind::Field),
        _ => {}
    }
}

/// The block a `{` opens, from the header before it.
fn block_of(header: &str) -> Block {
    let mut words = header.split_whitespace();
    let first = words.next().unwrap_or("");
    if header.ends_with(" in") {
        return Block::ActionList;
    }
    match first {
        "service" => Block::Service(words.next().unwrap_or("").to_owned()),
        "route" => Block::Route,
        "fields" | "when" | "envelope" | "schema" => Block::Fields,
        "locations" => Block::Locations,
        "geography" => Block::Geography,
        _ => Block::Other,
    }
}

/// The completions at a byte offset of a file: keywords the grammar takes there, names of the
/// kinds that fit, enum members of a compared field, locations with `global` and `*`.
pub(crate) fn completion(project: &Project, uri: &Uri, local: usize) -> Vec<CompletionItem> {
    let Some(doc) = project.doc(uri) else {
        return Vec::new();
    };
    let text = doc.text.as_str();
    let local = local.min(text.len());
    let before = text.get(..local).unwrap_or("");
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| !is_separator(*c))
        .last()
        .map_or(local, |(i, _)| i);
    let replace = doc.lines.range(text, start, local);
    let item = |label: String, kind: CompletionItemKind, detail: Option<String>| CompletionItem {
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            replace,
            label.clone(),
        ))),
        label,
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    };
    let mut items = Vec::new();
    let prefix = text.get(..start).unwrap_or("");
    let cx = context(prefix);
    for keyword in crate::syntax::expected_keywords(prefix).unwrap_or_default() {
        items.push(item(keyword, CompletionItemKind::KEYWORD, None));
    }
    let mut seen = BTreeSet::new();
    for (_, declaration) in project.all_declarations() {
        if !cx.names.contains(&declaration.kind) {
            continue;
        }
        let label = match (&cx.service, declaration.kind) {
            (Some(service), Kind::Action) => {
                match declaration
                    .name
                    .strip_prefix(service.as_str())
                    .and_then(|r| r.strip_prefix('.'))
                {
                    Some(relative) => relative.to_owned(),
                    None => continue,
                }
            }
            (None, Kind::Service) => format!("{}.*", declaration.name),
            _ => declaration.name.clone(),
        };
        if seen.insert((declaration.kind, label.clone())) {
            items.push(item(
                label,
                completion_kind(declaration.kind),
                detail(declaration),
            ));
        }
    }
    if cx.any_location {
        items.push(item(
            "global".into(),
            CompletionItemKind::ENUM_MEMBER,
            Some("events of global services".into()),
        ));
        items.push(item(
            "*".into(),
            CompletionItemKind::ENUM_MEMBER,
            Some("every location".into()),
        ));
    }
    if cx.types {
        for (name, _) in BaseType::ALL {
            items.push(item(
                name.to_owned(),
                CompletionItemKind::TYPE_PARAMETER,
                Some("base type".into()),
            ));
        }
    }
    if let Some(path) = &cx.compared {
        for member in enum_members(project, path) {
            items.push(item(
                format!("\"{member}\""),
                CompletionItemKind::ENUM_MEMBER,
                Some(format!("a value of `{path}`")),
            ));
        }
    }
    items
}

/// The enum members of the fields declared at `path`, inline or through their named type.
fn enum_members(project: &Project, path: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, declaration) in project.declarations(Kind::Field, path) {
        if let Info::Field { ty, members, .. } = &declaration.info {
            out.extend(members.iter().cloned());
            if let Some(ty) = ty {
                for (_, ty) in project.declarations(Kind::Type, ty) {
                    if let Info::Definition { members } = &ty.info {
                        out.extend(members.iter().cloned());
                    }
                }
            }
        }
    }
    out
}

fn completion_kind(kind: Kind) -> CompletionItemKind {
    match kind {
        Kind::Service => CompletionItemKind::MODULE,
        Kind::Action => CompletionItemKind::METHOD,
        Kind::Type => CompletionItemKind::TYPE_PARAMETER,
        Kind::Schema => CompletionItemKind::STRUCT,
        Kind::Field => CompletionItemKind::FIELD,
        Kind::Location => CompletionItemKind::ENUM_MEMBER,
        Kind::Target => CompletionItemKind::VARIABLE,
        Kind::Route => CompletionItemKind::FUNCTION,
    }
}

fn detail(declaration: &Declaration) -> Option<String> {
    match &declaration.info {
        Info::Action {
            description, flag, ..
        } => Some(match flag {
            Some(flag) => format!("{flag}: {description}"),
            None => description.clone(),
        }),
        Info::Service { display }
        | Info::Region { display, .. }
        | Info::Geography { display, .. } => Some(display.clone()),
        Info::PartOf { what, region } => Some(format!("{what} of {region}")),
        Info::Target { kind, .. } => Some(kind.clone()),
        Info::Field { owner, .. } => Some(owner.clone()),
        Info::Definition { .. } | Info::Route { .. } => None,
    }
}
