//! The chain's modules. Each keeps its state in its own substore and reaches another module only
//! through a narrow trait it declares (its `deps.rs`); `crate::keepers` implements them.

pub mod attribution;
pub mod auth;
pub mod bank;
pub mod datasets;
pub mod ibc;
pub mod licenses;
pub mod models;
pub mod util;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use openledger_types::Address;

use crate::context::Ctx;
use crate::error::SdkError;

/// What modules need of bank: moving and burning uopen between accounts.
pub trait Transfers {
    fn send_uopen(
        &self,
        ctx: &mut Ctx,
        from: &Address,
        to: &Address,
        amount: u128,
    ) -> Result<(), SdkError>;
    fn burn_uopen(&self, ctx: &mut Ctx, from: &Address, amount: u128) -> Result<(), SdkError>;
}

#[cfg(test)]
mod no_module_names_another {
    use std::collections::BTreeSet;
    use std::path::Path;

    const MODULES: [&str; 7] = [
        "attribution",
        "auth",
        "bank",
        "datasets",
        "ibc",
        "licenses",
        "models",
    ];

    /// The modules and `keepers` that a module's source (comments aside) names.
    fn names_in(module: &str, text: &str) -> BTreeSet<String> {
        let mut named = BTreeSet::new();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for other in MODULES.iter().copied().chain(["keepers"]) {
                if other == module {
                    continue;
                }
                let patterns = [
                    format!("modules::{other}::"),
                    format!("modules::{other};"),
                    format!("super::super::{other}"),
                    format!("crate::{other}"),
                ];
                let in_group = line.contains("modules::{")
                    && line
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|word| word == other);
                if in_group || patterns.iter().any(|p| line.contains(p.as_str())) {
                    named.insert(other.to_string());
                }
            }
        }
        named
    }

    fn named_by(module: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/modules")
            .join(module);
        let mut named = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).expect("module folder") {
            let path = entry.expect("entry").path();
            assert!(
                path.is_file(),
                "{} : scan nested folders too",
                path.display()
            );
            named.extend(names_in(
                module,
                &std::fs::read_to_string(&path).expect("source"),
            ));
        }
        named
    }

    #[test]
    fn the_scan_sees_every_way_of_naming_a_module() {
        for line in [
            "use crate::modules::bank::Keeper;",
            "use crate::modules::{bank, auth};",
            "    let k = crate::keepers::Keepers;",
            "use super::super::bank;",
        ] {
            assert!(
                names_in("licenses", line).contains("bank")
                    || names_in("licenses", line).contains("keepers"),
                "{line}"
            );
        }
        assert!(names_in("licenses", "// crate::modules::bank::Keeper in a comment").is_empty());
        assert!(names_in("licenses", "use crate::modules::Transfers;").is_empty());
    }

    #[test]
    fn modules_reach_each_other_only_through_their_declared_traits() {
        let mut found = Vec::new();
        for module in MODULES {
            for other in named_by(module) {
                found.push(format!("{module} -> {other}"));
            }
        }
        assert!(
            found.is_empty(),
            "modules must not name each other (declare a trait in deps.rs and implement it in \
             keepers.rs): {found:?}"
        );
    }
}
