//! `openledger`: the command-line client of the OpenLedger chain, shaped like the Cosmos SDK CLI.

mod address;
mod attribute;
mod coins;
mod config;
mod input;
mod keys;
mod ledger;
mod output;
mod query;
mod rpc;
mod tx;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use config::{Context, GlobalOpts};
use output::Reported;

#[derive(Debug, Parser)]
#[command(name = "openledger", version, about = "Client of the OpenLedger chain")]
struct Cli {
    #[command(flatten)]
    global: GlobalOpts,
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process, so the size difference of the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Manage keys in the keyring
    #[command(subcommand)]
    Keys(keys::KeysCmd),
    /// Sign and broadcast transactions
    #[command(subcommand)]
    Tx(tx::TxCmd),
    /// Query the chain
    #[command(subcommand, alias = "q")]
    Query(query::QueryCmd),
    /// Show the node's status
    Status,
    /// Attribute a model output to data contributions (weights per contribution), offline;
    /// `attribute verify-receipt` checks a usage receipt against a Merkle root
    Attribute(attribute::AttributeCmd),
}

impl Command {
    /// Graph output (`--output dot|mermaid`) exists only for lineages.
    fn accepts_graph_output(&self) -> bool {
        matches!(self, Command::Query(query::QueryCmd::Models(q)) if q.accepts_graph_output())
    }
}

