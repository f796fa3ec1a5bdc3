-- Attachments both ways: agents and customers upload files; replies carry theirs by email.

-- Uncompressed out-of-line storage: a slice of the file (substring) reads only the TOAST
-- chunks it covers, so that a download streams in slices instead of loading the whole file.
-- Files are mostly compressed formats already. Applies to rows written from now on.
alter table attachments alter column data set storage external;

alter table attachments
    -- A small PNG of an uploaded picture, shown in the thread.
    add column thumbnail bytea;

-- The ticket message whose files go with this mail as MIME attachments; a mail still
-- waiting goes with its message when that is deleted.
alter table outbox
    add column attachments_of uuid,
    add foreign key (account_id, attachments_of) references messages (account_id, id)
        on delete cascade;
