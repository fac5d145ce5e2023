//! Integration tests: the real `zikao` executable, run as a user would.

mod edges;
mod faults;
mod folder;
mod hardening;
mod reliability;

use assert_cmd::Command;
use predicates::prelude::*;

fn zikao() -> Command {
    let mut c = Command::cargo_bin("zikao").unwrap();
    c.env_remove("ZIKAO_LANG");
    c
}

#[test]
fn help_ends_with_examples() {
    zikao()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples / 示例"));
}

#[test]
fn unknown_option_is_exit_2() {
    zikao().arg("--no-such-option").assert().code(2);
    zikao()
        .args(["photo", "check", "--format", "pdf", "x.jpg"])
        .assert()
        .code(2);
}

#[test]
fn policy_list_and_show() {
    zikao()
        .args(["policy", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("guangdong").and(predicate::str::contains("anhui")));
    let out = zikao()
        .args(["policy", "show", "guangdong"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // what `show` prints is a valid policy file
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gd.toml");
    std::fs::write(&p, &text).unwrap();
    zikao().args(["policy", "check"]).arg(&p).assert().success();
}

#[test]
fn unknown_policy_is_exit_2_and_named() {
    zikao()
        .args(["policy", "show", "hainan"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hainan"));
}

#[test]
fn malformed_policy_file_names_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(
        &p,
        "name = 'x'\ntitle_zh = 'x'\ntitle_en = 'x'\nbatch_months = 'june'\n",
    )
    .unwrap();
    zikao()
        .args(["policy", "check"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml").and(predicate::str::contains("batch_months")));
}
mod commands;
