//! `ecr-demo`: the demo endpoint as a local ECR for any project's tests, as
//! people run moto. Serves on 127.0.0.1 until interrupted; prints its URL.
//!
//! ```sh
//! ecr-demo --port 5000 &
//! AWS_ACCESS_KEY_ID=AKIDEMO AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 \
//!   aws --endpoint-url http://127.0.0.1:5000 ecr describe-repositories
//! ```
//!
//! The access key picks the account (`AKIDEMOSECOND`: the second one, any
//! other: the first); the signing region picks the region.

use clap::Parser;
use ecr_demo::{DemoServer, SeedConfig};

/// A local Amazon ECR endpoint with sample data.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Flags {
    /// Port on 127.0.0.1 (0: a free one, printed).
    #[arg(long, default_value_t = 5000)]
    port: u16,
    /// Sample data: `full` (the app's demo registry) or `small` (a few
    /// repositories, quick to start).
    #[arg(long, default_value = "full")]
    seed: String,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
}

// A server process with no UI thread: #[tokio::main] blocks main on the
// runtime, which is the point here.
#[allow(clippy::disallowed_methods)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let flags = Flags::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ECR_DEMO_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("ecr_demo=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let seed = match flags.seed.as_str() {
        "full" => SeedConfig::default(),
        "small" => SeedConfig::small(),
        other => {
            eprintln!("ecr-demo: --seed {other}: expected full or small");
            return std::process::ExitCode::from(2);
        }
    };
    let server = match DemoServer::start_on(&seed, flags.port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ecr-demo: cannot listen on 127.0.0.1:{}: {e}", flags.port);
            return std::process::ExitCode::FAILURE;
        }
    };
    server
        .knobs
        .set_latency(std::time::Duration::from_millis(flags.latency_ms));
    // The URL on stdout, alone on its line: scripts read it.
    #[allow(clippy::print_stdout)]
    {
        println!("{}", server.url());
    }
    // Until the process is interrupted or killed (the default handlers end
    // it; there is nothing to flush).
    std::future::pending::<std::process::ExitCode>().await
}
