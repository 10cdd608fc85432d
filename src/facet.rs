//! Facet values: the one place where they are built and normalized.

/// Joins path components into a facet path, `/A/B`, escaping `/` inside a component and
/// collapsing white space, so that a value is spelled the same wherever it comes from.
///
/// ```
/// assert_eq!(gazette::facet::path(&["Asia", "Eastern  Asia", "China"]), "/Asia/Eastern Asia/China");
/// assert_eq!(gazette::facet::path(&["organization", "AC/DC Ltd"]), "/organization/AC\\/DC Ltd");
/// ```
pub fn path(components: &[&str]) -> String {
    let mut out = String::with_capacity(components.iter().map(|c| c.len() + 1).sum());
    for c in components {
        out.push('/');
        for (i, word) in c.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            for ch in word.chars() {
                if ch == '/' {
                    out.push('\\');
                }
                out.push(ch);
            }
        }
    }
    out
}

/// Splits a facet path into its components (undoing the escaping of [`path`]).
///
/// ```
/// assert_eq!(gazette::facet::components("/organization/AC\\/DC Ltd"), ["organization", "AC/DC Ltd"]);
/// ```
pub fn components(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.trim_start_matches('/').chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '/' => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || !out.is_empty() {
        out.push(cur);
    }
    out
}
