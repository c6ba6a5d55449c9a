//! Build script: rebuild when a migration is added, since the migrations are embedded.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
