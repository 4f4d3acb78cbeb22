//! The `kene` command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::app::{self, DataDirLock, RunningServer};
use crate::clock::SystemClock;
use crate::config::Config;

#[derive(Parser, Debug)]
#[command(
    name = "kene",
    version,
    about = "Kènè: calls, selection and events of a national digital week"
)]
struct Cli {
    /// TOML configuration file (every setting can also come from `KENE_*` variables).
    #[arg(long, global = true, env = "KENE_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory: SQLite database and uploaded files.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// `sqlite://…` or `postgres://…` (default: SQLite in the data directory).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the platform.
    Serve {
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Create a demo database (the 2026 edition and an open 2027 call) and serve it.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Personal-data retention.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand, Debug)]
enum AdminCommand {
    /// Create an administrator account (prints a generated password unless --password is given).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrateur")]
        name: String,
        #[arg(long, env = "KENE_ADMIN_PASSWORD")]
        password: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum RetentionCommand {
    /// Delete the ID documents whose retention period has ended (each deletion audited).
    Purge {
        /// Only list what would be deleted, and when.
        #[arg(long)]
        dry_run: bool,
        /// Delete at most this many files in this run (the next run continues).
        #[arg(long)]
        limit: Option<usize>,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Re-walk the hash chain, then compare the judged data (scores, eligibility decisions,
    /// shortlists, results) with what the log says it must be; exit 1 on any difference.
    Verify,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = cli.data_dir {
        config.data_dir = dir;
    }
    if let Some(url) = cli.database_url {
        config.database_url = Some(url);
    }
    let clock = Arc::new(SystemClock);
    match cli.command {
        Command::Serve { addr } => {
            if let Some(addr) = addr {
                config.addr = addr;
            }
            let addr = config.addr;
            let lock = DataDirLock::acquire(&config)?;
            let state = app::prepare(config, clock).await?;
            RunningServer::start_holding(state, addr, lock)
                .await?
                .run_until_signal()
                .await;
        }
        Command::Migrate => {
            let state = app::prepare(config, clock).await?;
            println!("migrations applied to {}", state.config.database_url());
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    name,
                    password,
                },
        } => {
            let state = app::prepare(config, clock).await?;
            let password = password.unwrap_or_else(crate::demo::generate_password);
            crate::demo::create_admin(&state, &email, &name, &password).await?;
            println!("administrator {email} created, password: {password}");
        }
        Command::Demo { addr } => {
            let lock = DataDirLock::acquire(&config)?;
            let state = app::prepare(config, clock).await?;
            let login = crate::demo::seed(&state).await?;
            let server = RunningServer::start_holding(state, addr, lock).await?;
            println!();
            println!("  Kènè demo: http://{}", server.addr);
            println!("  admin: {}  password: {}", login.email, login.password);
            println!();
            server.run_until_signal().await;
        }
        Command::Retention {
            command: RetentionCommand::Purge { dry_run, limit },
        } => {
            let state = app::prepare(config, clock).await?;
            let months = state.config.retention.id_document_months;
            if dry_run {
                let now = state.now_ms();
                for doc in crate::personal_data::retention::pending(&state.db).await? {
                    let when = match doc.due(months) {
                        Some(due) if due <= now => "due now".to_owned(),
                        Some(due) => jiff::Timestamp::from_millisecond(due)
                            .map(|t| format!("due {t}"))
                            .unwrap_or_default(),
                        None => "not scheduled (results not published)".to_owned(),
                    };
                    println!(
                        "{} {} {} {}: {when}",
                        doc.edition,
                        doc.reference.as_deref().unwrap_or(&doc.application),
                        doc.field_key,
                        doc.public_id
                    );
                }
            } else {
                let purged = crate::personal_data::retention::purge(&state, limit).await?;
                for id in &purged {
                    println!("purged {id}");
                }
                println!("{} ID documents purged", purged.len());
            }
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            // Only reads: no start-up repairs, no storage, so it can run beside a server.
            let db = crate::db::Db::connect(&config.database_url(), 2).await?;
            let mut intact = true;
            match crate::audit::verify(&db).await? {
                crate::audit::ChainCheck::Intact { entries } => {
                    println!("audit log intact: {entries} entries");
                }
                crate::audit::ChainCheck::Broken { id, reason } => {
                    println!("audit log BROKEN at entry {id}: {reason}");
                    intact = false;
                }
            }
            let mismatches = crate::audit::check_data(&db).await?;
            if mismatches.is_empty() {
                println!("data matches the audit log");
            } else {
                println!(
                    "data DIFFERS from the audit log ({} mismatches):",
                    mismatches.len()
                );
                for m in &mismatches {
                    println!("  {m}");
                }
                intact = false;
            }
            if !intact {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
