-- Languages: the workspace's default language, for customers and for agents who have not
-- chosen one; an agent's own choice becomes optional.
alter table accounts add column language text not null default 'en'
    check (language in ('en', 'zh-CN'));

alter table agents alter column language drop not null,
    alter column language drop default;

-- Until now English was everyone's language because nothing else was offered: those agents
-- follow the workspace's default from now on, which is English until an admin changes it.
update agents set language = null where language = 'en';
