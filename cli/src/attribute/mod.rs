//! `openledger attribute`: the reference off-chain attributor, so a data contributor can see why
//! they were paid. It indexes the contributions' texts in one suffix array ([`index`]), finds
//! the spans of a model output that occur in them ([`matcher`]) and prints integer weights per
//! contribution, a `Use` ready for a uses file, or an explanation span by span.
//!
//! Also the operator's side of aggregated reports: uses files and their aggregation ([`uses`]),
//! and the Merkle receipts that let a contributor prove a use later ([`receipts`],
//! `openledger attribute verify-receipt`).

pub mod index;
pub mod matcher;
pub mod receipts;
pub mod uses;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use openledger_proto::attribution::v1 as att;

use crate::config::Context;
use crate::output::{emit, print_text};
use index::Index;
use matcher::Attribution;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
#[command(after_help = "Examples:\n  \
    openledger attribute --contributions corpus/ --output-text answer.txt\n  \
    openledger attribute --contributions manifest.json --output-text - --format use --grant-id 4 < answer.txt\n  \
    openledger attribute --contributions corpus/ --output-text answer.txt --format explain --top 5")]
pub struct AttributeCmd {
    #[command(subcommand)]
    pub command: Option<AttributeSub>,
    #[command(flatten)]
    pub args: AttributeArgs,
}

#[derive(Debug, Subcommand)]
pub enum AttributeSub {
    /// Check that a receipt (a use) is leaf INDEX of an aggregated report's receipts root
    VerifyReceipt(VerifyArgs),
    /// As the licensee KEY of a grant, sign an operator's aggregated entry of uses; the
    /// operator attaches the signature (`licensee_signature` in the uses file), and the chain
    /// then refuses fabricated-use challenges of a report whose entries are all acknowledged
    Acknowledge(AcknowledgeArgs),
}

/// What a licensee acknowledges: one aggregated entry of one operator's batch.
#[derive(Debug, Clone, Args)]
pub struct AcknowledgeArgs {
    /// The licensee's key name (or address) in the keyring
    pub key: String,
    #[arg(long = "grant-id", value_name = "ID")]
    pub grant_id: u64,
    /// The operator's address (or key name)
    #[arg(long, value_name = "ADDRESS")]
    pub operator: String,
    #[arg(long = "batch-id", value_name = "ID")]
    pub batch_id: String,
    #[arg(long, value_name = "N")]
    pub uses: u64,
    #[arg(long, value_name = "N")]
    pub units: u64,
    /// The entry's receipts root (hex or base64)
    #[arg(long = "receipts-root", value_name = "HASH")]
    pub receipts_root: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON [{"contribution_id", "weight"}, …], by id, non-zero only
    Weights,
    /// One JSON Use {"request_id", "grant_id", "units", "weights"} for a uses file
    Use,
    /// Each matched span with the contributions holding it, then the totals
    Explain,
}

/// Weights of the contributions over one model output.
#[derive(Debug, Clone, Args)]
pub struct AttributeArgs {
    /// A directory of `<contribution_id>.txt` (or `<id>-anything.txt`) files, or a JSON manifest
    /// [{"contribution_id": 7, "path": "a.txt"}, …] (paths relative to the manifest)
    #[arg(long, required = true, value_name = "DIR|MANIFEST")]
    pub contributions: Option<PathBuf>,
    /// The model output to attribute ("-" = stdin)
    #[arg(long = "output-text", required = true, value_name = "FILE|-")]
    pub output_text: Option<PathBuf>,
    /// Shortest span counted, in words
    #[arg(long = "min-span", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
    pub min_span: u32,
    /// Keep only the K heaviest contributions (ties: the lower id)
    #[arg(long, value_name = "K")]
    pub top: Option<usize>,
    #[arg(long, value_enum, default_value_t = Format::Weights)]
    pub format: Format,
    /// With --format use: the request id [default: sha256 hex of the output text]
    #[arg(long = "request-id", value_name = "ID")]
    pub request_id: Option<String>,
    /// With --format use: the grant the use is paid under (required there)
    #[arg(long = "grant-id", value_name = "ID")]
    pub grant_id: Option<u64>,
    /// With --format use: priced units
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub units: u64,
    /// Print index and attribution times on stderr
    #[arg(long)]
    pub timings: bool,
}

