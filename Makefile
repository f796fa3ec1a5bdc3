# `make run` and `make test` set up their database themselves (scripts/db.sh).
.PHONY: run test check db

run:
	@DATABASE_URL="$$(scripts/db.sh)" && export DATABASE_URL && \
	cargo build --bin frontdesk && \
	target/debug/frontdesk migrate && \
	target/debug/frontdesk seed && \
	exec target/debug/frontdesk serve

test:
	@DATABASE_URL="$$(scripts/db.sh)" && export DATABASE_URL && \
	SQLX_OFFLINE=true cargo test --all-targets

check:
	cargo fmt --check
	SQLX_OFFLINE=true cargo clippy --all-targets -- -D warnings

db:
	@scripts/db.sh
