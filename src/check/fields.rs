//! Types, schemas and field declarations: resolution, constraints, regexes, conflicts.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use super::names::Actions;
use super::{CheckError, Context, REGEX_SIZE_LIMIT};
use crate::ast::{self, ClauseKind, Condition, FieldBlock, Item, Literal, ServiceItem, TypeExpr};
use crate::catalog::{BaseType, Comparison, Conditional, EnumValue, FieldRule, Level, Pattern};
use crate::source::Span;
use crate::suggestion;

/// A field rule and where it was declared.
#[derive(Debug, Clone)]
pub(super) struct FieldDecl {
    pub(super) rule: FieldRule,
    pub(super) span: Span,
}

/// A type with its constraints, before a field adds its own.
#[derive(Debug, Clone)]
pub(super) struct Resolved {
    base: BaseType,
    values: Vec<EnumValue>,
    patterns: Vec<Pattern>,
    quoted: Option<Level>,
}

impl Resolved {
    fn base(base: BaseType) -> Self {
        Self {
            base,
            values: Vec::new(),
            patterns: Vec::new(),
            quoted: None,
        }
    }
}

impl<'a> Context<'a> {
    /// Resolves every named type once, so that errors in a type are reported once.
    pub(super) fn resolve_types(&mut self) {
        let names: Vec<&'a str> = self.types.keys().copied().collect();
        for name in names {
            self.resolve_named(name, &mut Vec::new());
        }
        let schemas: Vec<&'a str> = self.schemas.keys().copied().collect();
        for schema in schemas {
            self.schema(schema);
        }
    }

    /// The fields of a schema, resolved once; `None` while it is being resolved (a cycle).
    fn schema(&mut self, name: &'a str) -> Option<Vec<FieldDecl>> {
        if let Some(fields) = self.schema_fields.get(name) {
            return Some(fields.clone());
        }
        if self.schema_stack.contains(&name) {
            return None;
        }
        let decl = self.schemas.get(name)?.node;
        self.schema_stack.push(name);
        let fields = self.block_fields(&decl.block);
        self.schema_stack.pop();
        self.schema_fields.insert(name, fields.clone());
        Some(fields)
    }

    fn resolve_named(&mut self, name: &'a str, stack: &mut Vec<&'a str>) -> Option<Resolved> {
        if let Some(done) = self.resolved.get(name) {
            return done.clone();
        }
        let decl = self.types.get(name)?.node;
        if stack.contains(&name) {
            self.report(CheckError::UnknownType {
                name: name.to_owned(),
                span: decl.name.span.into(),
                label: "defined in terms of itself",
                help: format!("type `{name}` is defined in terms of itself; give it a base type"),
            });
            self.resolved.insert(name, None);
            return None;
        }
        stack.push(name);
        let resolved = self
            .type_expr(&decl.ty, stack)
            .map(|r| self.clauses(r, &decl.clauses, None).0);
        stack.pop();
        self.resolved.insert(name, resolved.clone());
        resolved
    }

    fn type_expr(&mut self, expr: &'a TypeExpr, stack: &mut Vec<&'a str>) -> Option<Resolved> {
        match expr {
            TypeExpr::Named(name) => {
                if let Some(base) = BaseType::from_name(&name.node) {
                    return Some(Resolved::base(base));
                }
                if let Some(decl) = self.types.get_mut(name.node.as_str()) {
                    decl.used = true;
                    let key: &'a str = decl.node.name.node.as_str();
                    return self.resolve_named(key, stack);
                }
                let candidates = BaseType::ALL
                    .iter()
                    .map(|(n, _)| *n)
                    .chain(self.types.keys().copied());
                let help = suggestion::did_you_mean(&name.node, candidates, || {
                    "use a built-in type (string, bool, integer, number, object, array, timestamp, crn), an `enum { ... }`, or declare it with `type NAME = ...`".into()
                });
                self.report_unresolved(CheckError::UnknownType {
                    name: name.node.clone(),
                    span: name.span.into(),
                    label: "not a built-in or declared type",
                    help,
                });
                None
            }
            TypeExpr::Enum(members) => Some(self.enum_type(members)),
        }
    }

    fn enum_type(&mut self, members: &crate::source::Spanned<Vec<ast::EnumMember>>) -> Resolved {
        let mut resolved = Resolved::base(BaseType::String);
        if members.node.is_empty() {
            self.report(CheckError::EmptyEnum {
                span: members.span.into(),
            });
        }
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for member in &members.node {
            if let Some(first) = seen.get(member.value.node.as_str()) {
                self.report(CheckError::DuplicateEnumMember {
                    value: member.value.node.clone(),
                    span: member.value.span.into(),
                    first: (*first).into(),
                });
                continue;
            }
            seen.insert(&member.value.node, member.value.span);
            let level = match member.level {
                None => Level::Allow,
                Some(level) if level.node == Level::Error => {
                    self.report(CheckError::InvalidConstraint {
                        message: format!("enum member `{}` cannot be an error", member.value.node),
                        span: level.span.into(),
                        label: "a listed member is accepted".into(),
                        help: "remove the member to refuse it, or write `warn` to accept it with a warning".into(),
                    });
                    Level::Allow
                }
                Some(level) => level.node,
            };
            resolved.values.push(EnumValue {
                value: member.value.node.clone(),
                level,
            });
        }
        resolved
    }

