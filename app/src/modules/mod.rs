//! The chain's modules. Each keeps its state in its own substore and reaches another module only
//! through a narrow trait it declares (its `deps.rs`); `crate::keepers` implements them.

pub mod attribution;
pub mod auth;
pub mod bank;
pub mod datasets;
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

    const MODULES: [&str; 6] = [
        "attribution",
        "auth",
        "bank",
        "datasets",
        "licenses",
        "models",
    ];

    /// Edges not yet cut, as (from, to). Each is a defect to remove, never one to add.
    const NOT_YET_CUT: &[(&str, &str)] = &[];

    /// The modules and `keepers` that a module's code (comments aside) names.
    fn named_by(module: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/modules")
            .join(module);
        let mut named = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).expect("module folder") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("source");
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
        }
        named
    }

    #[test]
    fn modules_reach_each_other_only_through_their_declared_traits() {
        let mut found = Vec::new();
        for module in MODULES {
            for other in named_by(module) {
                if !NOT_YET_CUT.contains(&(module, other.as_str())) {
                    found.push(format!("{module} -> {other}"));
                }
            }
        }
        assert!(
            found.is_empty(),
            "modules must not name each other (declare a trait in deps.rs and implement it in \
             keepers.rs): {found:?}"
        );
    }
}
