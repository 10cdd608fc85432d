//! The index schema, built from `index-schema/schema.toml`: the only place where index field
//! names are spelled in code.
//!
//! The TOML file is compiled in, so a binary never depends on files next to it at run time;
//! [`Fields::new`] checks that the file and the constants below agree.

use std::collections::BTreeMap;

use serde::Deserialize;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FacetOptions, Field, IndexRecordOption, JsonObjectOptions, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::error::{Error, Result};

/// The schema description, as written in `index-schema/schema.toml`.
pub const SCHEMA_TOML: &str = include_str!("../index-schema/schema.toml");

// Field names. Nothing else in the crate spells them.
pub(crate) const ID: &str = "id";
pub(crate) const PATH: &str = "path";
pub(crate) const TITLE: &str = "title";
pub(crate) const LEAD: &str = "lead";
pub(crate) const BODY: &str = "body";
pub(crate) const DATELINE: &str = "dateline";
pub(crate) const AUTHOR: &str = "author";
pub(crate) const SOURCE: &str = "source";
pub(crate) const URL: &str = "url";
pub(crate) const DATE: &str = "date";
pub(crate) const CONTENT_HASH: &str = "content_hash";
pub(crate) const EXTRA: &str = "extra";
pub(crate) const COUNTRY: &str = "country";
pub(crate) const ACTOR: &str = "actor";
pub(crate) const TOPIC: &str = "topic";
pub(crate) const MENTION: &str = "mention";
pub(crate) const ENRICHMENT: &str = "enrichment";

const ALL: [&str; 17] = [
    ID, PATH, TITLE, LEAD, BODY, DATELINE, AUTHOR, SOURCE, URL, DATE, CONTENT_HASH, EXTRA, COUNTRY, ACTOR, TOPIC,
    MENTION, ENRICHMENT,
];

/// Analyzer names as used in `schema.toml`.
pub(crate) const ENGLISH: &str = "english";
pub(crate) const KEYWORD: &str = "keyword";

pub use crate::analysis::english_analyzer;

/// The parsed `schema.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaSpec {
    /// Schema version, stored in every index.
    pub version: u32,
    /// Fields searched by terms that name no field.
    pub default_search_fields: Vec<String>,
    /// The fields, in schema order.
    #[serde(rename = "field")]
    pub fields: Vec<FieldSpec>,
}

/// One field of `schema.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Field name.
    pub name: String,
    /// `text`, `string` (untokenized), `date`, `facet`, `json` or `stored` (stored only).
    pub kind: String,
    /// For `text`: `english` or `keyword`.
    #[serde(default)]
    pub analyzer: Option<String>,
    /// For `text`: index positions (needed for phrases and passages).
    #[serde(default)]
    pub positions: bool,
    /// Kept in the doc store and returned with hits.
    pub stored: bool,
    /// Searchable.
    pub indexed: bool,
    /// Columnar, for sorting, ranges and aggregations.
    pub fast: bool,
    /// BM25 boost when the field is a default search field.
    #[serde(default)]
    pub boost: Option<f32>,
    /// What the field is for.
    pub description: String,
}

impl SchemaSpec {
    /// Parses the compiled-in `schema.toml`.
    ///
    /// ```
    /// let spec = gazette::schema::SchemaSpec::builtin()?;
    /// assert!(spec.fields.iter().any(|f| f.name == "title"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn builtin() -> Result<SchemaSpec> {
        toml::from_str(SCHEMA_TOML).map_err(|e| Error::SchemaData { file: "schema.toml", reason: e.to_string() })
    }

    fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The schema version this build reads and writes.
///
/// ```
/// assert!(gazette::schema::version() >= 1);
/// ```
pub fn version() -> u32 {
    SchemaSpec::builtin().map(|s| s.version).unwrap_or(0)
}

