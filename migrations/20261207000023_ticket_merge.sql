-- Merging: a ticket merged into another keeps its number and its customer's link, both of
-- which now lead to the other ticket (`merged_into`), and is `merged` for good. Merging
-- into a ticket that was itself merged is refused, and a merged ticket's own merged
-- tickets move on to its target, so one step always arrives.
alter table tickets add column merged_into uuid;
alter table tickets add constraint tickets_merged_into_fkey
    foreign key (account_id, merged_into) references tickets (account_id, id);
alter table tickets drop constraint tickets_status_check;
alter table tickets add constraint tickets_status_check
    check (status in ('new', 'open', 'answered', 'postponed', 'resolved', 'spam', 'merged'));
alter table tickets add constraint tickets_merged_check
    check ((status = 'merged') = (merged_into is not null) and merged_into <> id);