    /// Applies clauses to a resolved type. `optional` is `None` in a type declaration, where
    /// `missing` has no meaning. Returns the type and the level of a missing field.
    fn clauses(
        &mut self,
        mut resolved: Resolved,
        clauses: &[ast::Clause],
        optional: Option<bool>,
    ) -> (Resolved, Level) {
        let mut missing = if optional == Some(true) {
            Level::Allow
        } else {
            Level::Error
        };
        let mut seen_quoted = false;
        let mut seen_missing = false;
        for clause in clauses {
            let level = clause.level.map(|l| l.node);
            match &clause.kind {
                ClauseKind::Matches(regex) => {
                    if !resolved.base.is_string() {
                        self.invalid(clause.span, format!("`matches` applies to strings, not to `{}`", resolved.base.name()),
                            "patterns check string values; remove the clause or change the type to `string`");
                        continue;
                    }
                    if level == Some(Level::Allow) {
                        self.invalid(
                            clause.span,
                            "`matches ... allow` checks nothing".into(),
                            "write `warn` to report a mismatch as a warning, or remove the clause",
                        );
                        continue;
                    }
                    if let Some(pattern) = self.pattern(regex, level.unwrap_or(Level::Error)) {
                        resolved.patterns.push(pattern);
                    }
                }
                ClauseKind::Quoted => {
                    if resolved.base.is_string() {
                        self.invalid(clause.span, format!("`quoted` applies to non-string types, not to `{}`", resolved.base.name()),
                            "`quoted` accepts a bool, number, object or array written as a JSON string; remove it");
                    } else if std::mem::replace(&mut seen_quoted, true) {
                        self.invalid(
                            clause.span,
                            "`quoted` is written twice".into(),
                            "keep one `quoted` clause",
                        );
                    } else {
                        resolved.quoted = Some(level.unwrap_or(Level::Allow));
                    }
                }
                ClauseKind::Missing => match optional {
                    None => self.invalid(
                        clause.span,
                        "`missing` applies to fields, not to types".into(),
                        "write `missing warn` on the field that uses this type",
                    ),
                    Some(true) => self.invalid(
                        clause.span,
                        "`missing` on an optional field".into(),
                        "a field marked `?` may be missing; remove `?` or the clause",
                    ),
                    Some(false) if std::mem::replace(&mut seen_missing, true) => {
                        self.invalid(
                            clause.span,
                            "`missing` is written twice".into(),
                            "keep one `missing` clause",
                        );
                    }
                    Some(false) => missing = level.unwrap_or(Level::Error),
                },
            }
        }
        (resolved, missing)
    }

    fn invalid(&mut self, span: Span, message: String, help: &str) {
        self.report(CheckError::InvalidConstraint {
            message,
            span: span.into(),
            label: "here".into(),
            help: help.to_owned(),
        });
    }

    /// Compiles a pattern once per distinct source, within [`REGEX_SIZE_LIMIT`].
    fn pattern(&mut self, regex: &crate::source::Spanned<String>, level: Level) -> Option<Pattern> {
        if let Some(compiled) = self.regexes.get(&regex.node) {
            return Some(Pattern::new(
                regex.node.clone(),
                level,
                Arc::clone(compiled),
            ));
        }
        match regex::RegexBuilder::new(&regex.node)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
        {
            Ok(compiled) => {
                let compiled = Arc::new(compiled);
                self.regexes
                    .insert(regex.node.clone(), Arc::clone(&compiled));
                Some(Pattern::new(regex.node.clone(), level, compiled))
            }
            Err(regex::Error::CompiledTooBig(limit)) => {
                self.report(CheckError::RegexTooLarge {
                    pattern: regex.node.replace('/', "\\/"),
                    span: regex.span.into(),
                    limit,
                    help: "simplify it: large counted repetitions like `{1000}` and big Unicode classes multiply its size; `(?-u)` or `[0-9]` instead of `\\d` help".into(),
                });
                None
            }
            Err(error) => {
                let text = error.to_string();
                let reason = text
                    .lines()
                    .find_map(|l| l.strip_prefix("error: "))
                    .unwrap_or(text.as_str())
                    .to_owned();
                self.report(CheckError::InvalidRegex {
                    pattern: regex.node.replace('/', "\\/"),
                    span: regex.span.into(),
                    reason,
                    help: "patterns use the `regex` crate's syntax (no look-around, no backreferences); escape `/` as `\\/`".into(),
                });
                None
            }
        }
    }

