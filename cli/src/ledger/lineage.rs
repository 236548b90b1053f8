//! Rendering a lineage (`models.v1.Query/Lineage`: a version and its ancestors) as an indented
//! text tree, a Graphviz digraph or a Mermaid flowchart. Edges go from child to parent and
//! carry the child's training method; an external base (e.g. a Hugging Face model) is drawn
//! as an extra, rounded node.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::LazyLock;

use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;

use super::{short_of, yes_no};
use crate::ledger::card::{ALL_FIRST, ALL_LAST};

struct Graph<'a> {
    nodes: &'a [mdl::LineageNode],
    by_id: BTreeMap<u64, &'a mdl::LineageNode>,
}

fn version_of(n: &mdl::LineageNode) -> &mdl::ModelVersion {
    static EMPTY: LazyLock<mdl::ModelVersion> = LazyLock::new(Default::default);
    n.version.as_ref().unwrap_or(&EMPTY)
}

/// "model name vN (id)".
pub fn label(n: &mdl::LineageNode) -> String {
    let v = version_of(n);
    let name = match &n.model {
        Some(m) if !m.name.is_empty() => m.name.clone(),
        _ => format!("model {}", v.model_id),
    };
    format!("{name} v{} ({})", v.number, v.id)
}

fn method_of(v: &mdl::ModelVersion) -> Option<String> {
    let m = v.training.as_ref()?.method;
    (m != mdl::TrainingMethod::Unspecified as i32).then(|| short_of::<mdl::TrainingMethod>(m))
}

fn external_of(v: &mdl::ModelVersion) -> Option<&mdl::ExternalBase> {
    v.external_base.as_ref().filter(|b| !b.id.is_empty())
}

fn external_label(b: &mdl::ExternalBase) -> String {
    let mut s = if b.source.is_empty() {
        b.id.clone()
    } else {
        format!("{}: {}", b.source, b.id)
    };
    if !b.revision.is_empty() {
        let _ = write!(s, " @ {}", b.revision);
    }
    s
}

fn range_text(d: &mdl::DatasetUse) -> String {
    if d.first_contribution_id == ALL_FIRST && d.last_contribution_id == ALL_LAST {
        "all contributions".to_string()
    } else {
        format!(
            "contributions {}-{}",
            d.first_contribution_id, d.last_contribution_id
        )
    }
}

fn licence_text(l: &lic::License) -> String {
    let t = l.terms.clone().unwrap_or_default();
    let mut s = format!(
        "licence {}: commercial {}, derivatives {}, royalty {} bps",
        l.id,
        yes_no(t.commercial_use),
        yes_no(t.derivatives_allowed),
        t.royalty_bps
    );
    if !t.spdx_id.is_empty() {
        let _ = write!(s, ", {}", t.spdx_id);
    }
    s
}

impl<'a> Graph<'a> {
    fn new(nodes: &'a [mdl::LineageNode]) -> Self {
        let by_id = nodes.iter().map(|n| (version_of(n).id, n)).collect();
        Self { nodes, by_id }
    }

    /// The queried version: depth 0, else the first node.
    fn root(&self) -> Option<&'a mdl::LineageNode> {
        self.nodes
            .iter()
            .find(|n| n.depth == 0)
            .or_else(|| self.nodes.first())
    }

    fn details(n: &mdl::LineageNode) -> Vec<String> {
        let v = version_of(n);
        let mut out = Vec::new();
        if let Some(m) = method_of(v) {
            out.push(format!("method: {m}"));
        }
        if let Some(b) = external_of(v) {
            out.push(format!("external base: {}", external_label(b)));
        }
        for c in &v.contributors {
            out.push(format!(
                "contributor: {} ({}, {} bps)",
                c.address,
                short_of::<mdl::Role>(c.role),
                c.share_bps
            ));
        }
        for d in v.training.iter().flat_map(|t| &t.datasets) {
            out.push(format!("dataset {}: {}", d.dataset_id, range_text(d)));
        }
        for id in &v.license_ids {
            match n.licenses.iter().find(|l| l.id == *id) {
                Some(l) => out.push(licence_text(l)),
                None => out.push(format!("licence {id}")),
            }
        }
        out
    }

    fn text_node(
        &self,
        id: u64,
        head: &str,
        body: &str,
        seen: &mut BTreeSet<u64>,
        out: &mut String,
    ) {
        let Some(n) = self.by_id.get(&id) else {
            let _ = writeln!(out, "{head}version {id} (not in the response)");
            return;
        };
        let _ = write!(out, "{head}{}", label(n));
        if !seen.insert(id) {
            out.push_str(" (shown above)\n");
            return;
        }
        out.push('\n');
        let parents = &version_of(n).parent_version_ids;
        let detail_prefix = format!("{body}{}", if parents.is_empty() { "    " } else { "│   " });
        for line in Self::details(n) {
            let _ = writeln!(out, "{detail_prefix}{line}");
        }
        for (i, p) in parents.iter().enumerate() {
            let last = i + 1 == parents.len();
            let child_head = format!("{body}{}", if last { "└── " } else { "├── " });
            let child_body = format!("{body}{}", if last { "    " } else { "│   " });
            self.text_node(*p, &child_head, &child_body, seen, out);
        }
    }

    /// (child, parent) pairs in node order, with the child's method.
    fn edges(&self) -> Vec<(u64, u64, Option<String>)> {
        let mut edges = Vec::new();
        for n in self.nodes {
            let v = version_of(n);
            for p in &v.parent_version_ids {
                edges.push((v.id, *p, method_of(v)));
            }
        }
        edges
    }

    /// External bases: (child version id, node key, label).
    fn externals(&self) -> Vec<(u64, String, String)> {
        let mut keys: BTreeMap<String, usize> = BTreeMap::new();
        let mut out = Vec::new();
        for n in self.nodes {
            let v = version_of(n);
            if let Some(b) = external_of(v) {
                let l = external_label(b);
                let next = keys.len();
                let k = *keys.entry(l.clone()).or_insert(next);
                out.push((v.id, format!("ext{k}"), l));
            }
        }
        out
    }
}

