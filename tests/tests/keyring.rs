//! Keys at rest, with the real `openledger` binary: the default keyring is the encrypted file
//! one, its files and directories are the owner's only, and a localnet's saved mnemonics too.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use openledger_tests::{proc, Binaries, Localnet};
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(60);
const PASSPHRASE: &str = "correct horse battery";

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn show(out: &Output) -> String {
    format!(
        "{}\nstdout:\n{}\nstderr:\n{}",
        proc::describe(&out.status),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `openledger ARGS` with HOME set to `home` and nothing else choosing the keyring: no
/// --home, no --keyring-backend, no passphrase in the environment.
fn openledger(bin: &Path, home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env("HOME", home)
        .env_remove("OPENLEDGER_HOME")
        .env_remove("OPENLEDGER_KEYRING_PASSPHRASE");
    cmd
}

/// Every string value of a JSON document (not its field names), recursively.
fn string_values(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| string_values(x, out)),
        Value::Object(o) => o.values().for_each(|x| string_values(x, out)),
        _ => {}
    }
}

#[test]
fn the_default_keyring_encrypts_a_new_key_in_a_file_only_its_owner_can_read() {
    let bin = Binaries::locate().openledger;
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path();

    // The passphrase piped on stdin, as a script does; no backend flag: the default.
    let out = proc::run_with_stdin(
        &mut openledger(&bin, home, &["keys", "add", "alice", "--output", "json"]),
        format!("{PASSPHRASE}\n").as_bytes(),
        TIMEOUT,
    );
    assert!(out.status.success(), "keys add: {}", show(&out));
    let added: Value = serde_json::from_slice(&out.stdout).expect("keys add prints JSON");
    let address = added["address"].as_str().expect("address").to_owned();
    let mnemonic = added["mnemonic"].as_str().expect("mnemonic").to_owned();
    assert_eq!(mnemonic.split_whitespace().count(), 24);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("plaintext"),
        "the file backend gave the test keyring's warning: {}",
        show(&out)
    );

    let cli_home = home.join(".openledger");
    let dir = cli_home.join("keyring-file");
    let file = dir.join("alice.json");
    assert!(
        !cli_home.join("keyring-test").exists(),
        "a plaintext keyring was made"
    );
    assert_eq!(format!("{:o}", mode(&file)), "600", "key file");
    assert_eq!(format!("{:o}", mode(&dir)), "700", "keyring directory");
    assert_eq!(
        format!("{:o}", mode(&cli_home)),
        "700",
        "the CLI home it created"
    );

    // No word of the mnemonic anywhere in what is stored (hex and base64 runs are one token
    // each, so a short word cannot match inside them by chance).
    let text = std::fs::read_to_string(&file).expect("key file");
    assert!(!text.contains(&mnemonic));
    let stored: Value = serde_json::from_str(&text).expect("key file is JSON");
    assert!(stored.get("mnemonic").is_none(), "{text}");
    assert_eq!(stored["crypto"]["log_n"], 17, "{text}");
    let mut values = Vec::new();
    string_values(&stored, &mut values);
    let words: Vec<&str> = mnemonic.split_whitespace().collect();
    for token in values
        .iter()
        .flat_map(|v| v.split(|c: char| !c.is_ascii_alphanumeric()))
    {
        assert!(
            !words.contains(&token),
            "mnemonic word {token:?} stored in plaintext: {text}"
        );
    }

    // The public part needs no passphrase.
    let out = proc::run(
        &mut openledger(&bin, home, &["keys", "show", "alice", "-a"]),
        TIMEOUT,
    );
    assert!(out.status.success(), "keys show: {}", show(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), address);

    // A wrong passphrase opens nothing and changes nothing; the right one (from the
    // environment this time) gives the mnemonic back.
    let before = std::fs::read(&file).expect("key file");
    let out = proc::run_with_stdin(
        &mut openledger(&bin, home, &["keys", "export", "alice"]),
        b"not the passphrase\n",
        TIMEOUT,
    );
    assert!(
        !out.status.success(),
        "export with a wrong passphrase: {}",
        show(&out)
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(words[0]),
        "{}",
        show(&out)
    );
    assert_eq!(std::fs::read(&file).expect("key file"), before);
    assert_eq!(format!("{:o}", mode(&file)), "600");
    let out = proc::run(
        openledger(&bin, home, &["keys", "export", "alice"])
            .env("OPENLEDGER_KEYRING_PASSPHRASE", PASSPHRASE),
        TIMEOUT,
    );
    assert!(out.status.success(), "keys export: {}", show(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), mnemonic);
}

#[test]
fn the_test_keyring_is_used_only_when_asked_for_and_says_it_is_plaintext() {
    let bin = Binaries::locate().openledger;
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path();
    let out = proc::run(
        &mut openledger(
            &bin,
            home,
            &["keys", "add", "bob", "--keyring-backend", "test"],
        ),
        TIMEOUT,
    );
    assert!(out.status.success(), "keys add: {}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("WARNING: the test keyring"),
        "{}",
        show(&out)
    );
    let file = home.join(".openledger/keyring-test/bob.json");
    assert_eq!(format!("{:o}", mode(&file)), "600");
    // Without the flag the key is not found: the default is the other keyring.
    let out = proc::run(
        &mut openledger(&bin, home, &["keys", "show", "bob", "-a"]),
        TIMEOUT,
    );
    assert!(!out.status.success(), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("file keyring"),
        "{}",
        show(&out)
    );
}

#[test]
fn a_localnet_saves_its_mnemonics_readable_by_their_owner_only() {
    let net = Localnet::start(1);
    let client = net.client_home();
    assert_eq!(format!("{:o}", mode(client)), "700", "client home");
    for name in ["alice", "bob", "carol", "val0"] {
        let saved = client.join(format!("{name}.add.txt"));
        let text = std::fs::read_to_string(&saved).expect("saved keys add output");
        // It is worth protecting: the mnemonic is in it.
        assert!(
            openledger_tests::tx::key_in_text(&text).is_some(),
            "{name}: no mnemonic in {text}"
        );
        assert_eq!(format!("{:o}", mode(&saved)), "600", "{}", saved.display());
    }
}