    /// The fields of a block: its `use`d schemas' fields, then its own.
    pub(super) fn block_fields(&mut self, block: &'a FieldBlock) -> Vec<FieldDecl> {
        let mut out = Vec::new();
        for name in &block.uses {
            let key: Option<&'a str> = self
                .schemas
                .get_key_value(name.node.as_str())
                .map(|(k, _)| *k);
            let Some(key) = key else {
                let help =
                    suggestion::did_you_mean(&name.node, self.schemas.keys().copied(), || {
                        "declare it with `schema NAME { ... }`".into()
                    });
                self.report_unresolved(CheckError::UnknownSchema {
                    name: name.node.clone(),
                    span: name.span.into(),
                    label: "no schema of this name",
                    help,
                });
                continue;
            };
            if !self.schema_stack.contains(&key) {
                if let Some(decl) = self.schemas.get_mut(key) {
                    decl.used = true;
                }
            }
            match self.schema(key) {
                Some(fields) => out.extend(fields),
                None => self.report(CheckError::UnknownSchema {
                    name: name.node.clone(),
                    span: name.span.into(),
                    label: "uses itself",
                    help: format!("schema `{key}` is used while it is being defined; a schema cannot include itself, directly or through another"),
                }),
            }
        }
        for field in &block.fields {
            if let Some(decl) = self.field(field) {
                out.push(decl);
            }
        }
        out
    }

    /// Reports look-alikes and empty segments in a field path; true when it is clean.
    fn check_path(&mut self, path: &ast::Name) -> bool {
        if !self.check_chars("field path", path, |_| true) {
            return false;
        }
        if path.node.split('.').any(str::is_empty) {
            self.report(CheckError::MalformedName {
                kind: "field path",
                name: path.node.clone(),
                span: path.span.into(),
                problem: "empty segment".into(),
                help: Some(
                    "a path is dot-separated keys, e.g. `requestData.RequestParameters.name`"
                        .into(),
                ),
            });
            return false;
        }
        true
    }

    fn field(&mut self, field: &'a ast::Field) -> Option<FieldDecl> {
        let path = &field.path;
        if !self.check_path(&field.path) {
            return None;
        }
        let resolved = self.type_expr(&field.ty, &mut Vec::new())?;
        let (resolved, missing) = self.clauses(resolved, &field.clauses, Some(field.optional));
        Some(FieldDecl {
            rule: FieldRule {
                path: path.node.clone(),
                missing,
                ty: resolved.base,
                quoted: resolved.quoted.unwrap_or(Level::Error),
                values: resolved.values,
                patterns: resolved.patterns,
                description: field.description.as_ref().map(|d| d.node.clone()),
            },
            span: field.span,
        })
    }

