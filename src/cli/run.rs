//! Runs one subcommand on the runtime: the answer on stdout in the chosen
//! format, words about what went wrong on stderr, and the exit code.
//! Ctrl-C cancels a copy or export cleanly (what arrived stays; a rerun
//! resumes) and exits 130.

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::Discovery;

use super::args::{Cmd, GlobalArgs};
use super::exit::{Exit, Failure};
use super::output::Rows;

/// The exit code of `cmd` (never `Cmd::Man`, which main prints itself).
pub async fn run(cmd: Cmd, g: &GlobalArgs) -> i32 {
    let d = crate::registries::profiles::discover().await;
    for w in &d.warnings {
        eprintln_safe(&format!("warning: {w}"));
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.store(true, Ordering::Relaxed);
            }
        });
    }
    let result = dispatch(cmd, g, &d, &cancel).await;
    match result {
        Ok(code) => code.code(),
        Err(f) => {
            eprintln_safe(&format!("ecrscope: {}", f.message));
            f.exit.code()
        }
    }
}

async fn dispatch(
    cmd: Cmd,
    g: &GlobalArgs,
    d: &Discovery,
    cancel: &AtomicBool,
) -> Result<Exit, Failure> {
    let globals = g.globals();
    if let Some(code) = &g.mfa_code {
        mfa_session(code, &globals).await?;
    }
    match cmd {
        Cmd::Check { repositories } => {
            // --region or --endpoint-url name one registry (as for the
            // other commands); else every registry, or --profile's.
            let lines = if globals.region.is_some() || globals.endpoint_url.is_some() {
                let spec =
                    super::target::spec_for(None, None, &globals, d).map_err(Failure::usage)?;
                super::check::check_specs(vec![spec], &globals.client).await
            } else {
                super::check::check(d, globals.profile.as_deref(), &globals.client).await
            };
            Ok(
                if super::check::report(&lines, repositories, &d.warnings) == 0 {
                    Exit::Ok
                } else {
                    Exit::Failed
                },
            )
        }
        Cmd::Copy {
            source,
            target,
            all_tags,
            create,
            force,
            with_referrers,
        } => {
            let a = super::copy::CopyArgs {
                source,
                target,
                all_tags,
                create,
                force,
                with_referrers,
            };
            let rows = super::copy::run(&a, &globals, d, cancel).await?;
            print(&rows, g);
            Ok(Exit::Ok)
        }
        Cmd::Export {
            image,
            file,
            with_referrers,
        } => {
            let rows =
                super::export::run(&image, &file, with_referrers, &globals, d, cancel).await?;
            print(&rows, g);
            Ok(Exit::Ok)
        }
        Cmd::Search { query, registries } => {
            let out = super::search::run(&query, &registries, &globals, d).await?;
            print(&out.rows, g);
            for p in &out.problems {
                eprintln_safe(&format!("ecrscope: {p}"));
            }
            Ok(out.exit)
        }
        Cmd::Findings {
            image,
            format,
            file,
            fail_on,
        } => {
            let a = super::findings::FindingsArgs {
                image,
                format,
                file,
                fail_on,
            };
            let out = super::findings::run(&a, &globals, d).await?;
            match &a.file {
                Some(path) => {
                    crate::platform::files::write_replacing(path, out.text.as_bytes()).map_err(
                        |e| {
                            Failure::new(
                                Exit::Failed,
                                format!("Cannot write '{}': {e}", path.display()),
                            )
                        },
                    )?;
                    eprintln_safe(&format!("{}: written to {}", out.summary, path.display()));
                }
                None => write_stdout(&out.text),
            }
            Ok(out.exit)
        }
        Cmd::Login { no_browser } => {
            let rows = super::login::run(globals.profile.as_deref(), no_browser, cancel).await?;
            print(&rows, g);
            Ok(Exit::Ok)
        }
        Cmd::Verify { image, key } => {
            let rows = super::verify::run(&image, &key, &globals, d).await?;
            print(&rows, g);
            Ok(Exit::Ok)
        }
        Cmd::Man => Ok(Exit::Ok),
    }
}

/// `--mfa-code`: assume the profile's MFA role now; every client of this
/// run uses the session (in memory, gone when the command ends).
async fn mfa_session(code: &str, g: &super::target::Globals) -> Result<(), Failure> {
    let profile = g
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
        .ok_or_else(|| {
            Failure::usage("--mfa-code needs the profile whose role it is for: --profile NAME.")
        })?;
    crate::login::mfa::check_code(code).map_err(|e| Failure::usage(format!("--mfa-code: {e}")))?;
    let role = crate::login::mfa::role_of(&profile, None)
        .await
        .ok_or_else(|| {
            Failure::usage(format!(
                "--mfa-code: profile '{profile}' has no role_arn with mfa_serial."
            ))
        })?;
    let session = crate::login::mfa::assume(&role, code, None)
        .await
        .map_err(|e| Failure::new(Exit::Denied, e))?;
    g.client.mfa.insert(&profile, session);
    Ok(())
}

fn print(rows: &Rows, g: &GlobalArgs) {
    write_stdout(&rows.render(g.output));
}

/// stdout closed early (`| head`) is not an error worth a panic.
fn write_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn eprintln_safe(s: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{s}");
}
