//! The command line's subcommands and the options they share, as clap
//! reads them (the window's own flags stay in `main.rs`). `--help` and the
//! man page are generated from these doc comments.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::findings::{FailOn, FormatArg};
use super::output::Output;

/// Options every subcommand takes, named as the aws CLI names them.
#[derive(Clone, Debug, Default, Args)]
pub struct GlobalArgs {
    /// The AWS profile (as in ~/.aws/config); else AWS_PROFILE, else the
    /// default credentials chain. A reference's own `profile@` wins.
    /// `check` checks only this profile.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// The region; else AWS_REGION, else the profile's. A reference's own
    /// `region/` wins.
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Send every ECR call to this endpoint (moto, LocalStack, a VPC
    /// endpoint) instead of the one AWS's endpoint rules give.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// How answers are printed on stdout: json (default, as the aws CLI),
    /// table (aligned, for people) or text (tab-separated, for scripts).
    #[arg(long, global = true, value_enum, default_value_t = Output::Json)]
    pub output: Output,
    /// The code an MFA device shows, for a profile whose role has
    /// mfa_serial: the role is assumed with it for this command (the
    /// session is kept in memory only).
    #[arg(long, global = true, value_name = "CODE")]
    pub mfa_code: Option<String>,
}

impl GlobalArgs {
    pub fn globals(&self) -> super::target::Globals {
        super::target::Globals {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            client: crate::ecr::ClientOptions::default(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Connect to every registry the app would show (AWS profiles and
    /// environment) and print what answers, or why not, with the proxy
    /// every request follows. Exit code 1 if any fails.
    Check {
        /// Also list repository names.
        #[arg(long)]
        repositories: bool,
    },
    /// Copy an image between repositories, regions, accounts or profiles,
    /// without docker: layers the target has are skipped (a rerun resumes),
    /// digests are unchanged, and nothing is sent when a tag would be
    /// refused. SRC is [profile@][region/]repository:tag or …@sha256:<digest>;
    /// DST is [profile@][region/]repository[:tag] (without :tag the source's
    /// tag, or none for a digest).
    #[command(after_help = super::exit::HELP)]
    Copy {
        /// The image: [profile@][region/]repository:tag or …@sha256:<digest>
        #[arg(value_name = "SRC")]
        source: String,
        /// Where to: [profile@][region/]repository[:tag]
        #[arg(value_name = "DST")]
        target: String,
        /// Copy every tag the source image has.
        #[arg(long)]
        all_tags: bool,
        /// Create the target repository when it does not exist
        /// (tag-mutable, AES256; make it first for other settings).
        #[arg(long)]
        create: bool,
        /// Move a mutable tag that names another image in the target.
        #[arg(long)]
        force: bool,
        /// Copy the image's signatures, SBOMs and attestations too: its OCI
        /// 1.1 referrers (recursively) and cosign's sha256-<hex>.sig/.att/.sbom
        /// tags. One the target refuses is named on stderr; the image
        /// still lands.
        #[arg(long)]
        with_referrers: bool,
    },
    /// Export an image (an index with every platform) to an OCI image
    /// layout in a tar file, each blob verified by digest; the file appears
    /// only when whole.
    #[command(after_help = super::exit::HELP)]
    Export {
        /// [profile@][region/]repository:tag or …@sha256:<digest>
        #[arg(value_name = "REF")]
        image: String,
        /// The tar file to write (replaced only when the export succeeds).
        #[arg(value_name = "FILE.tar")]
        file: PathBuf,
        /// Put the image's signatures, SBOMs and attestations in the layout
        /// too (listed in index.json after the image; name the tag to pick
        /// the image: skopeo copy oci-archive:FILE.tar:TAG …).
        #[arg(long)]
        with_referrers: bool,
    },
    /// Find a tag, a digest (or its start), a git commit used as a tag, or
    /// part of a repository name in every repository of the registries.
    /// Exit code 3 when nothing is found; what could not be searched is
    /// said on stderr and gives the exit code.
    #[command(after_help = super::exit::HELP)]
    Search {
        /// A tag, sha256:<digest>, a digest prefix, or part of a name.
        query: String,
        /// Only these registries: PROFILE or PROFILE@REGION, comma-separated
        /// or repeated. Default: the one --profile/--region/--endpoint-url
        /// name, else every profile.
        #[arg(long, value_delimiter = ',', value_name = "PROFILE[@REGION]")]
        registries: Vec<String>,
    },
    /// Print an image's scan findings (basic or enhanced) as CSV, JSON or
    /// SARIF 2.1.0 for CI systems; --fail-on makes the exit code a gate.
    #[command(after_help = super::exit::HELP)]
    Findings {
        /// [profile@][region/]repository:tag or …@sha256:<digest>
        #[arg(value_name = "REF")]
        image: String,
        #[arg(long, value_enum, default_value_t = FormatArg::Sarif)]
        format: FormatArg,
        /// Write to this file (replaced whole) instead of stdout.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        /// Exit with code 6 when a finding is at or above this severity.
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<FailOn>,
    },
    /// Verify an image's cosign key-pair signature with a public key file
    /// (ECDSA P-256): signed by that key's holder, and the signed payload
    /// names this image's digest. Signatures are found under cosign's
    /// `sha256-<hex>.sig` tag and as OCI 1.1 referrers (ListImageReferrers).
    /// Not a Sigstore transparency-log check.
    /// Exit code 1 when no signature verifies, 3 when there is none.
    #[command(after_help = super::exit::HELP)]
    Verify {
        /// [profile@][region/]repository:tag or …@sha256:<digest>
        #[arg(value_name = "REF")]
        image: String,
        /// The public key (PEM), e.g. cosign.pub.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Sign in to IAM Identity Center (SSO) for --profile, as `aws sso
    /// login` does: the code and the page on stderr (the page opened in the
    /// browser), the token written to ~/.aws/sso/cache where the aws CLI and
    /// the SDKs read it. Works for sso_session and legacy sso_start_url
    /// profiles.
    #[command(after_help = super::exit::HELP)]
    Login {
        /// Print the page to open instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Print the man page (roff) to stdout; used when packaging.
    #[command(hide = true)]
    Man,
}
