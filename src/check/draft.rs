//! The working data the checker's passes build together: the services and actions declared so
//! far, and the field declarations attached to them. `names` fills it, `fields` attaches to it,
//! and `mod.rs` turns it into the catalog's lists.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::ast;
use crate::catalog::{Action, FieldRule, Service, ServiceId};
use crate::source::Span;

use super::Origins;

/// A field rule and where it was declared.
#[derive(Debug, Clone)]
pub(super) struct FieldDecl {
    /// Shared by every action the declaration applies to, until the catalog is built.
    pub(super) rule: Arc<FieldRule>,
    pub(super) span: Span,
}

/// An action being checked.
impl FieldDecl {
    /// The rule, for the catalog: taken if no other action still shares it, else copied.
    pub(super) fn into_rule(self) -> FieldRule {
        Arc::unwrap_or_clone(self.rule)
    }
}

#[derive(Debug)]
pub(super) struct ActionDraft {
    pub(super) action: Action,
    pub(super) span: Span,
    pub(super) fields: Vec<FieldDecl>,
    /// Indexes of the conditional constraints that apply to it.
    pub(super) conditionals: Vec<u32>,
}

/// The services and actions declared so far; actions keyed by full name, so sorted.
#[derive(Debug, Default)]
pub(super) struct Actions<'a> {
    pub(super) services: Vec<(Service, Vec<&'a ast::Service>)>,
    pub(super) by_name: BTreeMap<String, ActionDraft>,
    /// Actions declared so far per service, for declaration positions.
    /// Per service, how many actions it declared so far.
    pub(super) declared: Vec<usize>,
    /// By service index: the service's envelope, when its `envelope` blocks declare fields
    /// again.
    pub(super) envelopes: HashMap<usize, Vec<FieldDecl>>,
}

impl Actions<'_> {
    /// The full names of a service's actions (`service.` prefixed, so a range of the map),
    /// or of every action when `service` is `None`.
    pub(super) fn names_in(&self, service: Option<&str>) -> impl Iterator<Item = &String> {
        self.drafts_in(service).map(|(name, _)| name)
    }

    /// [`Self::names_in`] with each action's draft.
    pub(super) fn drafts_in(
        &self,
        service: Option<&str>,
    ) -> impl Iterator<Item = (&String, &ActionDraft)> {
        let prefix = service.map(|s| format!("{s}.")).unwrap_or_default();
        self.by_name
            .range(prefix.clone()..)
            .take_while(move |(name, _)| name.starts_with(&prefix))
    }

    /// The name of the service an action belongs to.
    pub(super) fn service_name(&self, draft: &ActionDraft) -> Option<&str> {
        let (service, _) = self.services.get(draft.action.service.index())?;
        Some(service.name.as_str())
    }

    /// Counts one more action of a service in `declared` and returns how many came before
    /// it (a function of the field, so that the map can be borrowed meanwhile).
    pub(super) fn count(declared: &mut Vec<usize>, service: ServiceId) -> usize {
        let index = service.index();
        if declared.len() <= index {
            declared.resize(index + 1, 0);
        }
        let slot = declared.get_mut(index);
        slot.map_or(0, |n| {
            *n += 1;
            *n - 1
        })
    }

    /// The services, the actions, and the actions' distinct field lists: actions whose
    /// fields come from the same declarations share one list.
    /// Records where the actions and the fields of each list are declared in `origins`.
    pub(super) fn finish(
        self,
        origins: &mut Origins,
    ) -> (Vec<Service>, Vec<Action>, Vec<Arc<[FieldRule]>>) {
        let mut envelopes = self.envelopes;
        let services = self
            .services
            .into_iter()
            .enumerate()
            .map(|(index, (mut service, _))| {
                service.envelope = envelopes
                    .remove(&index)
                    .map(|decls| decls.into_iter().map(FieldDecl::into_rule).collect());
                service
            })
            .collect();
        let mut sets: HashMap<Vec<Span>, u32> = HashMap::new();
        let mut field_sets: Vec<Arc<[FieldRule]>> = Vec::new();
        let actions = self
            .by_name
            .into_values()
            .map(|mut d| {
                origins.actions.push(d.span);
                d.action.conditionals = d.conditionals.into_boxed_slice();
                let key: Vec<Span> = d.fields.iter().map(|f| f.span).collect();
                d.action.field_set = *sets.entry(key).or_insert_with(|| {
                    origins
                        .field_sets
                        .push(d.fields.iter().map(|f| f.span).collect());
                    field_sets.push(d.fields.into_iter().map(FieldDecl::into_rule).collect());
                    u32::try_from(field_sets.len() - 1).unwrap_or(u32::MAX)
                });
                d.action
            })
            .collect();
        (services, actions, field_sets)
    }
}
