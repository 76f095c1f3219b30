//! Named types, enums, constraint clauses and patterns: a type expression resolved once,
//! its errors reported once.

use std::collections::BTreeMap;

use super::draft::FieldDecl;
use super::{CheckError, CheckState};
use crate::ast::{self, ClauseKind, TypeExpr};
use crate::catalog::{BaseType, EnumValue, Level, Pattern, PatternError};
use crate::limits::MAX_NESTING;
use crate::source::Span;
use crate::suggestion;

/// A type with its constraints, before a field adds its own.
#[derive(Debug, Clone)]
pub(super) struct Resolved {
    pub(super) base: BaseType,
    pub(super) values: Vec<EnumValue>,
    pub(super) patterns: Vec<Pattern>,
    pub(super) quoted: Option<Level>,
    /// The level of a value of the wrong type or outside the enum (`invalid LEVEL`).
    pub(super) invalid: Option<Level>,
}

impl Resolved {
    fn base(base: BaseType) -> Self {
        Self {
            base,
            values: Vec::new(),
            patterns: Vec::new(),
            quoted: None,
            invalid: None,
        }
    }
}

impl<'a> CheckState<'a> {
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
    pub(super) fn schema(&mut self, name: &'a str) -> Option<Vec<FieldDecl>> {
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
        if stack.len() >= MAX_NESTING {
            self.report_too_deep(CheckError::TooDeep {
                kind: "type",
                name: name.to_owned(),
                limit: MAX_NESTING,
                span: decl.name.span.into(),
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

    pub(super) fn type_expr(
        &mut self,
        expr: &'a TypeExpr,
        stack: &mut Vec<&'a str>,
    ) -> Option<Resolved> {
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
        if members.node.is_empty() && !self.damaged(members.span) {
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
    pub(super) fn clauses(
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
        let mut seen_invalid = false;
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
                    Some(false) => match level {
                        Some(Level::Warning) => missing = Level::Warning,
                        Some(Level::Allow) => self.invalid(
                            clause.span,
                            "`missing allow` is what `?` says".into(),
                            "write the field as `path?: type` to make it optional",
                        ),
                        Some(Level::Error) | None => self.invalid(
                            clause.span,
                            "`missing` without `warn` changes nothing: a missing field is an error already".into(),
                            "write `missing warn` to make a missing field a warning, or remove the clause",
                        ),
                    },
                },
                ClauseKind::Invalid => {
                    if let Some(level) = self.invalid_level(clause, level, &mut seen_invalid) {
                        resolved.invalid = Some(level);
                    }
                }
            }
        }
        (resolved, missing)
    }

    /// The level an `invalid LEVEL` clause sets, or `None` when it is refused: only `warn`
    /// changes anything, and once.
    fn invalid_level(
        &mut self,
        clause: &ast::Clause,
        level: Option<Level>,
        seen: &mut bool,
    ) -> Option<Level> {
        if std::mem::replace(seen, true) {
            self.invalid(
                clause.span,
                "`invalid` is written twice".into(),
                "keep one `invalid` clause",
            );
            return None;
        }
        match level {
            Some(Level::Warning) => return Some(Level::Warning),
            Some(Level::Allow) => self.invalid(
                clause.span,
                "`invalid allow` checks nothing".into(),
                "write `invalid warn` to report a value of the wrong type or outside the enum as a warning",
            ),
            Some(Level::Error) | None => self.invalid(
                clause.span,
                "`invalid` without `warn` changes nothing: a wrong value is an error already".into(),
                "write `invalid warn` to make a wrong value a warning, or remove the clause",
            ),
        }
        None
    }

    pub(super) fn invalid(&mut self, span: Span, message: String, help: &str) {
        self.report(CheckError::InvalidConstraint {
            message,
            span: span.into(),
            label: "here".into(),
            help: help.to_owned(),
        });
    }

    /// Compiles a pattern once per distinct source, within [`crate::limits::REGEX_SIZE_LIMIT`] and the
    /// catalog's pattern budget.
    fn pattern(&mut self, regex: &crate::source::Spanned<String>, level: Level) -> Option<Pattern> {
        match self.patterns.compile(&regex.node) {
            Ok(compiled) => Some(Pattern::new(regex.node.clone(), level, compiled)),
            Err(PatternError::OverBudget(budget)) => {
                self.report(CheckError::PatternBudget {
                    budget,
                    span: regex.span.into(),
                });
                None
            }
            Err(PatternError::TooLarge(limit)) => {
                self.report(CheckError::RegexTooLarge {
                    pattern: regex.node.replace('/', "\\/"),
                    span: regex.span.into(),
                    limit,
                    help: "simplify it: large counted repetitions like `{1000}` and big Unicode classes multiply its size; `(?-u)` or `[0-9]` instead of `\\d` help".into(),
                });
                None
            }
            Err(PatternError::Invalid(error)) => {
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
}
