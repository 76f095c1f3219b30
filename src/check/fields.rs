//! Field declarations: blocks, schemas used, the envelope, fields attached to actions,
//! conditional constraints and conflicting declarations.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use super::draft::{Actions, FieldDecl};
use super::{CheckError, CheckState};
use crate::ast::{self, Condition, FieldBlock, Item, Literal, ServiceItem};
use crate::catalog::{BaseType, Comparison, Conditional, FieldRule, Level, PathId};
use crate::limits::MAX_NESTING;
use crate::source::Span;
use crate::suggestion;

impl<'a> CheckState<'a> {
    /// The fields of a block: its `use`d schemas' fields, then its own.
    ///
    /// A field that two used schemas share (both use a third) is taken once, so that schemas
    /// used as a diamond expand to their distinct fields, not to a copy per path.
    pub(super) fn block_fields(&mut self, block: &'a FieldBlock) -> Vec<FieldDecl> {
        let mut out: Vec<FieldDecl> = Vec::new();
        let mut taken: HashSet<Span> = HashSet::new();
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
            if self.schema_stack.len() >= MAX_NESTING && !self.schema_fields.contains_key(key) {
                self.report_too_deep(CheckError::TooDeep {
                    kind: "schema",
                    name: key.to_owned(),
                    limit: MAX_NESTING,
                    span: name.span.into(),
                });
                continue;
            }
            match self.schema(key) {
                Some(fields) => out.extend(fields.into_iter().filter(|f| taken.insert(f.span))),
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
                if taken.insert(decl.span) {
                    out.push(decl);
                }
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
            rule: Arc::new(FieldRule {
                path: path.node.clone(),
                missing,
                ty: resolved.base,
                quoted: resolved.quoted.or(resolved.invalid).unwrap_or(Level::Error),
                invalid: resolved.invalid.unwrap_or(Level::Error),
                values: resolved.values,
                patterns: resolved.patterns,
                description: field.description.as_ref().map(|d| d.node.clone()),
                path_id: PathId::default(),
            }),
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

    /// A service's envelope: the catalog's, with the fields its `envelope` blocks declare
    /// again put in their place; `None` when it has no such block. A path the catalog's
    /// envelope does not declare, or one declared twice, is reported.
    fn service_envelope(
        &mut self,
        blocks: &[&'a ast::Service],
        envelope: &[FieldDecl],
    ) -> Option<Vec<FieldDecl>> {
        let mut own: Vec<FieldDecl> = Vec::new();
        for item in blocks.iter().flat_map(|b| &b.items) {
            if let ServiceItem::Envelope(block) = item {
                own.extend(self.block_fields(block));
            }
        }
        if own.is_empty() {
            return None;
        }
        let mut effective = envelope.to_vec();
        let mut redeclared: HashSet<String> = HashSet::new();
        for decl in own {
            if !redeclared.insert(decl.rule.path.clone()) {
                self.invalid(
                    decl.span,
                    format!(
                        "`{}` is declared twice in this service's envelope",
                        decl.rule.path
                    ),
                    "declare each envelope field once per service",
                );
                continue;
            }
            if let Some(slot) = effective.iter_mut().find(|d| d.rule.path == decl.rule.path) {
                *slot = decl;
            } else {
                let known = envelope.iter().map(|d| d.rule.path.as_str());
                let help = suggestion::did_you_mean(&decl.rule.path, known, || {
                    "a service's `envelope` block declares envelope fields again for its events; declare its own fields in a `fields` block".into()
                });
                self.invalid(
                    decl.span,
                    format!("`{}` is not a field of the envelope", decl.rule.path),
                    &help,
                );
            }
        }
        Some(effective)
    }

    /// Attaches `fields` blocks to their actions and builds the conditional constraints; each
    /// service's own envelope goes to `actions.envelopes`.
    pub(super) fn attach_fields(
        &mut self,
        items: &[&'a Item],
        envelope: &[FieldDecl],
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
            if let Some(own) = self.service_envelope(&blocks, envelope) {
                actions.envelopes.insert(index, own);
            }
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
            let overrides = std::mem::take(&mut self.override_spans);
            self.origins.overrides.push(overrides);
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
                    self.compared.push((path.node.clone(), path.span));
                    comparisons.push(Comparison {
                        path: path.node.clone(),
                        equal: *equal,
                        value: match &value.node {
                            Literal::String(s) => serde_json::Value::from(s.as_str()),
                            Literal::Bool(b) => serde_json::Value::from(*b),
                            Literal::Number(n) => serde_json::Number::from_f64(*n)
                                .map_or(serde_json::Value::Null, serde_json::Value::Number),
                        },
                        path_id: PathId::default(),
                    });
                }
            }
        }
        let fields = self.block_fields(&when.block);
        let selected: Vec<String> = match selected {
            Some(names) => names.into_iter().collect(),
            None => actions.names_in(service).cloned().collect(),
        };
        let index = u32::try_from(conditionals.len()).unwrap_or(u32::MAX);
        for name in selected {
            if let Some(draft) = actions.by_name.get_mut(&name) {
                draft.conditionals.push(index);
            }
        }
        let head = self.text(when.span);
        self.origins.conditionals.push(when.span);
        conditionals.push(Conditional {
            condition: head.strip_prefix("when").unwrap_or(head).trim().to_owned(),
            comparisons,
            fields: fields.into_iter().map(FieldDecl::into_rule).collect(),
        });
    }

    /// Reports a field path declared differently twice for one action, or declared below a
    /// field that is not an object. Each pair of declarations is reported once.
    /// Warns about a path compared in a `when` condition that no field declares (the envelope,
    /// a `fields` block, a schema or a conditional's fields), as a typo would be: such a
    /// comparison never sees a value the catalog knows.
    pub(super) fn undeclared_paths(
        &mut self,
        envelope: &[FieldDecl],
        actions: &Actions<'_>,
        conditionals: &[Conditional],
    ) {
        self.near_envelope_paths(envelope, actions);
        if self.compared.is_empty() {
            return;
        }
        let mut declared: BTreeSet<&str> = BTreeSet::new();
        declared.extend(envelope.iter().map(|d| d.rule.path.as_str()));
        for draft in actions.by_name.values() {
            declared.extend(draft.fields.iter().map(|d| d.rule.path.as_str()));
        }
        for conditional in conditionals {
            declared.extend(conditional.fields.iter().map(|f| f.path.as_str()));
        }
        for fields in self.schema_fields.values() {
            declared.extend(fields.iter().map(|d| d.rule.path.as_str()));
        }
        // `action` is always read, and a prefix of a declared path names an object that is.
        let known = |path: &str| {
            path == "action"
                || declared
                    .range::<&str, _>((
                        std::ops::Bound::Included(&path),
                        std::ops::Bound::Unbounded,
                    ))
                    .next()
                    .is_some_and(|d| {
                        *d == path
                            || d.strip_prefix(path)
                                .is_some_and(|rest| rest.starts_with('.'))
                    })
        };
        let unknown: Vec<(String, Span)> = self
            .compared
            .iter()
            .filter(|(path, _)| !known(path))
            .cloned()
            .collect();
        let errors: Vec<CheckError> = unknown
            .into_iter()
            .map(|(path, span)| {
                let help = suggestion::did_you_mean(&path, declared.iter().copied(), || {
                    "declare the field in the envelope or a `fields` block, or correct the path"
                        .into()
                });
                CheckError::UndeclaredPath {
                    path,
                    span: span.into(),
                    help,
                }
            })
            .collect();
        self.errors.extend(errors);
    }

    /// Warns about a path a `fields` block declares that is one typo away from an envelope
    /// path (`outcom` beside `outcome`): the block declares a field no event has, and the
    /// envelope's field goes on being checked as before.
    fn near_envelope_paths(&mut self, envelope: &[FieldDecl], actions: &Actions<'_>) {
        fn last(path: &str) -> (&str, &str) {
            path.rsplit_once('.').unwrap_or(("", path))
        }
        let envelope: Vec<(&str, &str)> = envelope
            .iter()
            .map(|d| last(d.rule.path.as_str()))
            .collect();
        if envelope.is_empty() {
            return;
        }
        let in_schemas: HashSet<Span> = self
            .schema_fields
            .values()
            .flatten()
            .map(|d| d.span)
            .collect();
        let mut seen: HashSet<Span> = HashSet::new();
        let mut found = Vec::new();
        for draft in actions.by_name.values() {
            for decl in &draft.fields {
                let path = decl.rule.path.as_str();
                if in_schemas.contains(&decl.span) || !seen.insert(decl.span) {
                    continue;
                }
                let (head, name) = last(path);
                if envelope.iter().any(|(h, n)| *h == head && *n == name) {
                    continue;
                }
                let near = envelope.iter().filter(|(h, _)| *h == head).map(|(_, n)| *n);
                if let Some(meant) = suggestion::closest(name, near) {
                    let meant = if head.is_empty() {
                        meant.to_owned()
                    } else {
                        format!("{head}.{meant}")
                    };
                    found.push(CheckError::NearEnvelopePath {
                        path: path.to_owned(),
                        span: Span::new(decl.span.start as usize, decl.span.start as usize + path.len()).into(),
                        help: format!("did you mean `{meant}`? If `{path}` is a field of its own, ignore this warning"),
                        meant,
                    });
                }
            }
        }
        found.sort_by_key(|e| crate::check::primary_offset(e));
        self.errors.extend(found);
    }

    pub(super) fn check_conflicts(&mut self, envelope: &[FieldDecl], actions: &Actions<'_>) {
        let mut reported: HashSet<(Span, Span)> = HashSet::new();
        // Actions with the same declarations have the same conflicts: check each list once,
        // at its first action, which is the one the report names.
        let mut checked: HashSet<(usize, Vec<Span>)> = HashSet::new();
        for (name, draft) in &actions.by_name {
            let service = draft.action.service.index();
            if !checked.insert((service, draft.fields.iter().map(|d| d.span).collect())) {
                continue;
            }
            let envelope = actions
                .envelopes
                .get(&service)
                .map_or(envelope, Vec::as_slice);
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
        && a.invalid == b.invalid
        && a.values == b.values
        && a.patterns == b.patterns
}
