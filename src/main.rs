//! The `frontdesk` command: parses the command line and hands over to the library.
use clap::{Parser, Subcommand};
use frontdesk::config::Config;

#[derive(Parser)]
#[command(name = "frontdesk", about = "A multi-tenant help desk", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, then serve HTTP and run the outbox worker.
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Create the demo workspace (once) and print how to log in; with `--workspaces` and
    /// `--tickets`, the load-test workspaces instead.
    Seed {
        /// Load-test workspaces to create (`load-0001`...), with `--tickets` each.
        #[arg(long, requires = "tickets")]
        workspaces: Option<u32>,
        /// Tickets per load-test workspace.
        #[arg(long, requires = "workspaces")]
        tickets: Option<u32>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    frontdesk::startup::init_tracing();
    match cli.command {
        Command::Serve => frontdesk::startup::serve(config).await,
        Command::Migrate => {
            let pool = frontdesk::startup::connect(&config).await?;
            frontdesk::startup::migrate(&pool).await?;
            println!("Migrations applied.");
            Ok(())
        }
        Command::Seed {
            workspaces,
            tickets,
        } => {
            let pool = frontdesk::startup::connect(&config).await?;
            frontdesk::startup::migrate(&pool).await?;
            match workspaces.zip(tickets) {
                Some((workspaces, tickets)) => {
                    frontdesk::seed::seed_load(&pool, workspaces, tickets).await
                }
                None => frontdesk::seed::seed_demo(&pool, &config).await,
            }
        }
    }
}
