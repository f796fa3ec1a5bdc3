//! The `frontdesk` command: parses the command line and hands over to the library.
use clap::{Parser, Subcommand};
use frontdesk::{clock::Clock, config::Config};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// A page view allocates thousands of small strings on two threads; glibc's malloc spent
/// 15% of `serve`'s time on them, partly waiting on its arena locks (`make bench-tickets`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Apply the migrations, then print the statements that move this database onto Citus:
    /// every workspace table distributed by `account_id`, co-located, and the global
    /// tables they refer to as reference tables. Fails, printing nothing, when a table
    /// cannot be distributed.
    CitusDdl,
    /// Run one pass of the time rules over every workspace and print what it did. `serve`
    /// does the same every minute; running both at once is safe.
    TimeRules,
    /// Billing tasks an operator may run by hand.
    Billing {
        #[command(subcommand)]
        task: BillingTask,
    },
}

#[derive(Subcommand)]
enum BillingTask {
    /// Issue the invoices of every billing period that has ended, and print what was done.
    /// `serve` does the same every ten minutes; running both at once is safe.
    ClosePeriods {
        /// Close what has ended by this time instead of now, e.g. 2027-03-01T00:00:00Z.
        #[arg(long, value_parser = parse_time)]
        now: Option<OffsetDateTime>,
    },
}

fn parse_time(raw: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(raw, &Rfc3339)
        .map_err(|error| format!("expected an RFC 3339 time like 2027-03-01T00:00:00Z: {error}"))
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
        Command::CitusDdl => {
            let pool = frontdesk::startup::connect(&config).await?;
            frontdesk::startup::migrate(&pool).await?;
            let plan = frontdesk::citus::plan(&mut *pool.acquire().await?).await?;
            for trigger in &plan.triggers {
                eprintln!("warning: trigger {trigger} will run on a worker (see the output)");
            }
            print!("{plan}");
            Ok(())
        }
        Command::TimeRules => {
            let pool = frontdesk::startup::connect(&config).await?;
            frontdesk::startup::migrate(&pool).await?;
            let started = std::time::Instant::now();
            let acted = frontdesk::rules::run_time_rules(&pool, &config).await?;
            println!(
                "Time rules acted on {acted} ticket(s) in {:.2} s.",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Billing {
            task: BillingTask::ClosePeriods { now },
        } => {
            let pool = frontdesk::startup::connect(&config).await?;
            frontdesk::startup::migrate(&pool).await?;
            let today = Clock::System.now();
            let now = now.unwrap_or(today);
            // Closing a period that has not ended would leave its later changes unbilled.
            anyhow::ensure!(
                now <= today,
                "--now may not be in the future: it would close periods that have not ended"
            );
            let closed = frontdesk::billing::close_periods(&pool, &config, now).await?;
            for period in &closed {
                println!("{period}");
            }
            println!(
                "{} period(s) closed, {} invoice(s) issued.",
                closed.len(),
                closed.iter().filter(|p| p.invoice.is_some()).count()
            );
            Ok(())
        }
    }
}