async fn run(cli: Cli) -> Result<()> {
    let ctx = Context::from_opts(&cli.global)?;
    if ctx.output.is_graph() && !cli.command.accepts_graph_output() {
        anyhow::bail!(
            "--output {} is only for `query models lineage`; other commands print text or json",
            if ctx.output == config::OutputFormat::Dot {
                "dot"
            } else {
                "mermaid"
            }
        );
    }
    match cli.command {
        Command::Keys(cmd) => keys::run(&ctx, cmd),
        Command::Tx(cmd) => tx::run(&ctx, cmd).await,
        Command::Query(cmd) => query::run(&ctx, cmd).await,
        Command::Status => query::status(&ctx).await,
        Command::Attribute(cmd) => attribute::run(&ctx, cmd),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `Reported` means the result was already printed (e.g. a tx with a non-zero code).
            if e.downcast_ref::<Reported>().is_none() {
                eprintln!("Error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_parse_after_subcommands() {
        let cli = Cli::try_parse_from([
            "openledger",
            "tx",
            "bank",
            "send",
            "alice",
            "ol1xyz",
            "10uopen",
            "--node",
            "http://x:1",
            "--chain-id",
            "c",
            "--output",
            "json",
            "--keyring-backend",
            "file",
            "--home",
            "/tmp/h",
            "--gas",
            "auto",
            "-y",
            "--print-raw",
        ])
        .unwrap();
        assert_eq!(cli.global.node, "http://x:1");
        assert_eq!(cli.global.output, config::OutputFormat::Json);
        assert_eq!(cli.global.keyring_backend, config::KeyringBackend::File);
    }

    #[test]
    fn the_keyring_backend_is_the_encrypted_file_one_unless_test_is_asked_for() {
        let cli = parse(&["keys", "add", "alice"]).unwrap();
        assert_eq!(cli.global.keyring_backend, config::KeyringBackend::File);
        let cli = parse(&["tx", "bank", "send", "alice", "ol1xyz", "1uopen"]).unwrap();
        assert_eq!(cli.global.keyring_backend, config::KeyringBackend::File);
        let cli = parse(&["keys", "list", "--keyring-backend", "test"]).unwrap();
        assert_eq!(cli.global.keyring_backend, config::KeyringBackend::Test);
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("openledger").chain(args.iter().copied()))
    }

    #[test]
    fn graph_output_only_for_lineage() {
        let cli = parse(&["query", "models", "lineage", "9", "--output", "dot"]).unwrap();
        assert_eq!(cli.global.output, config::OutputFormat::Dot);
        assert!(cli.command.accepts_graph_output());
        let cli = parse(&["q", "models", "lineage", "9", "-o", "mermaid"]).unwrap();
        assert!(cli.command.accepts_graph_output());
        let cli = parse(&["query", "models", "card", "9", "-o", "dot"]).unwrap();
        assert!(!cli.command.accepts_graph_output());
        let cli = parse(&["query", "bank", "total", "-o", "mermaid"]).unwrap();
        assert!(!cli.command.accepts_graph_output());
    }

    /// A valid account address that is not a key: messages are built for it offline.
    fn address(byte: u8) -> String {
        bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("ol").unwrap(), &[byte; 20]).unwrap()
    }

    /// The messages `openledger ARGS` builds for the signer `address(1)`, without a key or node.
    fn built(args: &[&str]) -> Vec<cosmrs::Any> {
        let cli = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let Command::Tx(cmd) = cli.command else {
            panic!("{args:?} is not a tx command")
        };
        let request = cmd
            .into_request()
            .expect("a tx command that builds messages");
        assert_eq!(
            request.from, "alice",
            "FROM stays the first positional argument"
        );
        (request.build)(&address(1)).unwrap_or_else(|e| panic!("{args:?}: {e:#}"))
    }

    /// The one message `openledger ARGS` builds, decoded as the type its type URL names.
    fn msg<M: prost::Message + prost::Name + Default>(args: &[&str]) -> M {
        let msgs = built(args);
        assert_eq!(msgs.len(), 1, "{args:?}");
        assert_eq!(msgs[0].type_url, M::type_url(), "{args:?}");
        M::decode(msgs[0].value.as_slice()).unwrap()
    }

    fn tx_args<'a>(module: &'a str, cmd: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut v = vec!["tx", module, cmd, "alice"];
        v.extend_from_slice(rest);
        v
    }

    #[test]
    fn bank_send_sends_the_amount_from_the_signer() {
        use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
        use cosmrs::proto::cosmos::base::v1beta1::Coin;
        let to = address(2);
        let m: MsgSend = msg(&tx_args("bank", "send", &[&to, "10uopen,5ufoo"]));
        let coin = |denom: &str, amount: &str| Coin {
            denom: denom.into(),
            amount: amount.into(),
        };
        assert_eq!(
            m,
            MsgSend {
                from_address: address(1),
                to_address: to,
                amount: vec![coin("ufoo", "5"), coin("uopen", "10")],
            }
        );
        let cli = parse(&tx_args("bank", "send", &["ol1nope", "1uopen"])).unwrap();
        let Command::Tx(cmd) = cli.command else {
            unreachable!()
        };
        assert!((cmd.into_request().unwrap().build)(&address(1)).is_err());
    }

    #[test]
    fn datasets_flags_build_their_messages() {
        use openledger_proto::datasets::v1 as ds;
        let m: ds::MsgCreateDataset = msg(&tx_args(
            "datasets",
            "create",
            &["--name", "d", "--policy", "curated", "--license-id", "4"],
        ));
        assert_eq!(
            m,
            ds::MsgCreateDataset {
                curator: address(1),
                name: "d".into(),
                description: String::new(),
                license_id: 4,
                policy: ds::Policy::Curated as i32,
            }
        );

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, b"abc").unwrap();
        let path = file.display().to_string();
        let m: ds::MsgContribute = msg(&tx_args(
            "datasets",
            "contribute",
            &["1", "--content", &path, "--uri-prefix", "ipfs://x"],
        ));
        assert_eq!(
            (m.contributor.as_str(), m.dataset_id),
            (address(1).as_str(), 1)
        );
        assert_eq!(m.items[0].uri, "ipfs://x/a.txt");
        assert_eq!(m.items[0].size, 3);
        let items = dir.path().join("items.json");
        std::fs::write(
            &items,
            format!(r#"[{{"content_sha256": "{}"}}]"#, "ab".repeat(32)),
        )
        .unwrap();
        let m: ds::MsgContribute = msg(&tx_args(
            "datasets",
            "contribute",
            &["2", "--file", &items.display().to_string()],
        ));
        assert_eq!(m.items[0].content_sha256, "ab".repeat(32));

        let m: ds::MsgReviewContributions = msg(&tx_args(
            "datasets",
            "review",
            &["1", "--accept", "1,2", "--reject", "3", "--reason", "dup"],
        ));
        let shown: Vec<(u64, bool, &str)> = m
            .decisions
            .iter()
            .map(|d| (d.contribution_id, d.accept, d.reason.as_str()))
            .collect();
        assert_eq!(shown, [(1, true, ""), (2, true, ""), (3, false, "dup")]);

        let new_curator = address(3);
        let m: ds::MsgUpdateCurator =
            msg(&tx_args("datasets", "update-curator", &["1", &new_curator]));
        assert_eq!(
            m,
            ds::MsgUpdateCurator {
                curator: address(1),
                dataset_id: 1,
                new_curator,
            }
        );
    }

    #[test]
    fn licenses_flags_build_their_messages() {
        use openledger_proto::licenses::v1 as lic;
        let m: lic::MsgCreateLicense = msg(&tx_args(
            "licenses",
            "create",
            &[
                "--commercial",
                "--prohibit",
                "military,surveillance",
                "--upfront-fee",
                "100uopen",
            ],
        ));
        let terms = m.terms.unwrap();
        assert_eq!(m.creator, address(1));
        assert!(terms.commercial_use && !terms.derivatives_allowed);
        assert_eq!(terms.prohibited_uses, [1, 2]);
        assert_eq!(terms.upfront_fee, "100");

        let version = |id| {
            Some(lic::Target {
                kind: lic::TargetKind::ModelVersion as i32,
                id,
            })
        };
        let dataset = |id| {
            Some(lic::Target {
                kind: lic::TargetKind::Dataset as i32,
                id,
            })
        };
        let m: lic::MsgAttachLicense =
            msg(&tx_args("licenses", "attach", &["--version", "3", "2"]));
        assert_eq!(
            m,
            lic::MsgAttachLicense {
                owner: address(1),
                target: version(3),
                license_id: 2,
            }
        );
        let m: lic::MsgRetireLicense =
            msg(&tx_args("licenses", "retire", &["--dataset", "3", "2"]));
        assert_eq!((m.target, m.license_id), (dataset(3), 2));
        let m: lic::MsgAcquireLicense = msg(&tx_args(
            "licenses",
            "acquire",
            &["--dataset", "3", "2", "--escrow", "10uopen"],
        ));
        assert_eq!(
            m,
            lic::MsgAcquireLicense {
                licensee: address(1),
                target: dataset(3),
                license_id: 2,
                escrow: "10".into(),
            }
        );
        let m: lic::MsgTopUpGrant = msg(&tx_args("licenses", "top-up", &["1", "100"]));
        assert_eq!((m.grant_id, m.amount.as_str()), (1, "100"));
        let m: lic::MsgReleaseGrant = msg(&tx_args("licenses", "release", &["1", "--gas", "auto"]));
        assert_eq!(
            m,
            lic::MsgReleaseGrant {
                licensee: address(1),
                grant_id: 1,
            }
        );

        let operator = address(2);
        let m: lic::MsgAuthorizeOperator = msg(&tx_args(
            "licenses",
            "authorize-operator",
            &["4", &operator, "--spend-limit", "5000uopen"],
        ));
        assert_eq!(
            m,
            lic::MsgAuthorizeOperator {
                licensee: address(1),
                grant_id: 4,
                operator: operator.clone(),
                spend_limit: "5000".into(),
                expires_height: 0,
            }
        );
        let m: lic::MsgAuthorizeOperator = msg(&tx_args(
            "licenses",
            "authorize-operator",
            &[
                "4",
                &operator,
                "--spend-limit",
                "70",
                "--expires-height",
                "900",
            ],
        ));
        assert_eq!((m.spend_limit.as_str(), m.expires_height), ("70", 900));
        let m: lic::MsgRevokeOperator =
            msg(&tx_args("licenses", "revoke-operator", &["4", &operator]));
        assert_eq!(
            m,
            lic::MsgRevokeOperator {
                licensee: address(1),
                grant_id: 4,
                operator,
            }
        );
        for args in [
            tx_args(
                "licenses",
                "authorize-operator",
                &["4", "ol1nope", "--spend-limit", "1uopen"],
            ),
            tx_args("licenses", "revoke-operator", &["4", "bob"]),
        ] {
            let cli = parse(&args).unwrap();
            let Command::Tx(cmd) = cli.command else {
                unreachable!()
            };
            assert!(
                (cmd.into_request().unwrap().build)(&address(1)).is_err(),
                "{args:?}: OPERATOR must be an address"
            );
        }
    }

    #[test]
    fn models_flags_build_their_messages() {
        use openledger_proto::models::v1 as mdl;
        let m: mdl::MsgRegisterModel = msg(&tx_args(
            "models",
            "register",
            &["--name", "m", "--base-id", "org/m"],
        ));
        assert_eq!(
            m,
            mdl::MsgRegisterModel {
                owner: address(1),
                name: "m".into(),
                description: String::new(),
                external_base: Some(mdl::ExternalBase {
                    source: "huggingface".into(),
                    id: "org/m".into(),
                    revision: String::new(),
                }),
            }
        );

        let h = "ab".repeat(32);
        let contributor = format!("{}:architect:10000", address(2));
        let m: mdl::MsgPublishVersion = msg(&tx_args(
            "models",
            "publish-version",
            &[
                "1",
                "--artifact-sha256",
                &h,
                "--method",
                "lora",
                "--parent",
                "7",
                "--dataset",
                "3:1-2",
                "--contributor",
                &contributor,
                "--license-id",
                "5",
            ],
        ));
        assert_eq!((m.owner.as_str(), m.model_id), (address(1).as_str(), 1));
        assert_eq!(m.parent_version_ids, [7]);
        assert_eq!(m.license_ids, [5]);
        assert_eq!(m.contributors[0].role, mdl::Role::Architect as i32);
        let training = m.training.unwrap();
        assert_eq!(training.method, mdl::TrainingMethod::Lora as i32);
        assert_eq!(
            training.datasets,
            [mdl::DatasetUse {
                dataset_id: 3,
                first_contribution_id: 1,
                last_contribution_id: 2,
            }]
        );

        let dir = tempfile::tempdir().unwrap();
        let card = dir.path().join("README.md");
        std::fs::write(
            &card,
            "---\nbase_model: openledger:12\nlicense: openledger:4\n---\n",
        )
        .unwrap();
        let m: mdl::MsgPublishVersion = msg(&tx_args(
            "models",
            "publish-version",
            &[
                "1",
                "--artifact-sha256",
                &h,
                "--from-card",
                &card.display().to_string(),
            ],
        ));
        assert_eq!((m.parent_version_ids, m.license_ids), (vec![12], vec![4]));

        let new_owner = address(3);
        let m: mdl::MsgTransferModelOwnership =
            msg(&tx_args("models", "transfer", &["1", &new_owner]));
        assert_eq!(
            m,
            mdl::MsgTransferModelOwnership {
                owner: address(1),
                model_id: 1,
                new_owner,
            }
        );
    }

    #[test]
    fn attribution_flags_build_their_messages() {
        use openledger_proto::attribution::v1 as att;
        let m: att::MsgRegisterOperator = msg(&tx_args(
            "attribution",
            "register-operator",
            &["3", "--endpoint", "https://x", "--bond", "1000000uopen"],
        ));
        assert_eq!(
            m,
            att::MsgRegisterOperator {
                operator: address(1),
                version_id: 3,
                endpoint: "https://x".into(),
                bond: "1000000".into(),
            }
        );
        let m: att::MsgUnbondOperator = msg(&tx_args("attribution", "unbond", &["3"]));
        assert_eq!((m.operator, m.version_id), (address(1), 3));

        let dir = tempfile::tempdir().unwrap();
        let uses = dir.path().join("uses.json");
        std::fs::write(
            &uses,
            r#"[{"request_id": "r1", "grant_id": 4, "weights": [{"contribution_id": 7, "weight": 12}]},
                {"request_id": "r2", "grant_id": "4", "units": "2"}]"#,
        )
        .unwrap();
        let file = uses.display().to_string();
        let m: att::MsgReportUsage = msg(&tx_args(
            "attribution",
            "report-usage",
            &["3", "--batch-id", "b1", "--file", &file],
        ));
        assert_eq!((m.version_id, m.batch_id.as_str()), (3, "b1"));
        let shown: Vec<(&str, u64, u64)> = m
            .uses
            .iter()
            .map(|u| (u.request_id.as_str(), u.grant_id, u.units))
            .collect();
        assert_eq!(shown, [("r1", 4, 1), ("r2", 4, 2)]);
        let receipts = dir.path().join("receipts.json");
        let m: att::MsgReportUsage = msg(&tx_args(
            "attribution",
            "report-usage",
            &[
                "3",
                "--batch-id",
                "b2",
                "--file",
                &file,
                "--aggregate",
                "--receipts-out",
                &receipts.display().to_string(),
            ],
        ));
        assert!(m.uses.is_empty());
        assert_eq!(
            (
                m.aggregated[0].grant_id,
                m.aggregated[0].uses,
                m.aggregated[0].units
            ),
            (4, 2, 3)
        );
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&receipts).unwrap()).unwrap();
        assert_eq!(
            written["aggregated"][0]["receipts_root"],
            hex::encode(&m.aggregated[0].receipts_root)
        );

        let m: att::MsgClaimRewards = msg(&tx_args("attribution", "claim", &["--gas", "auto"]));
        assert_eq!(m.claimant, address(1));
        for (name, claim) in [
            ("fabricated-use", att::ChallengeClaim::FabricatedUse),
            ("wrong-attribution", att::ChallengeClaim::WrongAttribution),
            ("unlicensed-use", att::ChallengeClaim::UnlicensedUse),
        ] {
            let m: att::MsgChallengeUsage = msg(&tx_args(
                "attribution",
                "challenge",
                &[
                    "9",
                    "--claim",
                    name,
                    "--bond",
                    "5uopen",
                    "--evidence",
                    "ipfs://e",
                ],
            ));
            assert_eq!(
                m,
                att::MsgChallengeUsage {
                    challenger: address(1),
                    report_id: 9,
                    claim: claim as i32,
                    bond: "5".into(),
                    evidence_uri: "ipfs://e".into(),
                }
            );
        }
        let m: att::MsgResolveChallenge =
            msg(&tx_args("attribution", "resolve", &["2", "--upheld"]));
        assert_eq!((m.member, m.challenge_id, m.upheld), (address(1), 2, true));
        let m: att::MsgWithdrawChallenge =
            msg(&tx_args("attribution", "withdraw-challenge", &["4"]));
        assert_eq!((m.challenger, m.challenge_id), (address(1), 4));
        let m: att::MsgUpdateCouncil = msg(&tx_args(
            "attribution",
            "update-council",
            &[
                "--members",
                &format!("{},{}", address(1), address(2)),
                "--threshold",
                "2",
            ],
        ));
        assert_eq!(
            (m.member, m.members, m.threshold),
            (address(1), vec![address(1), address(2)], 2)
        );
        let m: att::MsgResolveChallenge =
            msg(&tx_args("attribution", "resolve", &["2", "--rejected"]));
        assert!(!m.upheld);
    }

    #[test]
    fn tx_flags_are_parsed_once_for_every_command() {
        let cli = parse(&tx_args(
            "licenses",
            "release",
            &[
                "1",
                "--fees",
                "5uopen",
                "--gas",
                "auto",
                "--memo",
                "m",
                "--sequence",
                "4",
            ],
        ))
        .unwrap();
        let Command::Tx(cmd) = cli.command else {
            unreachable!()
        };
        let flags = cmd.into_request().unwrap().flags;
        assert_eq!(flags.gas, tx::GasSetting::Auto);
        assert_eq!((flags.memo.as_str(), flags.sequence), ("m", Some(4)));
        assert!(flags.fees.is_some());
    }

    #[test]
    fn query_and_attribute_commands_take_their_flags() {
        let h = "ab".repeat(32);
        for args in [
            vec!["query", "datasets", "list", "--after", "3", "--limit", "10"],
            vec![
                "query",
                "datasets",
                "contributions",
                "1",
                "--status",
                "pending",
            ],
            vec![
                "query",
                "licenses",
                "can-i",
                "bob",
                "--dataset",
                "3",
                "use-for",
                "model-training",
            ],
            vec!["query", "models", "provenance", "9", "-o", "json"],
            vec![
                "query", "models", "versions", "2", "--after", "5", "--limit", "50",
            ],
            vec!["query", "models", "by-owner", "alice", "--limit", "10"],
            vec!["query", "models", "lineage", "9", "--limit", "1000"],
            vec!["query", "models", "descendants", "9", "--limit", "3"],
            vec!["query", "licenses", "grants-of", "bob", "--after", "7"],
            vec![
                "query",
                "licenses",
                "grants-on",
                "--version",
                "3",
                "--after",
                "7",
                "--limit",
                "2",
            ],
            vec![
                "query",
                "attribution",
                "split-preview",
                "3",
                "--price",
                "1000uopen",
                "--weights",
                "w.json",
            ],
            vec!["query", "attribution", "operator", "alice", "3"],
            vec!["query", "licenses", "authorizations", "--grant", "3"],
            vec!["q", "licenses", "authorizations", "--operator", "bob"],
            vec!["q", "attribution", "challenge", "2"],
            vec![
                "attribute",
                "--contributions",
                "d",
                "--output-text",
                "-",
                "--format",
                "use",
                "--grant-id",
                "4",
            ],
            vec![
                "attribute",
                "verify-receipt",
                "--root",
                &h,
                "--receipt-file",
                "r.json",
                "--index",
                "1",
            ],
        ] {
            parse(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        }
    }

    #[test]
    fn incomplete_or_contradictory_commands_are_refused() {
        for bad in [
            vec!["tx", "licenses", "attach", "alice", "2"],
            vec![
                "tx",
                "licenses",
                "attach",
                "alice",
                "--version",
                "3",
                "--dataset",
                "4",
                "2",
            ],
            vec!["tx", "datasets", "contribute", "alice", "1"],
            vec![
                "tx",
                "datasets",
                "contribute",
                "alice",
                "1",
                "--file",
                "x",
                "--content",
                "y",
            ],
            vec!["tx", "datasets", "review", "alice", "1"],
            vec![
                "tx", "datasets", "create", "alice", "--name", "d", "--policy", "closed",
            ],
            vec![
                "query",
                "datasets",
                "contributions",
                "1",
                "--status",
                "lost",
            ],
            vec![
                "query",
                "licenses",
                "can-i",
                "bob",
                "--version",
                "3",
                "sell",
            ],
            vec![
                "tx",
                "attribution",
                "register-operator",
                "alice",
                "3",
                "--endpoint",
                "e",
                "--bond",
                "5ufoo",
            ],
            vec![
                "tx",
                "attribution",
                "register-operator",
                "alice",
                "3",
                "--endpoint",
                "e",
            ],
            vec![
                "tx",
                "attribution",
                "report-usage",
                "alice",
                "3",
                "--file",
                "u.json",
            ],
            vec!["query", "attribution", "split-preview", "3"],
            vec!["tx", "licenses", "authorize-operator", "alice", "4", "ol1x"],
            vec![
                "tx",
                "licenses",
                "authorize-operator",
                "alice",
                "4",
                "ol1x",
                "--spend-limit",
                "5ufoo",
            ],
            vec![
                "tx",
                "licenses",
                "authorize-operator",
                "alice",
                "4",
                "--spend-limit",
                "5",
            ],
            vec!["tx", "licenses", "revoke-operator", "alice", "4"],
            vec!["query", "licenses", "authorizations"],
            vec!["query", "licenses", "authorizations", "--grant", "0"],
            vec![
                "query",
                "licenses",
                "authorizations",
                "--grant",
                "3",
                "--operator",
                "bob",
            ],
            vec!["attribute", "--contributions", "dir"],
            vec!["attribute", "--output-text", "o"],
            vec![
                "attribute",
                "--contributions",
                "d",
                "--output-text",
                "o",
                "--min-span",
                "0",
            ],
            vec![
                "attribute",
                "--contributions",
                "d",
                "--output-text",
                "o",
                "--format",
                "json",
            ],
            vec![
                "attribute",
                "verify-receipt",
                "--receipt-file",
                "r.json",
                "--index",
                "1",
            ],
        ] {
            assert!(parse(&bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse(&tx_args(
            "attribution",
            "challenge",
            &["1", "--claim", "other", "--bond", "1"]
        ))
        .is_err());
        assert!(parse(&tx_args(
            "attribution",
            "resolve",
            &["1", "--upheld", "--rejected"]
        ))
        .is_err());
        assert!(parse(&tx_args(
            "bank",
            "send",
            &["x", "1uopen", "--fees", "1uopen", "--gas-prices", "1uopen"]
        ))
        .is_err());
    }
}
