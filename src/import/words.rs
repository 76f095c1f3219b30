//! What the docs' text means: the doc site's keyword placeholders, the markup the importer
//! drops, and the city names the pages use for locations. `docs/import.md` lists the same
//! tables; a test keeps the two in step.

use crate::source::Span;

/// `{{site.data.keyword.KEY}}` placeholders and the words the doc site renders for them. A key
/// ending in `_notm` (no trademark sign) renders as the key without it.
pub const KEYWORDS: &[(&str, &str)] = &[
    ("IBM", "IBM"),
    ("cloud", "IBM Cloud"),
    ("cloud_notm", "IBM Cloud"),
    ("at_full", "IBM Cloud Activity Tracker"),
    ("at_short", "Activity Tracker"),
    ("atracker_full", "IBM Cloud Activity Tracker Event Routing"),
    ("atracker_short", "Activity Tracker Event Routing"),
    ("logs_full", "IBM Cloud Logs"),
    ("logs_short", "Cloud Logs"),
    ("registrylong", "IBM Cloud Container Registry"),
    ("registryshort", "Container Registry"),
    ("cloudantfull", "IBM Cloudant"),
    ("cloudant_short", "IBM Cloudant"),
    ("cos_full", "IBM Cloud Object Storage"),
    ("cos_short", "Object Storage"),
    ("keymanagementservicefull", "IBM Key Protect for IBM Cloud"),
    ("keymanagementserviceshort", "Key Protect"),
    ("iamlong", "IBM Cloud Identity and Access Management"),
    ("iamshort", "IAM"),
    ("redhat", "Red Hat"),
    ("vpc_full", "IBM Cloud Virtual Private Cloud"),
    ("vpc_short", "VPC"),
    ("attribute-definition-list", ""),
];

/// City names in the Simplified Chinese pages, and the region each names.
pub const CITIES_ZH: &[(&str, &str)] = &[
    ("金奈", "in-che"),
    ("达拉斯", "us-south"),
    ("法兰克福", "eu-de"),
    ("伦敦", "eu-gb"),
    ("大阪", "jp-osa"),
    ("圣保罗", "br-sao"),
    ("悉尼", "au-syd"),
    ("东京", "jp-tok"),
    ("多伦多", "ca-tor"),
    ("华盛顿特区", "us-east"),
    ("华盛顿", "us-east"),
    ("马德里", "eu-es"),
    ("蒙特利尔", "ca-mon"),
];

/// Misspelled city names seen in real pages: the spelling, the right one, and the region.
pub const MISSPELLED_CITIES: &[(&str, &str, &str)] = &[("大坂", "大阪", "jp-osa")];

/// The words for a placeholder key.
#[must_use]
pub fn keyword(key: &str) -> Option<&'static str> {
    let find = |key: &str| KEYWORDS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    find(key).or_else(|| key.strip_suffix("_notm").and_then(find))
}

/// A placeholder the table does not know: its key, and where it is in the text given to
/// [`render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Unknown {
    pub(super) key: String,
    pub(super) span: Span,
}

/// The text as the doc site shows it: placeholders rendered, `{: ...}` markup and Markdown
/// links and emphasis removed, and line breaks (`<br>`, and the literal `\n` a rendered page
/// keeps) made `\n`, with a paragraph break as a blank line. `at` is the text's offset in the
/// page, for the spans of unknown placeholders.
pub(super) fn render(text: &str, at: usize, unknown: &mut Vec<Unknown>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut offset = at;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find("}}") else {
            out.push_str(after);
            rest = "";
            break;
        };
        let inner = after[2..close].trim();
        let key = inner.strip_prefix("site.data.keyword.").unwrap_or(inner);
        if let Some(words) = keyword(key) {
            out.push_str(words);
        } else {
            unknown.push(Unknown {
                key: key.to_owned(),
                span: Span::new(offset + open, offset + open + close + 2),
            });
            out.push_str(&after[..close + 2]);
        }
        offset += open + close + 2;
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    breaks(&strip_markup(&out))
}

/// `{: ...}` attributes and `[text](link)` links, as text.
fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let attribute = rest.find("{:");
        let link = rest.find("](");
        match (attribute, link) {
            (Some(a), l) if l.is_none_or(|l| a < l) => {
                let Some(end) = rest[a..].find('}') else {
                    break;
                };
                out.push_str(rest[..a].trim_end_matches(' '));
                rest = &rest[a + end + 1..];
            }
            (_, Some(l)) => {
                if let Some(open) = rest[..l].rfind('[') {
                    out.push_str(&rest[..open]);
                    out.push_str(&rest[open + 1..l]);
                    let after = &rest[l + 2..];
                    rest = after.find(')').map_or("", |close| &after[close + 1..]);
                } else {
                    out.push_str(&rest[..l + 2]);
                    rest = &rest[l + 2..];
                }
            }
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

/// Line breaks as `\n`: `<br>` and a literal backslash-n, each with the spaces around it.
fn breaks(text: &str) -> String {
    let text = text.replace("<br/>", "<br>").replace("<br />", "<br>");
    let parts: Vec<&str> = text.split("<br>").flat_map(|p| p.split("\\n")).collect();
    if parts.len() == 1 {
        return text.trim().to_owned();
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(part.trim());
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_links_and_breaks() {
        let mut unknown = Vec::new();
        let text = render(
            "Push to {{site.data.keyword.registryshort_notm}}. \\n \\n See [the API](https://x). {: external} {{site.data.keyword.nope}}",
            10,
            &mut unknown,
        );
        assert_eq!(
            text,
            "Push to Container Registry.\n\nSee the API. {{site.data.keyword.nope}}"
        );
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].key, "nope");
        assert_eq!(unknown[0].span, Span::new(10 + 95, 10 + 95 + 26));
    }

    #[test]
    fn doc_line_breaks() {
        let mut unknown = Vec::new();
        assert_eq!(render("a<br><br>b", 0, &mut unknown), "a\n\nb");
    }
}
