# `make run` and `make test` set up their database themselves (scripts/db.sh).
# Builds use the committed query data in .sqlx/, never a live database.
export SQLX_OFFLINE := true

.PHONY: run test check bench bench-calls bench-social bench-tickets bench-time-rules bench-reports bench-kb bench-tools bench-outbox bench-statements prepare db

run:
	@DATABASE_URL="$$(scripts/db.sh)" && export DATABASE_URL && \
	SECRET_KEY="$$(scripts/secret-key.sh)" && export SECRET_KEY && \
	scripts/voice-sdk.sh && \
	cargo build --bin frontdesk && \
	target/debug/frontdesk seed && \
	exec target/debug/frontdesk serve

# Test databases are thrown away, so the cluster may skip fsync meanwhile (scripts/db.sh).
# They all draw on sqlx's one pool of 20 connections, and each running test's app may hold
# 5: more than 4 tests at once would wait for connections, whatever the cores.
test:
	@scripts/browser.sh
	@DATABASE_URL="$$(FRONTDESK_PG_FSYNC=off scripts/db.sh)" && export DATABASE_URL && \
	cargo test --all-targets -- --test-threads=4

check:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

bench:
	scripts/bench.sh

# The ticket pages of a logged-in agent at 1,000 workspaces x 1,000 tickets (LOAD_WORKSPACES,
# LOAD_TICKETS), in the database frontdesk_load, which the first run fills (a few minutes).
bench-tickets:
	scripts/bench-tickets.sh

# One pass of the time rules over the ticket benchmark's 1,000,000 tickets, in the
# database frontdesk_load, which the first run fills (about 3 minutes).
bench-time-rules:
	bench/time_rules.sh

# 1,000 calls ringing at once across 20 workspaces of one release `serve`, each with its
# four signed webhooks (CALLS, WORKSPACES, RAMP), in the database frontdesk_calls_load.
bench-calls:
	bench/calls.sh

# 500 Telegram updates a second for 20 s across 10 connected bots of one release `serve`
# (RATE, BENCH_SECONDS, WORKSPACES), in the database frontdesk_social_load.
bench-social:
	bench/social.sh

# The reports over one workspace's 1,000,000 ticket log rows, in the database
# frontdesk_reports, which the first run fills (about a minute).
bench-reports:
	bench/reports.sh

# The public help center at 1,000 workspaces with 10,000 articles in one, in the database
# frontdesk_kb_load, which the first run fills (seconds).
bench-kb:
	bench/kb.sh

# The working tools: a bulk action on 1,000 tickets, a ticket of 200 messages and 100
# attachments, downloads of a 25 MiB file; in the database frontdesk_tools (filled once).
bench-tools:
	bench/tools.sh

# 5,000 emails queued at once, drained by one release `serve` into a loopback SMTP sink,
# then 1,000 more after a 30-second SMTP outage (OUTBOX_EMAILS, OUTAGE_EMAILS,
# OUTAGE_SECONDS), in the database frontdesk_outbox_load.
bench-outbox:
	bench/outbox.sh

# The statements each of an agent's pages sends to PostgreSQL per view, from its log.
bench-statements:
	bench/statements.sh

# After changing a query or a migration: refresh .sqlx/ (needs `cargo install sqlx-cli
# --version 0.8.6 --locked --no-default-features --features postgres,rustls`).
prepare:
	@DATABASE_URL="$$(scripts/db.sh)" && export DATABASE_URL && \
	cargo sqlx migrate run && \
	SQLX_OFFLINE=false cargo sqlx prepare -- --all-targets

db:
	@scripts/db.sh