/// `verify-receipt`: is this use leaf INDEX of the receipts root the chain recorded?
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The receipts root (hex), as `query attribution reports` shows it
    #[arg(long, value_name = "HEX")]
    pub root: String,
    /// The file written by `tx attribution report-usage --receipts-out`, one entry of it, or a
    /// bare Use (then give --proof and --total)
    #[arg(long = "receipt-file", value_name = "FILE")]
    pub receipt_file: PathBuf,
    /// Position of the use among the aggregate's uses (0-based, in the uses file's order)
    #[arg(long, value_name = "K")]
    pub index: usize,
    /// The proof (hex of the concatenated sibling hashes) [default: from the file]
    #[arg(long, value_name = "HEX")]
    pub proof: Option<String>,
    /// Number of uses in the aggregate [default: from the file]
    #[arg(long, value_name = "N")]
    pub total: Option<usize>,
}

pub fn run(ctx: &Context, cmd: AttributeCmd) -> Result<()> {
    match cmd.command {
        Some(AttributeSub::VerifyReceipt(v)) => verify_receipt(ctx, &v),
        Some(AttributeSub::Acknowledge(a)) => acknowledge(ctx, &a),
        None => {
            let a = cmd.args;
            let (Some(contributions), Some(output)) = (&a.contributions, &a.output_text) else {
                bail!("--contributions and --output-text are required");
            };
            if a.format == Format::Use && a.grant_id.is_none() {
                bail!("--format use needs --grant-id");
            }
            let t0 = Instant::now();
            let docs = load_contributions(contributions)?;
            let t1 = Instant::now();
            let index = Index::build(&docs)?;
            let t2 = Instant::now();
            let text = crate::input::read_file_or_stdin(output, "the output text")?;
            let t3 = Instant::now();
            let rendered = attribute_text(&docs, &index, &text, &a)?;
            let t4 = Instant::now();
            if a.timings {
                let ms = |a: Instant, b: Instant| b.duration_since(a).as_secs_f64() * 1000.0;
                eprintln!(
                    "read {} contributions ({} bytes) in {:.1} ms; indexed {} words ({} distinct) in {:.1} ms; attributed {} bytes in {:.3} ms",
                    docs.len(),
                    docs.iter().map(|d| d.1.len()).sum::<usize>(),
                    ms(t0, t1),
                    index.len() - docs.len(),
                    index.vocabulary(),
                    ms(t1, t2),
                    text.len(),
                    ms(t3, t4)
                );
            }
            print_text(&rendered).context("writing the output")?;
            Ok(())
        }
    }
}

/// Attributes `text` and renders it in the requested format (the exact bytes printed). The
/// weights are the chain's rule (`openledger_attribution::weights`, which a fraud proof
/// recomputes); the suffix-array index only finds the spans `explain` quotes.
pub fn attribute_text(
    docs: &[(u64, String)],
    index: &Index,
    text: &[u8],
    a: &AttributeArgs,
) -> Result<String> {
    let s = String::from_utf8_lossy(text);
    let (query, spans) = index.encode(&s);
    let attribution = matcher::attribute(index, &query, a.min_span as usize);
    let all = openledger_attribution::weights(&s, docs, a.min_span as usize);
    let weights = weight_list(&matcher::top(&all, a.top));
    Ok(match a.format {
        Format::Weights => serde_json::to_string(&weights)? + "\n",
        Format::Use => {
            let u = att::Use {
                request_id: a
                    .request_id
                    .clone()
                    .unwrap_or_else(|| hex::encode(Sha256::digest(text))),
                grant_id: a.grant_id.context("--format use needs --grant-id")?,
                units: a.units,
                weights,
                // What a fraud proof checks the output text against.
                output_sha256: Sha256::digest(text).to_vec(),
            };
            serde_json::to_string(&u)? + "\n"
        }
        Format::Explain => explain(&s, &spans, &attribution, all.len(), &weights, a),
    })
}

fn weight_list(weights: &std::collections::BTreeMap<u64, u64>) -> Vec<att::Weight> {
    weights
        .iter()
        .map(|(&contribution_id, &weight)| att::Weight {
            contribution_id,
            weight,
        })
        .collect()
}

