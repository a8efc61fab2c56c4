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

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
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
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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
    let dir = std::env::temp_dir().join(format!("weft-run-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
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
fn serve_answers_http_requests() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
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
    let _ = child.kill();
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("POST /echo e body"), "{response}");
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
    let root = std::env::temp_dir().join(format!("weft-run-wasi3-files-{}", std::process::id()));
    let data = root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(root.join("secret.txt"), "top secret").unwrap();
    std::fs::write(data.join("input.txt"), "input data here\n").unwrap();
    std::os::unix::fs::symlink("../secret.txt", data.join("link-out")).unwrap();
    std::os::unix::fs::symlink("input.txt", data.join("link-in")).unwrap();
    let grant = format!("{}::/data", data.display());
    let (code, out, err) = run(
        &["--dir", &grant, fixture("wasi3-files").to_str().unwrap()],
        "",
    );
    let written = std::fs::read_to_string(data.join("out/hello.txt"));
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "read ok\nwrite ok\nlist rename stat remove ok\nescapes refused\n"
    );
    assert_eq!(written.unwrap(), "Jello world\n");
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
