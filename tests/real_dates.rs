//! Issue "real-world quality": documents whose metadata carries no date get the one their
//! first lines give (a date line, a dateline, a cue such as `Published`), measured on the
//! real documents of tests/data/real/ (not written by this project; labels in labels.toml,
//! made by reading). A date in the prose of the body must not become the publication date.

use std::collections::HashMap;
use std::path::Path;

#[test]
fn publication_dates_from_the_text_of_real_documents() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real");
    let labels: toml::Value = toml::from_str(&std::fs::read_to_string(root.join("labels.toml")).unwrap()).unwrap();
    let walked = gazette::load::walk(&root.join("docs"), &Default::default());
    let mut found: HashMap<String, Option<String>> = HashMap::new();
    for file in &walked.files {
        let loaded = gazette::load::load_file(&file.path, &file.id_base).unwrap();
        for doc in loaded.documents {
            found.insert(doc.id.clone(), doc.date.map(|d| d.date_naive().to_string()));
        }
    }
    let (mut dated, mut exact, mut undated, mut invented) = (0, 0, 0, Vec::new());
    for doc in labels["doc"].as_array().unwrap() {
        let id = doc["id"].as_str().unwrap();
        let got = found.get(id).unwrap_or_else(|| panic!("no document {id}")).clone();
        match doc.get("date").and_then(|d| d.as_str()) {
            Some(want) => {
                dated += 1;
                if got.as_deref() == Some(want) {
                    exact += 1;
                } else {
                    println!("{id}: labelled {want}, found {got:?}");
                }
            }
            None => {
                undated += 1;
                if let Some(got) = got {
                    invented.push(format!("{id}: {got}"));
                }
            }
        }
    }
    let share = exact as f64 / dated as f64;
    println!(
        "dates: {exact} of {dated} exact ({share:.3}); {} of {undated} undated documents given one",
        invented.len()
    );
    assert!(dated >= 30, "the set must have dated documents: {dated}");
    assert!(share >= 0.90, "{exact} of {dated} dates exact ({share:.3}), below 0.90");
    // A document without a date in its first lines gets none: at most one in twenty invented.
    assert!(invented.len() * 20 <= undated, "dates invented: {invented:?}");
}
