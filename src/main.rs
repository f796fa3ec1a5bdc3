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
    /// Create the demo workspace (once) and print how to log in.
    Seed,
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
        Command::Seed => {
            let pool = frontdesk::startup::connect(&config).await?;
            frontdesk::startup::migrate(&pool).await?;
            frontdesk::seed::seed_demo(&pool, &config).await
        }
    }
}
