-- Attachments may live in an S3-compatible bucket (S3_* settings): the row keeps the
-- object's key and an empty `data`. Files stored before, or without a bucket, stay in
-- PostgreSQL and are read from there.
alter table attachments add column object_key text;
