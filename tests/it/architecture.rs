//! The folder layout is the architecture: each top-level module of `src/` sits in a layer that
//! `docs/architecture.md` names, and imports only from layers below its own. This test reads
//! the layers from that page and every `crate::…` path from the source, so the page and the
//! code cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The layers as `docs/architecture.md` gives them in its `layers` block, top first.
fn documented_layers() -> BTreeMap<String, usize> {
    let page = std::fs::read_to_string(Path::new(ROOT).join("docs/architecture.md"))
        .expect("docs/architecture.md exists");
    let block = page
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/architecture.md has a ```layers block");
    let rows: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut layers = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let height = rows.len() - i;
        for room in row.split_whitespace() {
            let previous = layers.insert(room.to_owned(), height);
            assert!(
                previous.is_none(),
                "{room} is named twice in the layers block"
            );
        }
    }
    layers
}

/// The top-level modules `src/lib.rs` declares.
fn declared_modules() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(Path::new(ROOT).join("src/lib.rs")).expect("src/lib.rs");
    lib.lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_owned())
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every top-level module a file names through `crate::`, including inside `use crate::{…}`.
fn imported_rooms(text: &str) -> BTreeSet<String> {
    let mut rooms = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let name: String = item.trim().chars().take_while(is_ident).collect();
                if !name.is_empty() && name != "self" {
                    rooms.insert(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(is_ident).collect();
            if !name.is_empty() {
                rooms.insert(name);
            }
        }
    }
    rooms
}

fn is_ident(c: &char) -> bool {
    c.is_ascii_alphanumeric() || *c == '_'
}

/// The room a source file belongs to: `src/engine/plan/x.rs` is in `engine`.
fn room_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let room = first.trim_end_matches(".rs");
    (!matches!(room, "lib" | "main")).then(|| room.to_owned())
}

#[test]
fn every_module_is_in_a_documented_layer() {
    let layers = documented_layers();
    let declared = declared_modules();
    let undocumented: Vec<_> = declared
        .iter()
        .filter(|m| !layers.contains_key(*m))
        .collect();
    assert!(
        undocumented.is_empty(),
        "modules of src/lib.rs missing from docs/architecture.md's layers: {undocumented:?}"
    );
    let gone: Vec<_> = layers.keys().filter(|m| !declared.contains(*m)).collect();
    assert!(
        gone.is_empty(),
        "layers name modules src/lib.rs no longer has: {gone:?}"
    );
}

#[test]
fn imports_only_run_down_the_layers() {
    let layers = documented_layers();
    let src = Path::new(ROOT).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward = Vec::new();
    for file in &files {
        let Some(room) = room_of(&src, file) else {
            continue;
        };
        let own = *layers
            .get(&room)
            .unwrap_or_else(|| panic!("{room} has no layer"));
        let text = std::fs::read_to_string(file).expect("readable source file");
        for imported in imported_rooms(&text) {
            if imported == room {
                continue;
            }
            match layers.get(&imported) {
                Some(&height) if height < own => {}
                _ => upward.push(format!(
                    "{} ({room}) imports crate::{imported}",
                    file.strip_prefix(ROOT).unwrap_or(file).display()
                )),
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that do not run down the layers of docs/architecture.md:\n{}",
        upward.join("\n")
    );
}

#[test]
fn lib_rs_opens_with_a_map_of_every_module() {
    let lib = std::fs::read_to_string(Path::new(ROOT).join("src/lib.rs")).expect("src/lib.rs");
    let map: String = lib
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    let unmapped: Vec<_> = declared_modules()
        .into_iter()
        .filter(|m| !map.contains(&format!("`{m}`")))
        .collect();
    assert!(
        unmapped.is_empty(),
        "src/lib.rs's map leaves out: {unmapped:?}"
    );
}

#[test]
fn an_upward_import_is_caught() {
    let text = "use crate::{config::Settings, startup};\nfn f() { crate::engine::go(); }";
    let rooms = imported_rooms(text);
    assert_eq!(
        rooms,
        ["config", "engine", "startup"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}
