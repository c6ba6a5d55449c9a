//! The Salesforce metadata an admin deploys (`salesforce/`). No org is reachable from the tests,
//! so this checks what can be checked here: every XML file is well-formed, the DX project names
//! `force-app` at the API version Gatehouse speaks, the key fields are what Gatehouse expects,
//! and each permission set grants exactly what `salesforce/README.md`'s table lists, one row
//! per grant, each citing where it comes from.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gatehouse::config::salesforce::{DEFAULT_API_VERSION, DEFAULT_KEY_FIELD};
use gatehouse::domain::SubjectKey;

mod xml;

use xml::{Element, parse};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The set that freezing needs on top of the integration set.
const FREEZE_SET: &str = "Gatehouse_Integration_Freeze";
const MAIN_SET: &str = "Gatehouse_Integration";
const SET_SUFFIX: &str = ".permissionset-meta.xml";

fn project_dir() -> PathBuf {
    Path::new(ROOT).join("salesforce")
}

fn source_dir() -> PathBuf {
    project_dir().join("force-app/main/default")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.xml` file under `dir`, depth first.
fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            files.extend(xml_files(&path));
        } else if path.extension().is_some_and(|e| e == "xml") {
            files.push(path);
        }
    }
    files
}

/// One grant, in the words of the README's table: (set, kind, name, access).
type Grant = (String, String, String, String);

/// What a permission set file grants.
fn granted(set: &str, xml: &str) -> BTreeSet<Grant> {
    let root = parse(xml).unwrap_or_else(|e| panic!("{set}: {e}"));
    let grant = |kind: &str, name: &str, access: Vec<&str>| {
        (
            set.to_owned(),
            kind.to_owned(),
            name.to_owned(),
            access.join(", "),
        )
    };
    let access = |e: &Element, flags: &[(&str, &'static str)]| -> Vec<&'static str> {
        flags
            .iter()
            .filter(|(f, _)| e.flag(f))
            .map(|&(_, a)| a)
            .collect()
    };
    let mut grants = BTreeSet::new();
    for p in root.all("userPermissions").filter(|p| p.flag("enabled")) {
        grants.insert(grant(
            "user",
            p.text_of("name").unwrap_or_default(),
            vec!["on"],
        ));
    }
    for p in root.all("objectPermissions") {
        let flags = [
            ("allowRead", "Read"),
            ("allowCreate", "Create"),
            ("allowEdit", "Edit"),
            ("allowDelete", "Delete"),
            ("viewAllRecords", "View All"),
            ("modifyAllRecords", "Modify All"),
        ];
        let object = p.text_of("object").unwrap_or_default();
        grants.insert(grant("object", object, access(p, &flags)));
    }
    for p in root.all("fieldPermissions") {
        let field = p.text_of("field").unwrap_or_default();
        let flags = [("readable", "Read"), ("editable", "Edit")];
        grants.insert(grant("field", field, access(p, &flags)));
    }
    grants
}

/// The rows of the README's permission table: table rows whose first cell names a set.
fn table_rows<'a>(readme: &'a str, sets: &BTreeSet<String>) -> Vec<Vec<&'a str>> {
    readme
        .lines()
        .filter(|line| line.starts_with('|'))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().trim_matches('`'))
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.first().is_some_and(|c| sets.contains(*c)))
        .collect()
}

/// What the README's table says the sets grant.
fn tabled(readme: &str, sets: &BTreeSet<String>) -> BTreeSet<Grant> {
    let mut grants = BTreeSet::new();
    for cells in table_rows(readme, sets) {
        let [set, kind, name, _label, access, ..] = cells[..] else {
            panic!("a permission row with fewer than seven cells: {cells:?}");
        };
        let grant: Grant = (set.into(), kind.into(), name.into(), access.into());
        assert!(grants.insert(grant.clone()), "two rows for {grant:?}");
    }
    grants
}

/// Where the XML and the table disagree, both ways; empty when they agree.
fn differences(xml: &BTreeSet<Grant>, table: &BTreeSet<Grant>) -> Vec<String> {
    let unlisted = xml
        .difference(table)
        .map(|g| format!("granted in the XML but no row in salesforce/README.md: {g:?}"));
    let ungranted = table
        .difference(xml)
        .map(|g| format!("a row in salesforce/README.md but not granted in the XML: {g:?}"));
    unlisted.chain(ungranted).collect()
}

/// Each shipped permission set: its name and file text.
fn permission_sets() -> Vec<(String, String)> {
    let dir = source_dir().join("permissionsets");
    let mut sets: Vec<(String, String)> = xml_files(&dir)
        .iter()
        .map(|path| {
            let file = path
                .file_name()
                .and_then(|f| f.to_str())
                .unwrap_or_default();
            let name = file.strip_suffix(SET_SUFFIX).unwrap_or_else(|| {
                panic!("{file} in permissionsets/ does not end in {SET_SUFFIX}")
            });
            (name.to_owned(), read(path))
        })
        .collect();
    sets.sort();
    sets
}

fn set_names(sets: &[(String, String)]) -> BTreeSet<String> {
    sets.iter().map(|(name, _)| name.clone()).collect()
}

fn all_granted(sets: &[(String, String)]) -> BTreeSet<Grant> {
    sets.iter()
        .flat_map(|(name, xml)| granted(name, xml))
        .collect()
}

fn readme() -> String {
    read(&project_dir().join("README.md"))
}

#[test]
fn every_xml_file_under_salesforce_is_well_formed() {
    let files = xml_files(&project_dir());
    assert!(
        files.len() >= 4,
        "expected the key fields and both permission sets, found {files:?}"
    );
    for file in files {
        if let Err(why) = parse(&read(&file)) {
            panic!("{} is not well-formed XML: {why}", file.display());
        }
    }
}

