//! Which constraints test cases exercised: actions, locations, overrides, fields, enum
//! members, patterns, conditional constraints and route rules.

use serde_json::Value;

use crate::catalog::{Catalog, FieldRule};
use crate::eval::{self, Decision};

/// One thing a case can exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What it is, e.g. ``route `regional` rule 1``.
    pub label: String,
    /// Whether some case exercised it.
    pub covered: bool,
}

/// The items of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// `actions`, `locations`, ...
    pub name: &'static str,
    /// Its items.
    pub items: Vec<Item>,
}

impl Category {
    /// How many items were exercised.
    #[must_use]
    pub fn covered(&self) -> usize {
        self.items.iter().filter(|i| i.covered).count()
    }
}

/// Coverage of a catalog by a set of cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// One category per kind of item.
    pub categories: Vec<Category>,
}

fn item(label: String) -> Item {
    Item {
        label,
        covered: false,
    }
}

/// The coverage items of a list of field rules, owned by `owner` (`envelope` or an action).
fn field_items(owner: &str, fields: &[FieldRule], out: &mut [Vec<Item>; 3]) {
    for field in fields {
        out[0].push(item(format!("{owner}: `{}`", field.path)));
        for value in &field.values {
            out[1].push(item(format!(
                "{owner}: `{}` = `{}`",
                field.path, value.value
            )));
        }
        for pattern in &field.patterns {
            out[2].push(item(format!(
                "{owner}: `{}` matches `/{}/`",
                field.path,
                pattern.source()
            )));
        }
    }
}

impl Coverage {
    /// Every item of the catalog, none exercised yet.
    #[must_use]
    pub fn of(catalog: &Catalog) -> Self {
        let actions = catalog
            .actions()
            .iter()
            .map(|a| item(a.name.to_string()))
            .collect();
        let mut locations: Vec<Item> = catalog
            .regions()
            .iter()
            .map(|r| item(r.name.clone()))
            .collect();
        locations.push(item(crate::vocab::GLOBAL.into()));
        let overrides = catalog
            .services()
            .iter()
            .flat_map(|s| {
                s.overrides
                    .iter()
                    .map(move |(from, to)| item(format!("{}: `{from}` -> `{to}`", s.name)))
            })
            .collect();
        let mut fields = [Vec::new(), Vec::new(), Vec::new()];
        field_items("envelope", catalog.envelope(), &mut fields);
        for action in catalog.actions() {
            field_items(&action.name, catalog.fields(action), &mut fields);
        }
        let conditionals = catalog
            .conditionals()
            .iter()
            .map(|c| item(format!("when {}", c.condition)))
            .collect();
        let mut rules: Vec<Item> = catalog
            .routes()
            .iter()
            .flat_map(|r| {
                (1..=r.rules.len()).map(move |i| item(format!("route `{}` rule {i}", r.name)))
            })
            .collect();
        if !catalog.default_targets().is_empty() {
            rules.push(item("default targets".into()));
        }
        let [fields, members, patterns] = fields;
        Self {
            categories: vec![
                Category {
                    name: "actions",
                    items: actions,
                },
                Category {
                    name: "locations",
                    items: locations,
                },
                Category {
                    name: "location overrides",
                    items: overrides,
                },
                Category {
                    name: "fields",
                    items: fields,
                },
                Category {
                    name: "enum members",
                    items: members,
                },
                Category {
                    name: "patterns",
                    items: patterns,
                },
                Category {
                    name: "conditional constraints",
                    items: conditionals,
                },
                Category {
                    name: "route rules",
                    items: rules,
                },
            ],
        }
    }

    fn mark(&mut self, category: usize, label: &str) {
        if let Some(item) = self
            .categories
            .get_mut(category)
            .and_then(|c| c.items.iter_mut().find(|i| i.label == label))
        {
            item.covered = true;
        }
    }

    /// Marks what one evaluated event exercised.
    pub fn record(&mut self, catalog: &Catalog, event: &Value, decision: &Decision) {
        self.record_fields("envelope", catalog.envelope(), event);
        let Some(action) = decision
            .action
            .as_deref()
            .and_then(|a| catalog.action_id(a))
            .and_then(|id| catalog.action(id))
        else {
            return;
        };
        self.mark(0, &action.name);
        self.record_fields(&action.name, catalog.fields(action), event);
        for index in &action.conditionals {
            if let Some(conditional) = catalog.conditionals().get(*index as usize) {
                if eval::condition_holds(conditional, event) {
                    // By position: two conditions may read the same.
                    if let Some(item) = self
                        .categories
                        .get_mut(6)
                        .and_then(|c| c.items.get_mut(*index as usize))
                    {
                        item.covered = true;
                    }
                }
            }
        }
        let Some(service) = catalog.service(action.service) else {
            return;
        };
        let Some(raw) = eval::resolved_location(catalog, event) else {
            return;
        };
        self.mark(1, raw);
        if let Some((from, to)) = service.overrides.iter().find(|(from, _)| from == raw) {
            self.mark(2, &format!("{}: `{from}` -> `{to}`", service.name));
        }
        if decision.location.is_none() || decision.verdict == eval::Verdict::Reject {
            return;
        }
        let routed: Vec<(usize, usize)> =
            eval::matched_route_rules(catalog, action, service, event);
        for (route, rule) in &routed {
            if let Some(route) = catalog.routes().get(*route) {
                self.mark(7, &format!("route `{}` rule {}", route.name, rule + 1));
            }
        }
        if routed.is_empty() && !catalog.default_targets().is_empty() {
            self.mark(7, "default targets");
        }
    }

    fn record_fields(&mut self, owner: &str, fields: &[FieldRule], event: &Value) {
        for field in fields {
            let Some(value) = eval::lookup(event, &field.path) else {
                continue;
            };
            self.mark(3, &format!("{owner}: `{}`", field.path));
            if let Value::String(text) = &*value {
                if field.values.iter().any(|v| v.value == *text) {
                    self.mark(4, &format!("{owner}: `{}` = `{text}`", field.path));
                }
                for pattern in &field.patterns {
                    self.mark(
                        5,
                        &format!("{owner}: `{}` matches `/{}/`", field.path, pattern.source()),
                    );
                }
            }
        }
    }

    /// Items exercised, of all items, in percent (100 when there is nothing to exercise).
    #[must_use]
    pub fn percent(&self) -> f64 {
        let total: usize = self.categories.iter().map(|c| c.items.len()).sum();
        let covered: usize = self.categories.iter().map(Category::covered).sum();
        if total == 0 {
            100.0
        } else {
            // Counts of catalog items stay far below 2^52: the conversion is exact.
            #[expect(clippy::cast_precision_loss, reason = "counts stay far below 2^52")]
            let percent = covered as f64 * 100.0 / total as f64;
            percent
        }
    }
}