/// The indented tree from the queried version to its roots.
pub fn text(nodes: &[mdl::LineageNode]) -> String {
    let g = Graph::new(nodes);
    let Some(root) = g.root() else {
        return "(empty lineage)\n".to_string();
    };
    let mut out = String::new();
    g.text_node(version_of(root).id, "", "", &mut BTreeSet::new(), &mut out);
    out
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A Graphviz digraph (`dot -Tpng lineage.dot -o lineage.png`), ancestors at the top.
pub fn dot(nodes: &[mdl::LineageNode]) -> String {
    let g = Graph::new(nodes);
    let mut out = String::from("digraph lineage {\n  rankdir=BT;\n  node [shape=box];\n");
    for n in nodes {
        let _ = writeln!(
            out,
            "  v{} [label=\"{}\"];",
            version_of(n).id,
            dot_escape(&label(n))
        );
    }
    let mut declared = BTreeSet::new();
    for (child, key, l) in g.externals() {
        if declared.insert(key.clone()) {
            let _ = writeln!(
                out,
                "  {key} [label=\"{}\", shape=ellipse];",
                dot_escape(&l)
            );
        }
        let method = g.by_id.get(&child).and_then(|n| method_of(version_of(n)));
        let attr = method
            .map(|m| format!(" [label=\"{m}\"]"))
            .unwrap_or_default();
        let _ = writeln!(out, "  v{child} -> {key}{attr};");
    }
    for (child, parent, method) in g.edges() {
        if !g.by_id.contains_key(&parent) {
            let _ = writeln!(out, "  v{parent} [label=\"version {parent}\"];");
        }
        let attr = method
            .map(|m| format!(" [label=\"{m}\"]"))
            .unwrap_or_default();
        let _ = writeln!(out, "  v{child} -> v{parent}{attr};");
    }
    out.push_str("}\n");
    out
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', " ")
}

/// A Mermaid flowchart (`graph TD`) with the same nodes and edges as [`dot`].
pub fn mermaid(nodes: &[mdl::LineageNode]) -> String {
    let g = Graph::new(nodes);
    let mut out = String::from("graph TD\n");
    for n in nodes {
        let _ = writeln!(
            out,
            "  v{}[\"{}\"]",
            version_of(n).id,
            mermaid_escape(&label(n))
        );
    }
    let mut declared = BTreeSet::new();
    for (child, key, l) in g.externals() {
        if declared.insert(key.clone()) {
            let _ = writeln!(out, "  {key}([\"{}\"])", mermaid_escape(&l));
        }
        let method = g.by_id.get(&child).and_then(|n| method_of(version_of(n)));
        let arrow = method
            .map(|m| format!("-->|{m}|"))
            .unwrap_or_else(|| "-->".to_string());
        let _ = writeln!(out, "  v{child} {arrow} {key}");
    }
    for (child, parent, method) in g.edges() {
        if !g.by_id.contains_key(&parent) {
            let _ = writeln!(out, "  v{parent}[\"version {parent}\"]");
        }
        let arrow = method
            .map(|m| format!("-->|{m}|"))
            .unwrap_or_else(|| "-->".to_string());
        let _ = writeln!(out, "  v{child} {arrow} v{parent}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(
        id: u64,
        name: &str,
        number: u64,
        parents: &[u64],
        method: mdl::TrainingMethod,
        depth: u32,
    ) -> mdl::LineageNode {
        mdl::LineageNode {
            version: Some(mdl::ModelVersion {
                id,
                model_id: id * 10,
                number,
                parent_version_ids: parents.to_vec(),
                training: Some(mdl::TrainingRecord {
                    method: method as i32,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            model: Some(mdl::Model {
                name: name.into(),
                ..Default::default()
            }),
            licenses: Vec::new(),
            depth,
        }
    }

    /// merged v1 (9) = merge of chat v2 (7) and code v1 (5); chat v2 is a LoRA of base v1 (3),
    /// code v1 a full fine-tune of base v1 (3); base v1 comes from Hugging Face.
    fn lineage() -> Vec<mdl::LineageNode> {
        use mdl::TrainingMethod as M;
        let mut merged = node(9, "merged \"x\"", 1, &[7, 5], M::Merge, 0);
        if let Some(v) = merged.version.as_mut() {
            v.contributors.push(mdl::Contributor {
                address: "ol1aaa".into(),
                role: mdl::Role::FineTuner as i32,
                share_bps: 10_000,
            });
            v.license_ids = vec![2];
            v.training.as_mut().unwrap().datasets.push(mdl::DatasetUse {
                dataset_id: 4,
                first_contribution_id: 0,
                last_contribution_id: u64::MAX,
            });
        }
        merged.licenses.push(lic::License {
            id: 2,
            terms: Some(lic::LicenseTerms {
                commercial_use: true,
                royalty_bps: 500,
                ..Default::default()
            }),
            ..Default::default()
        });
        let mut base = node(3, "base", 1, &[], M::Full, 2);
        if let Some(v) = base.version.as_mut() {
            v.external_base = Some(mdl::ExternalBase {
                source: "huggingface".into(),
                id: "org/m".into(),
                revision: String::new(),
            });
        }
        vec![
            merged,
            node(7, "chat", 2, &[3], M::Lora, 1),
            node(5, "code", 1, &[3], M::Full, 1),
            base,
        ]
    }

    #[test]
    fn text_tree() {
        let t = text(&lineage());
        let expected = "\
merged \"x\" v1 (9)
│   method: merge
│   contributor: ol1aaa (fine-tuner, 10000 bps)
│   dataset 4: all contributions
│   licence 2: commercial yes, derivatives no, royalty 500 bps
├── chat v2 (7)
│   │   method: lora
│   └── base v1 (3)
│           method: full
│           external base: huggingface: org/m
└── code v1 (5)
    │   method: full
    └── base v1 (3) (shown above)
";
        assert_eq!(t, expected);
    }

    #[test]
    fn dot_graph() {
        let d = dot(&lineage());
        assert!(d.starts_with("digraph lineage {\n"));
        assert!(
            d.contains("  v9 [label=\"merged \\\"x\\\" v1 (9)\"];\n"),
            "{d}"
        );
        assert!(d.contains("  v9 -> v7 [label=\"merge\"];\n"));
        assert!(d.contains("  v9 -> v5 [label=\"merge\"];\n"));
        assert!(d.contains("  v7 -> v3 [label=\"lora\"];\n"));
        assert!(d.contains("  ext0 [label=\"huggingface: org/m\", shape=ellipse];\n"));
        assert!(d.contains("  v3 -> ext0 [label=\"full\"];\n"));
        assert_eq!(d.matches(" -> ").count(), 5);
        assert!(d.ends_with("}\n"));
        // Balanced braces and quotes: one statement per line, each quote escaped or paired.
        for line in d.lines() {
            let unescaped = line.replace("\\\"", "").matches('"').count();
            assert_eq!(unescaped % 2, 0, "{line}");
        }
    }

    #[test]
    fn mermaid_graph() {
        let m = mermaid(&lineage());
        assert!(m.starts_with("graph TD\n"));
        assert!(m.contains("  v9[\"merged #quot;x#quot; v1 (9)\"]\n"), "{m}");
        assert!(m.contains("  v3[\"base v1 (3)\"]\n"));
        assert!(m.contains("  v9 -->|merge| v7\n"));
        assert!(m.contains("  v5 -->|full| v3\n"));
        assert!(m.contains("  ext0([\"huggingface: org/m\"])\n"));
        assert!(m.contains("  v3 -->|full| ext0\n"));
        assert_eq!(m.matches("-->").count(), 5);
    }

    #[test]
    fn missing_parent_and_empty() {
        let nodes = vec![node(2, "a", 1, &[1], mdl::TrainingMethod::Unspecified, 0)];
        assert!(text(&nodes).contains("└── version 1 (not in the response)"));
        assert!(dot(&nodes).contains("  v2 -> v1;\n"));
        assert!(mermaid(&nodes).contains("  v2 --> v1\n"));
        assert_eq!(text(&[]), "(empty lineage)\n");
    }
}
