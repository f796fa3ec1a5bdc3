-- The agent's own profile: panel theme, call-center device and extension, and a photo
-- (a square PNG thumbnail; small enough to live in the row).
alter table agents
    add column theme             text not null default 'system'
                                 check (theme in ('light', 'dark', 'system')),
    add column device            text not null default 'web_phone'
                                 check (device in ('web_phone', 'desk_phone', 'mobile_app')),
    add column extension         text not null default '',
    add column photo             bytea,
    add column photo_updated_at  timestamptz;