/// Handles of every field, plus the tantivy schema they belong to.
#[derive(Debug, Clone)]
pub struct Fields {
    pub(crate) schema: Schema,
    pub(crate) spec: SchemaSpec,
    pub(crate) id: Field,
    pub(crate) path: Field,
    pub(crate) title: Field,
    pub(crate) lead: Field,
    pub(crate) body: Field,
    pub(crate) dateline: Field,
    pub(crate) author: Field,
    pub(crate) source: Field,
    pub(crate) url: Field,
    pub(crate) date: Field,
    pub(crate) content_hash: Field,
    pub(crate) extra: Field,
    pub(crate) country: Field,
    pub(crate) actor: Field,
    pub(crate) topic: Field,
    pub(crate) mention: Field,
    pub(crate) enrichment: Field,
}

impl Fields {
    /// Builds the tantivy schema from the compiled-in `schema.toml`.
    ///
    /// ```
    /// let fields = gazette::schema::Fields::new()?;
    /// assert!(fields.schema().get_field("body").is_ok());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn new() -> Result<Fields> {
        let spec = SchemaSpec::builtin()?;
        let schema = build_schema(&spec)?;
        let f = |name: &str| schema.get_field(name).expect("checked by build_schema");
        Ok(Fields {
            id: f(ID),
            path: f(PATH),
            title: f(TITLE),
            lead: f(LEAD),
            body: f(BODY),
            dateline: f(DATELINE),
            author: f(AUTHOR),
            source: f(SOURCE),
            url: f(URL),
            date: f(DATE),
            content_hash: f(CONTENT_HASH),
            extra: f(EXTRA),
            country: f(COUNTRY),
            actor: f(ACTOR),
            topic: f(TOPIC),
            mention: f(MENTION),
            enrichment: f(ENRICHMENT),
            schema,
            spec,
        })
    }

    /// The tantivy schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The default search fields with their boosts.
    pub(crate) fn default_fields(&self) -> Vec<(Field, f32)> {
        self.spec
            .default_search_fields
            .iter()
            .map(|name| {
                let boost = self.spec.field(name).and_then(|f| f.boost).unwrap_or(1.0);
                (self.schema.get_field(name).expect("checked by build_schema"), boost)
            })
            .collect()
    }
}

