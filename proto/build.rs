//! Generates the chain's wire types from the .proto files under this crate: they are the single
//! source of truth. Cosmos and IBC types come from their published crates.
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut protos = Vec::new();
    collect(&root.join("openledger"), &mut protos)?;
    protos.sort();
    // The folder too, so a new .proto file triggers a rebuild.
    println!(
        "cargo:rerun-if-changed={}",
        root.join("openledger").display()
    );
    for p in &protos {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    // serde lets genesis JSON and the CLI's --output json carry these types as they are.
    prost_build::Config::new()
        .type_attribute(
            ".openledger",
            "#[derive(serde::Serialize, serde::Deserialize)]",
        )
        .message_attribute(".openledger", "#[serde(default)]")
        // Typed events take their ABCI event type from the message's full name.
        .enable_type_names()
        .compile_protos(&protos, &[root])
}

fn collect(dir: &std::path::Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
    Ok(())
}
