//! Generates the chain's wire types from the .proto files under this crate: they are the single
//! source of truth. Cosmos and IBC types come from their published crates.
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
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
    let descriptors = out_dir.join("openledger_descriptors.bin");
    prost_build::Config::new()
        .file_descriptor_set_path(&descriptors)
        // Typed events take their ABCI event type from the message's full name, and the
        // message list in lib.rs its type URLs.
        .enable_type_names()
        .compile_protos(&protos, &[root])?;
    // Proto3 JSON (as the SDK prints it) for genesis, typed events and the CLI's output:
    // field names as in the .proto (the SDK's OrigName), every field even when it is zero (its
    // EmitDefaults), 64-bit integers as strings, enums by name, bytes in base64.
    pbjson_build::Builder::new()
        .register_descriptors(&std::fs::read(&descriptors)?)?
        .preserve_proto_field_names()
        .emit_fields()
        .build(&[".openledger"])?;
    write_services(&std::fs::read(&descriptors)?, &out_dir.join("services.rs"))?;
    Ok(())
}

/// Writes what the services of the .proto files say, so no other list needs keeping:
/// `for_each_tx_message!`, every rpc of the `openledger.*.Msg` services as `request =>
/// response`, and a `QueryRequest` impl (path and response type) for the request of every rpc
/// of the `Query` services. In the order of the .proto files.
fn write_services(
    descriptors: &[u8],
    out: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    use prost::Message as _;
    let set = prost_types::FileDescriptorSet::decode(descriptors)?;
    let mut tx_pairs = String::new();
    let mut query_impls = String::new();
    for file in &set.file {
        if !file.package().starts_with("openledger.") {
            continue;
        }
        for service in &file.service {
            for method in &service.method {
                let (input, output) = (
                    rust_path(method.input_type())?,
                    rust_path(method.output_type())?,
                );
                match service.name() {
                    "Msg" => tx_pairs.push_str(&format!(
                        "            $crate::{input} => $crate::{output},\n"
                    )),
                    "Query" => query_impls.push_str(&format!(
                        "impl crate::QueryRequest for crate::{input} {{\n    \
                         type Response = crate::{output};\n    \
                         const PATH: &'static str = \"/{}.Query/{}\";\n}}\n",
                        file.package(),
                        method.name()
                    )),
                    other => {
                        return Err(format!("unexpected service {other} in {}", file.name()).into())
                    }
                }
            }
        }
    }
    let text = format!(
        "/// Calls `$callback! {{ Request => Response, … }}` with every tx message of the chain (the\n\
         /// rpcs of the `openledger.*.Msg` services) and its response type.\n\
         #[macro_export]\n\
         macro_rules! for_each_tx_message {{\n    ($callback:ident) => {{\n        \
         $callback! {{\n{tx_pairs}        }}\n    }};\n}}\n\n{query_impls}"
    );
    std::fs::write(out, text)?;
    Ok(())
}

/// `.openledger.datasets.v1.MsgCreateDataset` → `datasets::v1::MsgCreateDataset`.
fn rust_path(proto_type: &str) -> Result<String, String> {
    let name = proto_type
        .strip_prefix(".openledger.")
        .ok_or_else(|| format!("an rpc of a type of another package: {proto_type}"))?;
    Ok(name.replace('.', "::"))
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
