//! The `ecr-demo` binary serves a real aws CLI: started on a free port, it
//! answers `describe-repositories`, and an image put with `put-image` (the
//! manifest of one of its own images, under a new tag) reads back with the
//! same digest. The aws CLI is `AWS_CLI`, else the workspace's
//! `.venv/bin/aws` (`scripts/test.sh` installs it); without it the test
//! fails, saying so.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

fn aws_cli() -> String {
    if let Ok(p) = std::env::var("AWS_CLI") {
        return p;
    }
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/aws");
    assert!(
        venv.exists(),
        "no aws CLI: set AWS_CLI, or run scripts/test.sh once (it installs one into .venv)"
    );
    venv.display().to_string()
}

/// Kills the server when the test ends, passed or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn aws(url: &str, args: &[&str]) -> String {
    let out = Command::new(aws_cli())
        .args(["--endpoint-url", url, "--output", "text"])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDEMO")
        .env("AWS_SECRET_ACCESS_KEY", "demo")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("run the aws CLI");
    assert!(
        out.status.success(),
        "aws {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn the_demo_binary_serves_the_aws_cli() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecr-demo"))
        .args(["--port", "0", "--seed", "small"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ecr-demo");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut url = String::new();
    BufReader::new(stdout)
        .read_line(&mut url)
        .expect("the URL line");
    let url = url.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "printed {url:?}");

    let names = aws(
        &url,
        &[
            "ecr",
            "describe-repositories",
            "--query",
            "repositories[].repositoryName",
        ],
    );
    let names: Vec<&str> = names.split_whitespace().collect();
    assert!(!names.is_empty(), "no repositories listed");
    let repo = names[0];

    // One of its images, put again under a new tag.
    let digest = aws(
        &url,
        &[
            "ecr",
            "list-images",
            "--repository-name",
            repo,
            "--query",
            "imageIds[0].imageDigest",
        ],
    );
    assert!(digest.starts_with("sha256:"), "{digest}");
    let manifest = aws(
        &url,
        &[
            "ecr",
            "batch-get-image",
            "--repository-name",
            repo,
            "--image-ids",
            &format!("imageDigest={digest}"),
            "--query",
            "images[0].imageManifest",
        ],
    );
    let put = aws(
        &url,
        &[
            "ecr",
            "put-image",
            "--repository-name",
            repo,
            "--image-tag",
            "pushed-by-aws-cli",
            "--image-manifest",
            &manifest,
            "--query",
            "image.imageId.imageDigest",
        ],
    );
    assert_eq!(put, digest, "the same bytes, the same digest");
    let read_back = aws(
        &url,
        &[
            "ecr",
            "describe-images",
            "--repository-name",
            repo,
            "--image-ids",
            "imageTag=pushed-by-aws-cli",
            "--query",
            "imageDetails[0].imageDigest",
        ],
    );
    assert_eq!(read_back, digest);
    drop(server);
}
