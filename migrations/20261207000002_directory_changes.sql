-- The names of departments and agents are kept by each `serve` process (`directory.rs`):
-- every change of them is announced at commit, whichever route or command made it.
create function directory_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('frontdesk_directory', case tg_op
        when 'DELETE' then old.account_id
        else new.account_id
    end::text);
    return null;
end
$$;

create trigger departments_directory after insert or delete or update of name on departments
    for each row execute function directory_changed();

create trigger agents_directory after insert or delete or update of name, deleted_at on agents
    for each row execute function directory_changed();
