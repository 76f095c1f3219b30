//! Brace lists (enum members, locations): on the line of their declaration when short,
//! filled onto lines of their own when long, one member to a line when they hold comments.

use super::token::{level_word, quote};
use super::{Printer, end, last, start};
use crate::ast::{EnumMember, Geography, Locations, Name, Text};
use crate::source::{Span, Spanned};

/// The widest list (`{ a, b }`) written on the line of its declaration; a longer one, or one
/// that holds comments, goes on lines of its own.
const INLINE_LIST: usize = 60;

/// How a brace list is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// `{ a, b }` on the line of its declaration.
    Inline,
    /// Its own lines, as many members to a line as fit.
    Fill,
    /// A line for each member, with its comments.
    PerLine,
}

/// A brace list (enum members, locations) and what surrounds it on its declaration.
pub(super) struct List {
    /// What comes before the braces: `path: enum`, `locations NAME "caption"`.
    pub(super) head: String,
    /// Offsets of the braces.
    pub(super) open: usize,
    pub(super) close: usize,
    /// Each member's span and text.
    pub(super) members: Vec<(Span, String)>,
    /// What follows the closing brace: clauses and a description.
    pub(super) tail: String,
}

impl Printer<'_> {
    /// The members of an enum, each as written: quoted or bare, with its level.
    pub(super) fn enum_list(&self, members: &Spanned<Vec<EnumMember>>, tail: &str) -> List {
        let members_text = members.node.iter().map(|member| {
            let span = member
                .level
                .as_ref()
                .map_or(member.value.span, |l| member.value.span.to(l.span));
            let written_quoted = self.out.byte_at(start(member.value.span)) == Some(b'"');
            let mut text = if written_quoted {
                quote(&member.value.node)
            } else {
                member.value.node.clone()
            };
            if let Some(level) = &member.level {
                text = format!("{text} {}", level_word(level.node));
            }
            (span, text)
        });
        List {
            head: "enum".to_owned(),
            open: self.out.find(start(members.span), b'{'),
            close: last(members.span),
            members: members_text.collect(),
            tail: tail.to_owned(),
        }
    }

    /// The locations of a `locations` table.
    pub(super) fn locations_list(&self, locations: &Locations) -> List {
        let head = format!("locations {}", locations.name);
        self.captioned_list(
            &head,
            &locations.caption,
            locations.span,
            &locations.locations,
        )
    }

    /// A `geography` line: its regions.
    pub(super) fn geography_list(&self, geography: &Geography) -> List {
        let head = format!("geography {}", geography.name);
        self.captioned_list(
            &head,
            &geography.display,
            geography.span,
            &geography.regions,
        )
    }

    /// `KEYWORD NAME "caption" { names }`, whose braces follow the caption.
    fn captioned_list(&self, head: &str, caption: &Text, span: Span, names: &[Name]) -> List {
        List {
            head: format!("{head} {}", quote(&caption.node)),
            open: self.out.find(end(caption.span), b'{'),
            close: last(span),
            members: names.iter().map(|n| (n.span, n.node.clone())).collect(),
            tail: String::new(),
        }
    }

    /// Per line when the list holds comments, inline when short, filled otherwise.
    pub(super) fn layout(&self, list: &List) -> Layout {
        if self.out.has_comments_between(list.open, list.close) {
            Layout::PerLine
        } else if inline(list).chars().count() <= INLINE_LIST {
            Layout::Inline
        } else {
            Layout::Fill
        }
    }

    /// A declaration that holds a brace list, spanning `span`.
    pub(super) fn list(&mut self, span: Span, list: &List) {
        let layout = self.layout(list);
        if layout == Layout::Inline {
            self.line(span, format!("{} {}{}", list.head, inline(list), list.tail));
            return;
        }
        self.out.open(start(span), list.open, &list.head);
        let count = list.members.len();
        let with_commas = list
            .members
            .iter()
            .enumerate()
            .map(|(index, (span, text))| {
                let comma = if index + 1 < count { "," } else { "" };
                (*span, format!("{text}{comma}"))
            });
        if layout == Layout::PerLine {
            for (span, text) in with_commas {
                self.line(span, text);
            }
        } else {
            self.fill(with_commas.map(|(_, text)| text));
        }
        self.out.close_with(list.close, &list.tail, end(span));
    }

    /// Members on as few lines as fit in the width.
    fn fill(&mut self, members: impl Iterator<Item = String>) {
        let mut line = String::new();
        for member in members {
            let wanted = line.chars().count() + 1 + member.chars().count();
            if !line.is_empty() && wanted > self.out.room() {
                self.out.code(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&member);
        }
        if !line.is_empty() {
            self.out.code(line);
        }
    }
}

/// The braces of a list on one line: `{ a, b }`, or `{ }` when empty.
fn inline(list: &List) -> String {
    if list.members.is_empty() {
        return "{ }".to_owned();
    }
    let members: Vec<&str> = list.members.iter().map(|(_, text)| text.as_str()).collect();
    format!("{{ {} }}", members.join(", "))
}
