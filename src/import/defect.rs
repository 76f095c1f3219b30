//! What `rulec import docs` reports about a page: each with a stable `import::` code, a label on
//! the page's text, and help. Spans are byte offsets into the page; attach the page as the
//! source code to render them (`miette::Report::with_source_code`).

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// A defect of a documentation page, or something on it the importer could not map. All but
/// [`PageDefect::NoActions`] are warnings: the catalog is still written, without or with the
/// correction the message names.
#[allow(
    missing_docs,
    reason = "variant fields are named for the message and labels they fill"
)]
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
pub enum PageDefect {
    /// An action name the page writes wrongly.
    #[error("the page writes the action `{written}` wrongly: {problem}")]
    #[diagnostic(code(import::malformed_action), severity(Warning))]
    MalformedAction {
        written: String,
        problem: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },

    /// An action of another service than the page's.
    #[error("`{name}` is not an action of `{service}`, the service of this page")]
    #[diagnostic(
        code(import::foreign_action),
        severity(Warning),
        help("not imported; if the page documents `{other}`, import it with `--service {other}`")
    )]
    ForeignAction {
        name: String,
        service: String,
        other: String,
        #[label("of service `{other}`")]
        span: SourceSpan,
    },

    /// An action listed twice. The first listing is named by its line: a label there would
    /// show every line between the two.
    #[error("the action `{name}` is listed twice")]
    #[diagnostic(
        code(import::duplicate_action),
        severity(Warning),
        help(
            "the first listing, on line {first_line}, is imported; remove this one from the page"
        )
    )]
    DuplicateAction {
        name: String,
        #[label("listed again here (first on line {first_line})")]
        span: SourceSpan,
        first_line: usize,
    },

    /// An action whose event type the page does not say.
    #[error("the page does not say whether `{name}` is a management or a data event")]
    #[diagnostic(code(import::unknown_event_type), severity(Warning))]
    UnknownEventType {
        name: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },

    /// A location the catalog's regions do not name.
    #[error("the page names a location the catalog does not know: `{written}`")]
    #[diagnostic(
        code(import::unknown_location),
        severity(Warning),
        help(
            "not imported; declare the region in the catalog the page is imported into (`--catalog DIR`), or add it to the service by hand"
        )
    )]
    UnknownLocation {
        written: String,
        #[label("no region, zone, alias or city of this name")]
        span: SourceSpan,
    },

    /// A city name the page misspells.
    #[error("the page writes `{written}` for `{meant}` ({region})")]
    #[diagnostic(
        code(import::misspelled_location),
        severity(Warning),
        help("imported as `{region}`; tell the page's owners")
    )]
    MisspelledLocation {
        written: String,
        meant: String,
        region: String,
        #[label("misspelled")]
        span: SourceSpan,
    },

    /// A `{{site.data.keyword.KEY}}` placeholder the importer's table does not render.
    #[error("the placeholder `{key}` is not one the importer knows")]
    #[diagnostic(
        code(import::unknown_placeholder),
        severity(Warning),
        help(
            "kept as written; replace it in the imported file with the words the doc site shows for it (`docs/import.md` lists the placeholders that are rendered)"
        )
    )]
    UnknownPlaceholder {
        key: String,
        #[label("not rendered")]
        span: SourceSpan,
    },

    /// A field the page gives a type the catalog has no base type for.
    #[error("the field `{path}` has the type `{written}`, which has no counterpart in the rules")]
    #[diagnostic(
        code(import::unknown_type),
        severity(Warning),
        help(
            "not imported; the types that map are String, Boolean, Integer, Number, Object, Array, Timestamp and CRN"
        )
    )]
    UnknownType {
        path: String,
        written: String,
        #[label("unknown type")]
        span: SourceSpan,
    },

    /// A custom event field table that names no action the page lists.
    #[error("the page does not say which actions carry the fields of this table")]
    #[diagnostic(
        code(import::unattached_fields),
        severity(Warning),
        help(
            "not imported; write the action names before the table (\"...in events with the action NAME\"), or declare the fields by hand in a `fields` block"
        )
    )]
    UnattachedFields {
        #[label("no action named before this table")]
        span: SourceSpan,
    },

    /// A page with no action table: nothing to import.
    #[error("the page has no table of actions, so there is no catalog to import")]
    #[diagnostic(
        code(import::no_actions),
        help(
            "give the service's Activity Tracker events page: its actions are in tables with an `Action` and a `Description` column (`操作 | 描述` on the Chinese pages)"
        )
    )]
    NoActions {
        #[label("the page starts here")]
        span: SourceSpan,
    },
}