#[test]
fn malformed_xml_is_refused() {
    for bad in [
        "<a><b></a>",
        "<a></a><b/>",
        "<a>&nope;</a>",
        "<a>",
        "text<a/>",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} passed as well-formed");
    }
}

#[test]
fn the_dx_project_names_force_app_at_gatehouses_api_version() {
    let text = read(&project_dir().join("sfdx-project.json"));
    let project: serde_json::Value = serde_json::from_str(&text).expect("sfdx-project.json parses");
    let dirs = project["packageDirectories"]
        .as_array()
        .expect("packageDirectories");
    let force_app = dirs.iter().find(|d| d["path"] == "force-app");
    assert!(
        force_app.is_some_and(|d| d["default"] == true),
        "force-app is the default package directory: {dirs:?}"
    );
    assert!(project_dir().join("force-app").is_dir());
    assert_eq!(project["sourceApiVersion"], DEFAULT_API_VERSION);
}

#[test]
fn the_key_fields_are_unique_external_ids_as_long_as_a_subject_key() {
    for object in ["Contact", "Account"] {
        let path = source_dir().join(format!(
            "objects/{object}/fields/{DEFAULT_KEY_FIELD}.field-meta.xml"
        ));
        let field = parse(&read(&path)).expect("well-formed");
        assert_eq!(field.name, "CustomField");
        assert_eq!(field.text_of("fullName"), Some(DEFAULT_KEY_FIELD));
        assert_eq!(field.text_of("type"), Some("Text"));
        assert_eq!(
            field.text_of("length"),
            Some(SubjectKey::MAX_LEN.to_string().as_str())
        );
        for flag in ["externalId", "unique", "caseSensitive"] {
            assert!(
                field.flag(flag),
                "{object}.{DEFAULT_KEY_FIELD}: {flag} is not true"
            );
        }
    }
}

#[test]
fn the_permission_sets_grant_exactly_what_the_readme_table_lists() {
    let sets = permission_sets();
    assert_eq!(
        set_names(&sets),
        BTreeSet::from([MAIN_SET.to_owned(), FREEZE_SET.to_owned()])
    );
    let problems = differences(&all_granted(&sets), &tabled(&readme(), &set_names(&sets)));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_row_of_the_table_says_what_needs_it_and_cites_a_source() {
    let text = readme();
    let rows = table_rows(&text, &set_names(&permission_sets()));
    assert!(!rows.is_empty());
    for cells in rows {
        let needed_for = cells.get(5).copied().unwrap_or_default();
        let source = cells.get(6).copied().unwrap_or_default();
        assert!(!needed_for.is_empty(), "no Gatehouse call named: {cells:?}");
        assert!(source.contains("](https://"), "no cited URL: {cells:?}");
        assert!(
            source.contains("[doc]") || source.contains("[seen]"),
            "not marked [doc] or [seen]: {cells:?}"
        );
    }
}

#[test]
fn freezing_is_kept_out_of_the_integration_set() {
    let sets = permission_sets();
    let grants = all_granted(&sets);
    let manage_users = |set: &str| (set.into(), "user".into(), "ManageUsers".into(), "on".into());
    assert!(
        !grants.contains(&manage_users(MAIN_SET)),
        "Manage Users belongs in {FREEZE_SET} only"
    );
    assert!(grants.contains(&manage_users(FREEZE_SET)));
    for (name, xml) in &sets {
        let root = parse(xml).expect("well-formed");
        assert!(
            root.text_of("label").is_some_and(|l| !l.is_empty()),
            "{name} has no label"
        );
        let description = root.text_of("description").unwrap_or_default();
        // PermissionSet.Description holds at most 255 characters (PermissionSet, Tooling API).
        assert!(
            description.chars().count() <= 255,
            "{name}'s description is too long"
        );
    }
}

#[test]
fn the_comparison_notices_a_grant_without_a_row_and_a_row_without_a_grant() {
    let sets = permission_sets();
    let names = set_names(&sets);
    let text = readme();
    let table = tabled(&text, &names);
    let only = |problems: Vec<String>, kind: &str, name: &str| {
        let quoted = format!("\"{name}\"");
        assert!(
            problems.len() == 1 && problems[0].contains(kind) && problems[0].contains(&quoted),
            "expected only {kind} {name}: {problems:?}"
        );
    };
    // A permission added to the XML without a row.
    let mut widened = sets.clone();
    let extra =
        "<userPermissions><enabled>true</enabled><name>ModifyAllData</name></userPermissions>";
    widened[0].1 = widened[0]
        .1
        .replace("</PermissionSet>", &format!("{extra}</PermissionSet>"));
    only(
        differences(&all_granted(&widened), &table),
        "no row",
        "ModifyAllData",
    );
    // A permission taken out of the XML, its row left.
    let mut narrowed = sets.clone();
    narrowed[0].1 = narrowed[0]
        .1
        .replacen("<name>ViewRoles</name>", "<name>Other</name>", 1);
    let problems: Vec<String> = differences(&all_granted(&narrowed), &table)
        .into_iter()
        .filter(|p| !p.contains("\"Other\""))
        .collect();
    only(problems, "not granted", "ViewRoles");
    // A row taken out of the table, its permission left.
    let row = text
        .lines()
        .find(|l| l.contains("`ViewRoles`"))
        .expect("a ViewRoles row");
    let shortened = text.replacen(row, "", 1);
    only(
        differences(&all_granted(&sets), &tabled(&shortened, &names)),
        "no row",
        "ViewRoles",
    );
}
