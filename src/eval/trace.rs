//! What one evaluation exercised: the catalog's items its decision depended on, recorded by
//! the reference evaluator where each is decided. `rulec test` measures coverage with it.

use crate::catalog::ActionId;

/// What evaluating one event exercised ([`super::Evaluator::evaluate_traced`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// The declared action the event names.
    pub action: Option<ActionId>,
    /// The envelope's and the action's fields the event has, with what was tested on them.
    pub fields: Vec<FieldHit>,
    /// The conditional constraints whose condition held, by index in
    /// [`crate::Catalog::conditionals`].
    pub conditionals: Vec<u32>,
    /// The region (or `global`) the CRN's location resolved to, before service overrides.
    pub location: Option<String>,
    /// The service's location override that moved the event, by index in its overrides.
    pub override_applied: Option<usize>,
    /// The route rules that matched: `(route index, rule index)`.
    pub route_rules: Vec<(usize, usize)>,
    /// Whether the default targets received the event (no route matched).
    pub default_targets: bool,
}

/// Whose field list a field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// [`crate::Catalog::envelope`].
    Envelope,
    /// The action's own fields ([`crate::Catalog::fields`]).
    Action(ActionId),
}

/// One field of an owner's list that the event has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldHit {
    /// Whose list.
    pub owner: Owner,
    /// Its index in the list.
    pub field: usize,
    /// The enum member the value is, by index in the field's values.
    pub member: Option<usize>,
    /// Whether the value was tested against the field's patterns (a string of the field's
    /// form).
    pub patterns_tested: bool,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Owner;
    use crate::eval::{Engine, Verdict};
    use crate::sample::{self, SampleOptions};

    #[test]
    fn a_traced_evaluation_decides_as_evaluate_and_records_what_it_used() {
        let engine = Engine::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap();
        let options = SampleOptions {
            count: 2000,
            invalid_share: 0.3,
            seed: 5,
        };
        let evaluator = engine.evaluator();
        let mut routed = 0;
        for event in sample::events(engine.catalog(), &options) {
            let (decision, trace) = evaluator.evaluate_traced(event.as_bytes(), 3);
            assert_eq!(decision, evaluator.evaluate(event.as_bytes(), 3), "{event}");
            let named = decision
                .action
                .as_deref()
                .and_then(|a| engine.catalog().action_id(a));
            assert_eq!(trace.action.is_some(), decision.service.is_some());
            assert!(trace.action.is_none() || trace.action == named);
            if decision.verdict == Verdict::Route {
                routed += 1;
                assert!(trace.location.is_some(), "{event}");
                assert!(
                    !trace.route_rules.is_empty() || trace.default_targets,
                    "{event}"
                );
                assert!(trace.fields.iter().any(|f| f.owner == Owner::Envelope));
            }
        }
        assert!(routed > 500, "only {routed} routed");
    }
}
