//! One PC driven through the real `desk` binary, with its own data folder and its own secret
//! that seals keys (`DISCLOSURE_DESK_PC_SECRET`); passwords go in environment variables only.

#![allow(dead_code)]

pub mod program;
use program::desk_command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Pc {
    pub data: PathBuf,
    pub secret: PathBuf,
    pub program: Program,
}

/// Which `desk` a PC runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    /// The program under test: this build, or the one `DESK_UNDER_TEST` names (see `program`).
    UnderTest,
    /// This build's own `desk`, even when another program is under test: the Linux PC beside a
    /// Windows one.
    ThisBuild,
}

/// A shared folder under `root`, as `desk sync --folder` takes it.
pub fn share_in(root: &Path) -> String {
    let share = root.join("share");
    std::fs::create_dir_all(&share).unwrap_or_else(|e| panic!("{e}"));
    share.to_string_lossy().to_string()
}

impl Pc {
    /// A PC whose data folder is `root/name` and whose secret is `root/name-secret`.
    pub fn new(root: &Path, name: &str) -> Pc {
        Pc {
            data: root.join(name),
            secret: root.join(format!("{name}-secret")),
            program: Program::UnderTest,
        }
    }

    /// As [`Pc::new`], running this build's own `desk`.
    pub fn this_build(root: &Path, name: &str) -> Pc {
        Pc {
            program: Program::ThisBuild,
            ..Pc::new(root, name)
        }
    }

    /// The office most tests start from: 规法处, 张主任 of the disclosure office, and 李处长, the
    /// section head of 规法处.
    pub fn add_office(&self) {
        self.ok(&["department", "add", "规法处"], &[]);
        self.ok(&["person", "add", "张主任", "--role", "coordinator"], &[]);
        self.ok(
            &[
                "person",
                "add",
                "李处长",
                "--department",
                "规法处",
                "--role",
                "section_head",
            ],
            &[],
        );
    }

    /// 张主任 sets signing up on this PC, the office key's password in `OFFICE_PASSWORD` of
    /// `env`; returns the fingerprint. 张主任 stays the current person.
    pub fn set_up_signing(&self, env: &[(&str, &str)]) -> String {
        self.ok(&["whoami", "--set", "张主任"], &[]);
        self.ok(
            &["office", "init", "--password-env", "OFFICE_PASSWORD"],
            env,
        )["fingerprint"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// 李处长 makes her key on this PC (`HEAD_PASSWORD` of `env`) and 张主任 enrols her as the
    /// section head of 规法处 (`OFFICE_PASSWORD`); 张主任 stays the current person.
    pub fn enrol_head(&self, env: &[(&str, &str)]) -> Value {
        self.ok(&["whoami", "--set", "李处长"], &[]);
        self.ok(&["key", "create", "--password-env", "HEAD_PASSWORD"], env);
        self.ok(&["whoami", "--set", "张主任"], &[]);
        self.ok(
            &[
                "roster",
                "enrol-person",
                "李处长",
                "--role",
                "section_head",
                "--department",
                "规法处",
                "--password-env",
                "OFFICE_PASSWORD",
            ],
            env,
        )
    }

    /// Runs `desk` (with `--json` when `json`), with `env` set for this run only.
    pub fn desk(&self, json: bool, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = match self.program {
            Program::UnderTest => desk_command(),
            Program::ThisBuild => Command::new(env!("CARGO_BIN_EXE_desk")),
        };
        command.arg("--data-dir").arg(&self.data);
        if json {
            command.arg("--json");
        }
        command
            .args(args)
            .env("DISCLOSURE_DESK_PC_SECRET", &self.secret)
            .envs(env.iter().copied())
            .output()
            .unwrap_or_else(|e| panic!("run desk: {e}"))
    }

    /// Runs with `--json`, expects success; returns what it printed.
    pub fn ok(&self, args: &[&str], env: &[(&str, &str)]) -> Value {
        let out = self.desk(true, args, env);
        assert!(
            out.status.success(),
            "desk {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    }

    /// Runs with `--json`, expects exit 1; returns the error.
    pub fn error(&self, args: &[&str], env: &[(&str, &str)]) -> Value {
        error_of(&self.desk(true, args, env), &format!("desk {args:?}"))
    }

    /// Adds an item with `fields` (FIELD=VALUE) and walks it to 待签批 as the current person:
    /// submitted, every required check passed (or, where a rule does not let it pass, marked not
    /// applicable), sign-off requested. Returns its id.
    pub fn awaiting_signoff(&self, title: &str, fields: &[&str]) -> String {
        let mut args = vec!["item", "add", "--title", title];
        args.extend_from_slice(fields);
        let item = self.ok(&args, &[]);
        let id = item["id"].as_str().unwrap_or_default().to_string();
        self.ok(&["item", "submit", &id], &[]);
        let checklist = self.ok(&["check", "list", &id], &[]);
        for check in checklist["checks"].as_array().into_iter().flatten() {
            if check["def"]["required"] != true {
                continue;
            }
            let key = check["def"]["key"].as_str().unwrap_or_default();
            let passed = self.desk(true, &["check", "set", &id, key, "pass"], &[]);
            if !passed.status.success() {
                self.ok(
                    &["check", "set", &id, key, "na", "--note", "本件不涉及"],
                    &[],
                );
            }
        }
        self.ok(&["item", "request-signoff", &id], &[]);
        id
    }

    /// The code of the error [`Pc::error`] returns.
    pub fn code(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        self.error(args, env)["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// The error a `--json` run that was to fail (exit 1) printed; `what` names the run.
pub fn error_of(out: &Output, what: &str) -> Value {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what} should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let error: Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    error["error"].clone()
}