fn explain(
    text: &str,
    words: &[std::ops::Range<usize>],
    attribution: &Attribution,
    credited: usize,
    kept: &[att::Weight],
    a: &AttributeArgs,
) -> String {
    let mut out = String::new();
    for (n, span) in attribution.spans.iter().enumerate() {
        let bytes = words[span.start].start..words[span.start + span.len - 1].end;
        let quoted = text[bytes].split_whitespace().collect::<Vec<_>>().join(" ");
        let ids = span
            .contributions
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let holders = if span.contributions.len() == 1 {
            "contribution"
        } else {
            "contributions"
        };
        out.push_str(&format!(
            "span {}: {} words from word {}, in {holders} {ids}\n  \"{quoted}\"\n",
            n + 1,
            span.len,
            span.start
        ));
    }
    if attribution.spans.is_empty() {
        out.push_str(&format!(
            "no span of {} or more words occurs in the contributions\n",
            a.min_span
        ));
    }
    let shown = match a.top {
        Some(k) if k < credited => format!(" (top {k} of {credited})"),
        _ => String::new(),
    };
    out.push_str(&format!(
        "\nweights{shown} ({} words of output, spans of {} or more words):\n",
        words.len(),
        a.min_span
    ));
    for w in kept {
        out.push_str(&format!(
            "  contribution {}: {}\n",
            w.contribution_id, w.weight
        ));
    }
    out.push_str(&format!(
        "total: {}\n",
        kept.iter().map(|w| w.weight).sum::<u64>()
    ));
    out
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// The contribution id in a file name `<id>.txt` or `<id>-anything.txt`; None for other files.
fn id_of_file_name(name: &str) -> Option<u64> {
    let stem = name.strip_suffix(".txt")?;
    let digits = stem.split('-').next()?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Loads `(contribution_id, text)` pairs from a directory or a manifest, sorted by id. Texts are
/// read as UTF-8 (an invalid byte becomes U+FFFD).
pub fn load_contributions(path: &Path) -> Result<Vec<(u64, String)>> {
    let mut files: Vec<(u64, PathBuf)> = if path.is_dir() {
        let mut found = Vec::new();
        for entry in
            std::fs::read_dir(path).with_context(|| format!("listing {}", path.display()))?
        {
            let p = entry?.path();
            let id = p
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(id_of_file_name);
            if let (Some(id), true) = (id, p.is_file()) {
                found.push((id, p));
            }
        }
        if found.is_empty() {
            bail!("{} holds no <contribution_id>.txt files", path.display());
        }
        found
    } else {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the manifest {}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        parse_manifest(&text, base)
            .with_context(|| format!("invalid manifest {}", path.display()))?
    };
    files.sort();
    if let Some(w) = files.windows(2).find(|w| w[0].0 == w[1].0) {
        bail!(
            "contribution {} is given twice: {} and {}",
            w[0].0,
            w[0].1.display(),
            w[1].1.display()
        );
    }
    files
        .into_iter()
        .map(|(id, p)| Ok((id, String::from_utf8_lossy(&read_bytes(&p)?).into_owned())))
        .collect()
}

/// A manifest: `[{"contribution_id": 7, "path": "a.txt"}, …]`, paths relative to `base`.
fn parse_manifest(json: &str, base: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let items: Vec<serde_json::Map<String, Value>> = serde_json::from_str(json)
        .context("expected a JSON array of {\"contribution_id\", \"path\"}")?;
    if items.is_empty() {
        bail!("the manifest lists no contributions");
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, obj)| {
            if let Some(k) = obj
                .keys()
                .find(|k| !["contribution_id", "path"].contains(&k.as_str()))
            {
                bail!("entry {i}: unknown field {k:?} (expected contribution_id, path)");
            }
            let id = obj.get("contribution_id").and_then(Value::as_u64);
            let p = obj.get("path").and_then(Value::as_str);
            let (Some(id), Some(p)) = (id, p) else {
                bail!(
                    "entry {i}: needs contribution_id (a non-negative integer) and path (a string)"
                );
            };
            Ok((id, base.join(p)))
        })
        .collect()
}

/// The sign bytes of a licensee's acknowledgement, as the chain rebuilds them.
pub fn acknowledgement_bytes(
    chain_id: &str,
    a: &AcknowledgeArgs,
    operator: &str,
) -> Result<Vec<u8>> {
    use prost::Message as _;
    let root = receipts::parse_hash("--receipts-root", &a.receipts_root)?;
    Ok(att::BatchAcknowledgement {
        chain_id: chain_id.to_string(),
        grant_id: a.grant_id,
        operator: operator.to_string(),
        batch_id: a.batch_id.clone(),
        uses: a.uses,
        units: a.units,
        receipts_root: root.to_vec(),
    }
    .encode_to_vec())
}

fn acknowledge(ctx: &Context, a: &AcknowledgeArgs) -> Result<()> {
    let kr = crate::keys::Keyring::open(&ctx.home, ctx.keyring_backend);
    let licensee = kr.find(&a.key)?;
    let operator = crate::query::resolve_address(ctx, &a.operator)?;
    let bytes = acknowledgement_bytes(&ctx.chain_id, a, &operator)?;
    let signature = kr
        .signing_key(&licensee.name)?
        .sign(&bytes)
        .map_err(|e| anyhow::anyhow!("signing: {e}"))?
        .to_bytes();
    let j = json!({
        "licensee": licensee.address,
        "chain_id": ctx.chain_id,
        "grant_id": a.grant_id,
        "batch_id": a.batch_id,
        "licensee_signature": hex::encode(&signature),
    });
    emit(ctx, &j, || hex::encode(&signature));
    Ok(())
}

fn verify_receipt(ctx: &Context, v: &VerifyArgs) -> Result<()> {
    let root = receipts::parse_hash("--root", &v.root)?;
    let file: Value = serde_json::from_slice(&read_bytes(&v.receipt_file)?)
        .with_context(|| format!("{} is not JSON", v.receipt_file.display()))?;
    let claim = receipts::find_claim(&file, &root, v.index)?;
    let proof = match &v.proof {
        Some(p) => hex::decode(p.trim().trim_start_matches("0x")).context("--proof is not hex")?,
        None => claim
            .proof
            .clone()
            .context("the file holds no proof: give --proof")?,
    };
    let total = v
        .total
        .or(claim.total)
        .context("the file does not say how many uses the aggregate has: give --total")?;
    let receipt = receipts::receipt(&claim.use_);
    let ok = receipts::verify(&root, &receipt, v.index, total, &proof)?;
    let j = json!({
        "verified": ok,
        "root": hex::encode(root),
        "index": v.index,
        "total_leaves": total,
        "leaf": hex::encode(receipts::leaf(&receipt)),
        "use": claim.use_,
    });
    emit(ctx, &j, || {
        let weights: Vec<String> = claim
            .use_
            .weights
            .iter()
            .map(|w| format!("{}:{}", w.contribution_id, w.weight))
            .collect();
        format!(
            "verified: {}\nroot: {}\nindex: {} of {total}\nrequest_id: {}\ngrant_id: {}\nunits: {}\nweights: {}",
            if ok { "yes" } else { "no" },
            hex::encode(root),
            v.index,
            claim.use_.request_id,
            claim.use_.grant_id,
            claim.use_.units,
            if weights.is_empty() { "none".to_string() } else { weights.join(", ") }
        )
    });
    if !ok {
        eprintln!(
            "Error: receipt {} does not verify against root {}",
            v.index,
            hex::encode(root)
        );
        return Err(crate::output::Reported.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct T {
        #[command(flatten)]
        a: AttributeArgs,
    }

    fn corpus() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
    }

    fn args(extra: &[&str]) -> AttributeArgs {
        let mut v = vec!["t", "--contributions", "c", "--output-text", "o"];
        v.extend_from_slice(extra);
        T::try_parse_from(v).unwrap().a
    }

    fn on_corpus(extra: &[&str]) -> String {
        let docs = load_contributions(&corpus()).unwrap();
        let index = Index::build(&docs).unwrap();
        let text = std::fs::read(corpus().join("output.txt")).unwrap();
        attribute_text(&docs, &index, &text, &args(extra)).unwrap()
    }

    #[test]
    fn corpus_weights() {
        // output.txt quotes 15 words of 1.txt ("nectar becomes honey … to house bees, who") and
        // 11 of 3.txt ("The baker keeps this starter in a jar and feeds it"); its only phrase of
        // 2.txt, "the spiral stair", is 3 words, below the default --min-span of 4.
        assert_eq!(
            on_corpus(&[]),
            "[{\"contribution_id\":\"1\",\"weight\":\"15\"},{\"contribution_id\":\"3\",\"weight\":\"11\"}]\n"
        );
        assert_eq!(
            on_corpus(&["--min-span", "3"]),
            "[{\"contribution_id\":\"1\",\"weight\":\"15\"},{\"contribution_id\":\"2\",\"weight\":\"3\"},{\"contribution_id\":\"3\",\"weight\":\"11\"}]\n"
        );
        assert_eq!(
            on_corpus(&["--min-span", "12"]),
            "[{\"contribution_id\":\"1\",\"weight\":\"15\"}]\n"
        );
        assert_eq!(
            on_corpus(&["--top", "1", "--min-span", "3"]),
            "[{\"contribution_id\":\"1\",\"weight\":\"15\"}]\n"
        );
        let u: Value =
            serde_json::from_str(&on_corpus(&["--format", "use", "--grant-id", "4"])).unwrap();
        let digest = Sha256::digest(std::fs::read(corpus().join("output.txt")).unwrap());
        let sha = hex::encode(digest);
        use base64::Engine as _;
        let committed = base64::engine::general_purpose::STANDARD.encode(digest);
        assert_eq!(
            u,
            json!({"request_id": sha, "grant_id": "4", "units": "1",
                   "weights": [{"contribution_id": "1", "weight": "15"}, {"contribution_id": "3", "weight": "11"}],
                   "output_sha256": committed})
        );
        let e = on_corpus(&["--format", "explain", "--min-span", "3"]);
        assert!(e.contains("span 1: 15 words from word 16, in contribution 1\n  \"nectar becomes honey through patient work: foragers pass"), "{e}");
        assert!(
            e.contains("span 3: 3 words from word 58, in contribution 2\n  \"the spiral stair\""),
            "{e}"
        );
        assert!(e.contains("span 2: 11 words from word 41, in contribution 3\n  \"The baker keeps this starter in a jar and feeds it\""), "{e}");
        assert!(
            e.ends_with(
                "  contribution 1: 15\n  contribution 2: 3\n  contribution 3: 11\ntotal: 29\n"
            ),
            "{e}"
        );
    }

    #[test]
    fn deterministic_bytes() {
        for f in ["weights", "use", "explain"] {
            let a = on_corpus(&["--format", f, "--grant-id", "1", "--min-span", "2"]);
            let b = on_corpus(&["--format", f, "--grant-id", "1", "--min-span", "2"]);
            assert_eq!(a, b);
        }
    }

    #[test]
    fn manifest_and_directory_agree() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.json");
        let c = corpus();
        let entries: Vec<Value> = [(3, "3.txt"), (1, "1.txt"), (2, "2.txt")]
            .iter()
            .map(|(id, f)| json!({"contribution_id": id, "path": c.join(f)}))
            .collect();
        std::fs::write(&m, serde_json::to_string(&entries).unwrap()).unwrap();
        assert_eq!(
            load_contributions(&m).unwrap(),
            load_contributions(&c).unwrap()
        );
        std::fs::write(dir.path().join("rel.txt"), "x").unwrap();
        std::fs::write(&m, r#"[{"contribution_id": 5, "path": "rel.txt"}]"#).unwrap();
        assert_eq!(load_contributions(&m).unwrap(), [(5, "x".to_string())]);
        for bad in [
            "[]",
            r#"[{"contribution_id": 1}]"#,
            r#"[{"contribution_id": 1, "path": "a", "x": 1}]"#,
        ] {
            std::fs::write(&m, bad).unwrap();
            assert!(load_contributions(&m).is_err(), "{bad}");
        }
        std::fs::write(&m, r#"[{"contribution_id": 5, "path": "rel.txt"}, {"contribution_id": 5, "path": "rel.txt"}]"#).unwrap();
        assert!(load_contributions(&m)
            .unwrap_err()
            .to_string()
            .contains("twice"));
    }

    #[test]
    fn directory_file_names() {
        assert_eq!(id_of_file_name("7.txt"), Some(7));
        assert_eq!(id_of_file_name("12-bees-notes.txt"), Some(12));
        for other in [
            "output.txt",
            "7.md",
            "-7.txt",
            "a7.txt",
            "7a.txt",
            ".txt",
            "README",
        ] {
            assert_eq!(id_of_file_name(other), None, "{other}");
        }
        let dir = tempfile::tempdir().unwrap();
        assert!(load_contributions(dir.path()).is_err());
        std::fs::write(dir.path().join("4-a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("4.txt"), "b").unwrap();
        assert!(load_contributions(dir.path())
            .unwrap_err()
            .to_string()
            .contains("twice"));
    }

    #[test]
    fn use_format_needs_a_grant() {
        let docs = [(1, "a b c d".to_string())];
        let index = Index::build(&docs).unwrap();
        assert!(attribute_text(&docs, &index, b"a b c d", &args(&["--format", "use"])).is_err());
        let out = attribute_text(
            &docs,
            &index,
            b"a b c d",
            &args(&[
                "--format",
                "use",
                "--grant-id",
                "2",
                "--request-id",
                "q",
                "--units",
                "5",
            ]),
        )
        .unwrap();
        assert_eq!(out, "{\"request_id\":\"q\",\"grant_id\":\"2\",\"units\":\"5\",\"weights\":[{\"contribution_id\":\"1\",\"weight\":\"4\"}],\"output_sha256\":\"+CzhtlPjCxzrVxG791ll3SRRMBHX2qSLvYYQVQFUof0=\"}\n");
        let e = attribute_text(
            &docs,
            &index,
            b"nothing here",
            &args(&["--format", "explain"]),
        )
        .unwrap();
        assert!(e.starts_with("no span of 4 or more words"), "{e}");
        assert!(e.ends_with("total: 0\n"));
    }

    /// ~10 MB of deterministic pseudo-random text in 1000 contributions: indexing time and one
    /// attribution time. Run with
    /// `cargo test --release -p openledger-cli bench_10mb -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_10mb() {
        let docs = synthetic_corpus(10 << 20, 1000);
        let bytes: usize = docs.iter().map(|d| d.1.len()).sum();
        let t = Instant::now();
        let index = Index::build(&docs).unwrap();
        let built = t.elapsed();
        // An answer of ~300 words: three 40-word quotations from three contributions, between
        // stretches of words drawn at random.
        let mut rng = matcher_rng(7);
        let quote = |d: &str, from: usize| {
            d.split(' ')
                .skip(from)
                .take(40)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut answer = String::new();
        for (k, doc) in [17usize, 450, 901].iter().enumerate() {
            answer.push_str(&random_words(&mut rng, 60));
            answer.push(' ');
            answer.push_str(&quote(&docs[*doc].1, 100 + k * 50));
            answer.push(' ');
        }
        answer.push_str(&random_words(&mut rng, 60));
        let a = args(&["--format", "weights"]);
        let t = Instant::now();
        let out = attribute_text(&docs, &index, answer.as_bytes(), &a).unwrap();
        let attributed = t.elapsed();
        println!(
            "corpus: {bytes} bytes, {} contributions, {} words ({} distinct)\nindex: {:.3} s\none attribution ({} words): {:.3} ms\n{out}",
            docs.len(),
            index.len() - docs.len(),
            index.vocabulary(),
            built.as_secs_f64(),
            answer.split(' ').count(),
            attributed.as_secs_f64() * 1000.0
        );
        for id in [18, 451, 902] {
            assert!(out.contains(&format!("\"contribution_id\":{id},")), "{out}");
        }
    }

    fn matcher_rng(seed: u64) -> matcher::tests::Rng {
        matcher::tests::Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A word of a 50,000-word vocabulary built from syllables, drawn with a skew towards the
    /// first ones (as in natural text).
    fn random_word(rng: &mut matcher::tests::Rng) -> String {
        const SYL: [&str; 40] = [
            "ka", "lo", "mi", "ren", "tus", "va", "el", "dor", "pi", "qua", "ste", "ni", "ro",
            "bal", "chi", "fen", "gu", "ha", "ix", "jo", "ku", "lem", "mo", "nar", "os", "pel",
            "ri", "sa", "tor", "ul", "ve", "wi", "xa", "yo", "ze", "an", "be", "ci", "du", "ef",
        ];
        let r = rng.below(50_000) * rng.below(50_000) / 50_000;
        let mut n = r + 1;
        let mut w = String::new();
        while n > 0 {
            w.push_str(SYL[(n % 40) as usize]);
            n /= 40;
        }
        w
    }

    fn random_words(rng: &mut matcher::tests::Rng, n: usize) -> String {
        (0..n)
            .map(|_| random_word(rng))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn synthetic_corpus(total: usize, n: usize) -> Vec<(u64, String)> {
        let mut rng = matcher_rng(1);
        (1..=n as u64)
            .map(|id| {
                let mut s = String::with_capacity(total / n + 16);
                while s.len() < total / n {
                    s.push_str(&random_word(&mut rng));
                    s.push(' ');
                }
                (id, s)
            })
            .collect()
    }
}
