//! `weft run` on the WASI fixture programs (built by `bash fixtures/build.sh`):
//! stdio, arguments, granted environment and directories, exit codes, traps.

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn fixture(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/build")
        .join(format!("{name}.wasm"));
    assert!(
        p.exists(),
        "{} is missing: run `bash fixtures/build.sh` first",
        p.display()
    );
    p
}

/// A scratch directory removed on drop; also weft's TMPDIR, so a test can
/// check that `weft run` leaves nothing behind.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("weft-cli-run-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("tmp")).unwrap();
        Scratch(d)
    }

    fn weft(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_weft"));
        c.env("TMPDIR", self.0.join("tmp"));
        c
    }

    /// What weft left in its TMPDIR.
    fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.0.join("tmp"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let scratch = Scratch::new(
        &format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_alphanumeric(), ""),
    );
    let mut child = scratch
        .weft()
        .arg("run")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        scratch.leftovers(),
        Vec::<String>::new(),
        "weft run cleans up"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `weft run` fails before running anything, with one `error:` line.
fn run_fails(args: &[&str], expect: &str) {
    let (code, out, err) = run(args, "");
    assert_eq!(code, 1, "{args:?}: {out}{err}");
    assert_eq!(err.lines().count(), 1, "one error line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(expect), "expected `{expect}` in: {err}");
    assert!(
        !err.contains("weft-run-") && !err.contains("    at "),
        "no temp path, no stack: {err}"
    );
}

#[test]
fn hello_world() {
    let (code, out, _) = run(&[fixture("wasi-hello").to_str().unwrap()], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("Hello, world!"), "{out}");
}

#[test]
fn args_env_and_exit_status() {
    let f = fixture("wasi-args-env-exit");
    let (code, out, _) = run(
        &["--env", "FOO=bar", f.to_str().unwrap(), "--", "a", "b c"],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("argc=3\narg[0]=wasi-args-env-exit.wasm\narg[1]=a\narg[2]=b c\n"),
        "{out}"
    );
    assert!(
        out.contains("envc=1\nenv FOO=bar\n"),
        "only granted variables: {out}"
    );
    // wasi:cli/exit 0.2 carries only success or failure.
    let (code, _, _) = run(&[f.to_str().unwrap(), "--", "exit=7"], "");
    assert_eq!(code, 1);
    let (code, _, err) = run(&[f.to_str().unwrap(), "--", "panic"], "");
    assert_eq!(code, 1);
    assert!(
        err.contains("asked to panic") && err.contains("wasm trap"),
        "{err}"
    );
}

#[test]
fn stdin_is_passed_through() {
    let (code, out, _) = run(
        &[fixture("wasi-stdin").to_str().unwrap()],
        "hello stdin\nmore\n",
    );
    assert_eq!(code, 0);
    assert!(out.contains("first: \"hello stdin\""), "{out}");
}

#[test]
fn files_in_a_granted_directory_and_no_escape() {
    let scratch = Scratch::new("files");
    let dir = scratch.0.join("data");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("input.txt"), "some input\n").unwrap();
    let grant = format!("{}::/data", dir.display());
    let (code, out, err) = run(
        &["--dir", &grant, fixture("wasi-files").to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("input: some input"), "{out}");
    assert!(out.contains("escape ..: err PermissionDenied"), "{out}");
    assert!(!out.contains("escape ..: ok"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.join("out/hello.txt")).unwrap(),
        "hello from wasi\nsecond line\n"
    );
    // Without --dir the program sees no files at all.
    let (code, _, _) = run(&[fixture("wasi-files").to_str().unwrap()], "");
    assert_ne!(code, 0);
}

#[test]
fn serve_answers_http_requests_and_cleans_up_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    let scratch = Scratch::new("serve");
    let mut child = scratch
        .weft()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg(fixture("wasi-http-server"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(conn, "POST /echo HTTP/1.1\r\nHost: {addr}\r\nx-echo: e\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody").unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert_eq!(scratch.leftovers().len(), 1, "serving from one temp dir");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let _ = child.wait();
    // Node notices weft is gone (its stdin closes), stops and removes the directory.
    let start = std::time::Instant::now();
    while !scratch.leftovers().is_empty() && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        scratch.leftovers(),
        Vec::<String>::new(),
        "SIGTERM cleans up"
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("POST /echo e body"), "{response}");
}

#[test]
fn a_dir_grant_must_be_a_directory() {
    let scratch = Scratch::new("dir-file");
    let file = scratch.0.join("some-file");
    std::fs::write(&file, "x").unwrap();
    let hello = fixture("wasi-hello");
    let grant = format!("{}::/data", file.display());
    run_fails(
        &["--dir", &grant, hello.to_str().unwrap()],
        "some-file: not a directory",
    );
    let grant = format!("{}::/data", scratch.0.join("missing").display());
    run_fails(&["--dir", &grant, hello.to_str().unwrap()], "--dir ");
}

#[test]
fn env_names_must_not_be_empty_and_unset_variables_stay_unset() {
    let f = fixture("wasi-args-env-exit");
    run_fails(&["--env", "=x", f.to_str().unwrap()], "--env `=x`");
    std::env::remove_var("WEFT_TEST_SURELY_UNSET");
    let (code, out, err) = run(
        &["--env", "WEFT_TEST_SURELY_UNSET", f.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("envc=0\n"), "the variable stays unset: {out}");
}

#[test]
fn imports_the_host_does_not_provide_are_named() {
    // A component importing a custom interface: named as a whole.
    run_fails(
        &[fixture("values").to_str().unwrap()],
        "values.wasm: imports the host does not provide: test:values/host",
    );
    // A function missing from an interface the host has (as a WASI 0.3
    // program's functions are missing from the 0.2 host): named one by one.
    let scratch = Scratch::new("missing-func");
    let wat = scratch.0.join("prog.wat");
    std::fs::write(
        &wat,
        r#"(component
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-arguments-twice" (func (result u32)))
    (export "count-things" (func (result u32)))))
  (core func $a (canon lower (func $env "get-arguments-twice")))
  (core func $b (canon lower (func $env "count-things")))
  (core module $m
    (import "h" "a" (func $a (result i32)))
    (import "h" "b" (func $b (result i32)))
    (func (export "run") (result i32) (drop (call $a)) (call $b)))
  (core instance $i (instantiate $m (with "h" (instance (export "a" (func $a)) (export "b" (func $b))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $ri (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $ri)))"#,
    )
    .unwrap();
    run_fails(
        &[wat.to_str().unwrap()],
        "imports the host does not provide: wasi:cli/environment#get-arguments-twice, wasi:cli/environment#count-things",
    );
}

#[test]
fn a_closed_stdout_ends_the_program_quietly() {
    let scratch = Scratch::new("epipe");
    let mut child = scratch
        .weft()
        .arg("run")
        .arg(fixture("wasi-hello"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // As `weft run prog | head -0`: the reader is gone before the first write.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "as SIGPIPE ends Unix tools");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}

/// WASI 0.3 commands (`wasi:cli/run@0.3.x`, the wasip3 crate) are told apart
/// from 0.2 ones and awaited; exit-with-code passes any status through.
#[test]
fn wasi3_command_stdio_args_env_and_exit_codes() {
    let f = fixture("wasi3-cli");
    let f = f.to_str().unwrap();
    let (code, out, err) = run(&["--env", "FOO=bar", f, "--", "echo"], "piped\ninput\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "argc=2\narg[0]=wasi3-cli.wasm\narg[1]=echo\nenv FOO=bar\ncwd=None\n\
         terminal stdin=false stdout=false\nstdin: 12 bytes\nPIPED\nINPUT\ndone\n"
    );
    assert!(err.ends_with("xxx\nstderr via 0.3\n"), "{err}");
    for n in ["0", "7", "200", "255"] {
        let (code, out, _) = run(&[f, "--", &format!("exit={n}")], "");
        assert_eq!(code.to_string(), n);
        assert_eq!(out, format!("exiting with {n}\n"));
    }
    assert_eq!(run(&[f, "--", "fail"], "").0, 1);
    assert_eq!(run(&[f, "--", "exit-err"], "").0, 1);
}

#[test]
fn wasi3_clocks_and_random() {
    let (code, out, err) = run(&[fixture("wasi3-clocks-random").to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("random ok\n"), "{out}");
}

/// The 0.3 filesystem through `--dir`, with the same escape checks as 0.2.
#[test]
fn wasi3_files_in_a_granted_directory() {
    files_program_in_a_granted_directory(&fixture("wasi3-files"), "files");
}

/// Runs the wasi3-files program (`wasm`) with a fresh directory granted as /data.
fn files_program_in_a_granted_directory(wasm: &std::path::Path, tag: &str) {
    let root = std::env::temp_dir().join(format!("weft-run-wasi3-{tag}-{}", std::process::id()));
    let data = root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(root.join("secret.txt"), "top secret").unwrap();
    std::fs::write(data.join("input.txt"), "input data here\n").unwrap();
    std::os::unix::fs::symlink("../secret.txt", data.join("link-out")).unwrap();
    std::os::unix::fs::symlink("input.txt", data.join("link-in")).unwrap();
    let grant = format!("{}::/data", data.display());
    let (code, out, err) = run(&["--dir", &grant, wasm.to_str().unwrap()], "");
    let written = std::fs::read_to_string(data.join("out/hello.txt"));
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(code, 0, "{tag}: {err}");
    assert_eq!(
        out, "read ok\nwrite ok\nlist rename stat remove ok\nescapes refused\n",
        "{tag}"
    );
    assert_eq!(written.unwrap(), "Jello world\n", "{tag}");
}

/// Any 0.3.x patch version is accepted, including for the interfaces the host
/// serves under a key of their own (`wasi:filesystem/types@0.3`): the
/// wasi3-files program (built against 0.3.2) renamed to 0.3.0 and 0.3.7.
#[test]
fn wasi3_any_patch_version() {
    let original = std::fs::read(fixture("wasi3-files")).unwrap();
    let scratch = Scratch::new("patch-versions");
    for patch in ["0", "7"] {
        let to = format!("@0.3.{patch}");
        let mut bytes = original.clone();
        let mut n = 0;
        for i in 0..bytes.len().saturating_sub(6) {
            if &bytes[i..i + 6] == b"@0.3.2" {
                bytes[i..i + 6].copy_from_slice(to.as_bytes());
                n += 1;
            }
        }
        assert!(n > 0, "the program names 0.3.2 interfaces");
        let wasm = scratch.0.join(format!("wasi3-files-0.3.{patch}.wasm"));
        std::fs::write(&wasm, &bytes).unwrap();
        files_program_in_a_granted_directory(&wasm, &format!("patch-{patch}"));
    }
}

/// WASI 0.3 sockets need `--allow-network`; without it they are refused.
#[test]
fn wasi3_sockets_follow_the_network_grant() {
    let f = fixture("wasi3-sockets");
    let f = f.to_str().unwrap();
    let (code, out, err) = run(&["--allow-network", f], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "tcp echo ok\nudp echo ok\nlookup ok\n");
    let (code, out, err) = run(&[f, "--", "denied"], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "sockets refused\n");
}

/// Waits for `child` at most `limit`; kills it and fails when it is still running.
fn wait_bounded(child: &mut std::process::Child, limit: std::time::Duration, what: &str) -> i32 {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A 0.3 program that returns from `run`, or exits with a code, while one of
/// its tasks still waits for stdin ends there: a stdin pipe that stays open
/// does not keep `weft run` alive (the bound is generous; it only catches a
/// hang).
#[test]
fn wasi3_pending_stdin_read_does_not_keep_weft_run_alive() {
    use std::io::Read;
    let f = fixture("wasi3-cli");
    let scratch = Scratch::new("pending-stdin");
    for (mode, code, line) in [
        ("pending-return", 0, "returning while reading stdin\n"),
        ("pending-exit=9", 9, "exiting with 9 while reading stdin\n"),
    ] {
        let mut child = scratch
            .weft()
            .arg("run")
            .arg(&f)
            .args(["--", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let held_open = child.stdin.take();
        let status = wait_bounded(&mut child, std::time::Duration::from_secs(60), mode);
        drop(held_open);
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!((status, out.as_str()), (code, line), "{mode}");
    }
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}

/// The same with stdin a terminal that never closes (a pseudo-terminal from
/// util-linux `script`; skipped where `script` is missing).
#[test]
fn wasi3_pending_terminal_read_does_not_keep_weft_run_alive() {
    use std::io::Read;
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` (util-linux) to make a terminal");
        return;
    }
    let f = fixture("wasi3-cli");
    let scratch = Scratch::new("pending-tty");
    for (mode, code, line) in [
        ("pending-return", 0, "returning while reading stdin"),
        ("pending-exit=9", 9, "exiting with 9 while reading stdin"),
    ] {
        let cmd = format!(
            "'{}' run '{}' -- {mode}",
            env!("CARGO_BIN_EXE_weft"),
            f.display()
        );
        let mut child = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env("TMPDIR", scratch.0.join("tmp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let held_open = child.stdin.take();
        let status = wait_bounded(&mut child, std::time::Duration::from_secs(60), mode);
        drop(held_open);
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(status, code, "{mode}: {out}");
        assert_eq!(out.trim_end(), line, "{mode}");
    }
    assert_eq!(scratch.leftovers(), Vec::<String>::new());
}