    /// The envelope: every `envelope` block's fields, in order.
    pub(super) fn envelope(&mut self, items: &[&'a Item]) -> Vec<FieldDecl> {
        let mut out = Vec::new();
        for item in items {
            if let Item::Envelope(block) = item {
                out.extend(self.block_fields(block));
            }
        }
        out
    }

    /// Attaches `fields` blocks to their actions and builds the conditional constraints.
    pub(super) fn attach_fields(
        &mut self,
        items: &[&'a Item],
        actions: &mut Actions<'a>,
    ) -> Vec<Conditional> {
        let mut conditionals = Vec::new();
        for index in 0..actions.services.len() {
            let Some((mut built, blocks)) = actions
                .services
                .get(index)
                .map(|(s, b)| (s.clone(), b.clone()))
            else {
                continue;
            };
            let service = built.name.clone();
            for item in blocks.iter().flat_map(|b| &b.items) {
                match item {
                    ServiceItem::Fields(fields) => {
                        let names = self.action_refs(&fields.actions, Some(&service), actions);
                        let decls = self.block_fields(&fields.block);
                        for name in names {
                            if let Some(draft) = actions.by_name.get_mut(&name) {
                                for decl in &decls {
                                    if !draft.fields.iter().any(|d| d.span == decl.span) {
                                        draft.fields.push(decl.clone());
                                    }
                                }
                            }
                        }
                    }
                    ServiceItem::When(when) => {
                        self.conditional(when, Some(&service), actions, &mut conditionals);
                    }
                    _ => {}
                }
            }
            self.service_locations(&blocks, &mut built);
            if let Some(slot) = actions.services.get_mut(index) {
                slot.0 = built;
            }
        }
        for item in items {
            if let Item::When(when) = item {
                self.conditional(when, None, actions, &mut conditionals);
            }
        }
        conditionals
    }

    fn conditional(
        &mut self,
        when: &'a ast::WhenBlock,
        service: Option<&str>,
        actions: &mut Actions<'a>,
        conditionals: &mut Vec<Conditional>,
    ) {
        let mut selected: Option<BTreeSet<String>> = None;
        let mut comparisons = Vec::new();
        for condition in &when.conditions {
            match condition {
                Condition::ActionMatches(refs) | Condition::ActionIn(refs) => {
                    if let Condition::ActionIn(refs) = condition {
                        if let Some(glob) = refs.iter().find(|r| r.node.contains('*')) {
                            self.invalid(
                                glob.span,
                                "`action in { ... }` lists names, not patterns".into(),
                                "write `action matches PATTERN` to use `*`",
                            );
                            continue;
                        }
                    }
                    let names: BTreeSet<String> = self
                        .action_refs(refs, service, actions)
                        .into_iter()
                        .collect();
                    selected = Some(match selected {
                        None => names,
                        Some(previous) => previous.intersection(&names).cloned().collect(),
                    });
                }
                Condition::Compare { path, equal, value } => {
                    if !self.check_path(path) {
                        continue;
                    }
                    comparisons.push(Comparison {
                        path: path.node.clone(),
                        equal: *equal,
                        value: match &value.node {
                            Literal::String(s) => serde_json::Value::from(s.as_str()),
                            Literal::Bool(b) => serde_json::Value::from(*b),
                            Literal::Number(n) => serde_json::Number::from_f64(*n)
                                .map_or(serde_json::Value::Null, serde_json::Value::Number),
                        },
                    });
                }
            }
        }
        let fields = self.block_fields(&when.block);
        let selected: Vec<String> = match selected {
            Some(names) => names.into_iter().collect(),
            None => match service {
                Some(s) => {
                    let prefix = format!("{s}.");
                    actions
                        .by_name
                        .keys()
                        .filter(|n| n.starts_with(&prefix))
                        .cloned()
                        .collect()
                }
                None => actions.by_name.keys().cloned().collect(),
            },
        };
        let index = u32::try_from(conditionals.len()).unwrap_or(u32::MAX);
        for name in selected {
            if let Some(draft) = actions.by_name.get_mut(&name) {
                draft.action.conditionals.push(index);
            }
        }
        let head = self.text(when.span);
        conditionals.push(Conditional {
            condition: head.strip_prefix("when").unwrap_or(head).trim().to_owned(),
            comparisons,
            fields: fields.into_iter().map(|d| d.rule).collect(),
        });
    }

    /// Reports a field path declared differently twice for one action, or declared below a
    /// field that is not an object. Each pair of declarations is reported once.
    pub(super) fn check_conflicts(&mut self, envelope: &[FieldDecl], actions: &Actions<'_>) {
        let mut reported: HashSet<(Span, Span)> = HashSet::new();
        for (name, draft) in &actions.by_name {
            let mut seen: BTreeMap<&str, &FieldDecl> = BTreeMap::new();
            for decl in envelope.iter().chain(&draft.fields) {
                let path = decl.rule.path.as_str();
                let conflict = if let Some(first) = seen.get(path) {
                    (!same_constraints(&first.rule, &decl.rule)).then(|| {
                        (*first, "declared again with other constraints".to_owned(),
                         "declare the field once, or give both declarations the same type and constraints".to_owned())
                    })
                } else {
                    seen.iter().find_map(|(other, first)| {
                        let parent = if is_parent(other, path) {
                            &first.rule
                        } else if is_parent(path, other) {
                            &decl.rule
                        } else {
                            return None;
                        };
                        (parent.ty != BaseType::Object).then(|| {
                            (
                                *first,
                                format!(
                                    "`{}` is a `{}`, so it has no fields",
                                    parent.path,
                                    parent.ty.name()
                                ),
                                format!(
                                    "declare `{}` as `object`, or remove the nested field",
                                    parent.path
                                ),
                            )
                        })
                    })
                };
                if let Some((first, label, help)) = conflict {
                    if reported.insert((first.span, decl.span)) {
                        self.report(CheckError::ConflictingField {
                            path: path.to_owned(),
                            action: name.clone(),
                            span: decl.span.into(),
                            label,
                            first: first.span.into(),
                            help,
                        });
                    }
                }
                seen.entry(path).or_insert(decl);
            }
        }
    }
}

fn is_parent(parent: &str, child: &str) -> bool {
    child.len() > parent.len()
        && child.starts_with(parent)
        && child.as_bytes().get(parent.len()) == Some(&b'.')
}

fn same_constraints(a: &FieldRule, b: &FieldRule) -> bool {
    a.ty == b.ty
        && a.missing == b.missing
        && a.quoted == b.quoted
        && a.values == b.values
        && a.patterns == b.patterns
}