fn build_schema(spec: &SchemaSpec) -> Result<Schema> {
    let bad = |reason: String| Error::SchemaData { file: "schema.toml", reason };
    let mut seen = BTreeMap::new();
    for f in &spec.fields {
        if seen.insert(f.name.as_str(), ()).is_some() {
            return Err(bad(format!("field {:?} is defined twice", f.name)));
        }
        if !ALL.contains(&f.name.as_str()) {
            return Err(bad(format!("field {:?} is not one Gazette knows (src/schema.rs)", f.name)));
        }
    }
    if let Some(missing) = ALL.iter().find(|n| !seen.contains_key(*n)) {
        return Err(bad(format!("field {missing:?} is missing")));
    }
    for name in &spec.default_search_fields {
        match spec.field(name) {
            Some(f) if f.kind == "text" && f.indexed => {}
            _ => {
                return Err(bad(format!("default search field {name:?} must be an indexed text field")));
            }
        }
    }
    let mut builder = Schema::builder();
    for f in &spec.fields {
        match f.kind.as_str() {
            "text" | "string" => {
                let analyzer = match (f.kind.as_str(), f.analyzer.as_deref()) {
                    ("string", None) => "raw",
                    ("text", Some(a @ (ENGLISH | KEYWORD))) => a,
                    (_, a) => {
                        return Err(bad(format!("field {:?}: analyzer {a:?} is not english or keyword", f.name)));
                    }
                };
                let mut opts = TextOptions::default();
                if f.indexed {
                    let record = if f.positions {
                        IndexRecordOption::WithFreqsAndPositions
                    } else if f.kind == "text" {
                        IndexRecordOption::WithFreqs
                    } else {
                        IndexRecordOption::Basic
                    };
                    opts = opts.set_indexing_options(
                        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record),
                    );
                }
                if f.stored {
                    opts = opts.set_stored();
                }
                if f.fast {
                    opts = opts.set_fast("raw");
                }
                builder.add_text_field(&f.name, opts);
            }
            "date" => {
                let mut opts = DateOptions::default().set_precision(DateTimePrecision::Seconds);
                if f.indexed {
                    opts = opts.set_indexed();
                }
                if f.stored {
                    opts = opts.set_stored();
                }
                if f.fast {
                    opts = opts.set_fast();
                }
                builder.add_date_field(&f.name, opts);
            }
            "facet" => {
                let mut opts = FacetOptions::default();
                if f.stored {
                    opts = opts.set_stored();
                }
                builder.add_facet_field(&f.name, opts);
            }
            "json" => {
                let mut opts = JsonObjectOptions::default();
                if f.indexed {
                    opts = opts.set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer("default")
                            .set_index_option(IndexRecordOption::WithFreqs),
                    );
                }
                if f.stored {
                    opts = opts.set_stored();
                }
                builder.add_json_field(&f.name, opts);
            }
            "stored" => {
                builder.add_text_field(&f.name, TextOptions::default().set_stored());
            }
            other => return Err(bad(format!("field {:?}: unknown kind {other:?}", f.name))),
        }
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::FieldType;

    /// The golden test: every field of index-schema/schema.toml is in the built schema with
    /// exactly the options the file gives, and the whole schema matches its snapshot.
    #[test]
    fn built_schema_matches_index_schema() {
        let fields = Fields::new().unwrap();
        let spec = SchemaSpec::builtin().unwrap();
        assert_eq!(fields.schema().fields().count(), spec.fields.len());
        for f in &spec.fields {
            let entry = fields.schema().get_field_entry(fields.schema().get_field(&f.name).unwrap());
            assert_eq!(entry.is_stored(), f.stored, "{}: stored", f.name);
            assert_eq!(entry.is_indexed(), f.indexed, "{}: indexed", f.name);
            assert_eq!(entry.is_fast(), f.fast, "{}: fast", f.name);
            match (f.kind.as_str(), entry.field_type()) {
                ("text" | "string", FieldType::Str(opts)) => {
                    if let Some(idx) = opts.get_indexing_options() {
                        let want = if f.kind == "string" { "raw" } else { f.analyzer.as_deref().unwrap() };
                        assert_eq!(idx.tokenizer(), want, "{}: analyzer", f.name);
                        assert_eq!(idx.index_option().has_positions(), f.positions, "{}: positions", f.name);
                    }
                }
                ("stored", FieldType::Str(_))
                | ("date", FieldType::Date(_))
                | ("facet", FieldType::Facet(_))
                | ("json", FieldType::JsonObject(_)) => {}
                (kind, t) => panic!("{}: kind {kind} built as {t:?}", f.name),
            }
        }
        insta::assert_json_snapshot!("tantivy_schema", fields.schema());
    }

    #[test]
    fn boosts_order_title_above_lead_above_body() {
        let fields = Fields::new().unwrap();
        let boosts: Vec<f32> = fields.default_fields().iter().map(|(_, b)| *b).collect();
        assert_eq!(boosts, [3.0, 1.5, 1.0]);
    }

    #[test]
    fn inconsistent_schema_files_are_refused() {
        let mut spec = SchemaSpec::builtin().unwrap();
        spec.fields.retain(|f| f.name != "title");
        let err = build_schema(&spec).unwrap_err().to_string();
        assert!(err.contains("\"title\" is missing"), "{err}");

        let mut spec = SchemaSpec::builtin().unwrap();
        spec.fields.push(spec.fields[0].clone());
        assert!(build_schema(&spec).unwrap_err().to_string().contains("defined twice"));

        let mut spec = SchemaSpec::builtin().unwrap();
        spec.default_search_fields.push("date".into());
        assert!(build_schema(&spec).unwrap_err().to_string().contains("must be an indexed text field"));
    }
}
