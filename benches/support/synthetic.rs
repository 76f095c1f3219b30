//! Synthetic catalogs of any size, shared by the scaling benchmark and the language server's
//! keystroke benchmark: the shipped envelope and regions plus services of 200 actions each,
//! whose fields share a few types, enums and patterns, as real catalogs share them.

use std::fmt::Write as _;

use rulec::Source;

const ACTIONS_PER_SERVICE: usize = 200;
const VERBS: [(&str, &str); 5] = [
    ("create", "management"),
    ("read", "data"),
    ("update", "data"),
    ("delete", "management"),
    ("list", "management"),
];

/// Types and schemas every synthetic service uses.
const SHARED: &str = r#"
type object_name = string matches /^[a-z][a-z0-9-]{0,62}$/
type object_state = enum { active, inactive, deleted, legacy warn }

schema create_fields {
  requestData.name: object_name "The new object's name."
  requestData.plan?: enum { lite, standard, enterprise }
}
schema read_fields {
  requestData.RequestParameters.name?: string matches /.*/
  responseData.state?: object_state
}
schema update_fields {
  requestData.updateType?: enum { replace, merge }
  requestData.newValue?: object
  responseData.state?: object_state
}
schema delete_fields {
  target.id: string matches /@sha256:[0-9a-f]{64}$/ "Deleted objects are named by digest."
}

target archive cloud_object_storage "Archive bucket"
target logs cloud_logs "Cloud Logs instance"
route everything {
  * -> logs
}
route data_events {
  types data
  * -> archive
}
"#;

/// The `.rules` sources of a catalog with `actions` actions.
pub(crate) fn synthetic(actions: usize) -> Vec<Source> {
    let mut services = String::with_capacity(actions * 64);
    for (index, first) in (0..actions).step_by(ACTIONS_PER_SERVICE).enumerate() {
        let count = ACTIONS_PER_SERVICE.min(actions - first);
        service(&mut services, index, count);
    }
    vec![
        Source::new("envelope.rules", include_str!("../../rules/envelope.rules")),
        Source::new(
            "locations.rules",
            include_str!("../../rules/locations.rules"),
        ),
        Source::new("shared.rules", SHARED),
        Source::new("services.rules", services),
    ]
}

/// One service of `count` actions: objects with five verbs each, and their fields.
fn service(out: &mut String, index: usize, count: usize) {
    let _ = writeln!(
        out,
        "service syn{index:05} \"Synthetic service {index}\" {{"
    );
    let _ = writeln!(out, "  collect management, data");
    let _ = writeln!(out, "  group objects \"Objects of service {index}\" {{");
    for k in 0..count {
        let (verb, kind) = VERBS
            .get(k % VERBS.len())
            .copied()
            .unwrap_or(("read", "data"));
        let object = k / VERBS.len();
        let _ = writeln!(
            out,
            "    {kind} object{object}.{verb} \"{verb} object {object}.\""
        );
    }
    let _ = writeln!(out, "  }}");
    for (verb, _) in VERBS.iter().take(count) {
        match *verb {
            "delete" => {
                let _ = writeln!(
                    out,
                    "  when action matches *.delete and outcome == \"success\" {{ use delete_fields }}"
                );
            }
            "list" => {}
            verb => {
                let _ = writeln!(out, "  fields *.{verb} {{ use {verb}_fields }}");
            }
        }
    }
    let _ = writeln!(out, "}}");
}
