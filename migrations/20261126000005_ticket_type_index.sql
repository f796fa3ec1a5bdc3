-- The list filtered by issue type alone, like the status, department and assignee filters:
-- without it, a type that matches nothing the agent may see scans the whole workspace.
create index tickets_issue_type on tickets (account_id, issue_type, last_activity_at desc, id desc);
