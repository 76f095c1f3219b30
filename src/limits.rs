//! The limits that keep a careless or hostile input from taking rulec down, with their
//! defaults. Each limit hit is a clear error; for events, only that event is rejected.

/// The largest `.rules` file read, in bytes (`io::too_large`).
pub const MAX_RULES_FILE_BYTES: usize = 8 << 20;

/// The most declarations (actions, field lines, types, schemas, regions, targets, routes,
/// route rules) one catalog may hold (`limit::declarations`).
pub const MAX_DECLARATIONS: usize = 1_000_000;

/// The compiled size above which a pattern is refused (`rules::regex_too_large`), the
/// `regex` crate's `size_limit`; also applied when an artifact is loaded.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// How deep the brackets of a YAML document (a test suite, a YAML artifact) may nest; deeper is
/// refused before it is parsed (`suite::invalid`, `artifact::corrupt`).
pub const MAX_YAML_NESTING: usize = 64;

/// The largest `rulec test` suite file read, in bytes (`io::too_large`).
pub const MAX_SUITE_BYTES: usize = 8 << 20;

/// How many named types or schemas a type or schema may be defined through (`type a = b`,
/// `use s`), so that checking stays within a small, fixed stack (`limit::nesting`).
pub const MAX_NESTING: usize = 64;

/// The compiled size all of a catalog's distinct patterns may take together (`limit::patterns`),
/// checked by the checker and when an artifact is loaded. Each pattern is charged the size limit
/// it compiled under (16 KiB for most, at most [`REGEX_SIZE_LIMIT`]).
pub const PATTERN_BUDGET: usize = 64 << 20;

/// The largest artifact loaded, in bytes (`artifact::too_large`).
pub const MAX_ARTIFACT_BYTES: usize = 256 << 20;

/// The largest event evaluated, in bytes (`eval::event_too_large`); `rulec eval
/// --max-event-bytes` changes it.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// The most bytes kept of one input line: a longer line is cut there and the rest skipped
/// (it is over [`MAX_EVENT_BYTES`] anyway), so that no input can exhaust memory.
pub const LINE_CAP: usize = 64 << 20;

/// How deep JSON may nest in an event: `serde_json`'s recursion limit. Deeper input is
/// `eval::invalid_json` ("recursion limit exceeded"), never a stack overflow.
pub const MAX_JSON_DEPTH: usize = 128;

/// Activity Tracker Event Routing's limits per account (docs/domain.md §3.3): exceeding one is a
/// warning (`rules::limit_exceeded`), since a catalog may describe more than one account.
pub mod event_routing {
    /// Routes per account.
    pub const ROUTES: usize = 30;
    /// Rules per route (at least one).
    pub const RULES_PER_ROUTE: usize = 10;
    /// Locations per rule.
    pub const LOCATIONS_PER_RULE: usize = 8;
    /// Targets per rule.
    pub const TARGETS_PER_RULE: usize = 3;
    /// Targets per account.
    pub const TARGETS: usize = 16;
    /// Default targets.
    pub const DEFAULT_TARGETS: usize = 2;
    /// Characters in a route name.
    pub const ROUTE_NAME: usize = 180;
}
