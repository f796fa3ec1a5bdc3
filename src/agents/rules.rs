//! The rules about roles that the permission matrix alone doesn't say (DESIGN.md): only an
//! owner makes or touches owners, a workspace keeps an owner, nobody changes their own role
//! or deletes themselves. Pure functions: handlers load the facts and ask.
use uuid::Uuid;

use crate::{AppError, auth::Role};

/// Someone of the team, as the rules see them.
#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub id: Uuid,
    pub role: Role,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    OwnersOnly,
    OwnRole,
    LastOwner,
    Themselves,
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(match refusal {
            Refusal::OwnersOnly => "agents-refused-owners-only",
            Refusal::OwnRole => "agents-refused-own-role",
            Refusal::LastOwner => "agents-refused-last-owner",
            Refusal::Themselves => "agents-refused-themselves",
        })
    }
}

/// May `actor` invite someone as `role`?
pub fn may_invite(actor: Person, role: Role) -> Result<(), Refusal> {
    if role == Role::Owner && actor.role != Role::Owner {
        return Err(Refusal::OwnersOnly);
    }
    Ok(())
}

/// May `actor` edit `target`, leaving them with `role`? `owners` counts the workspace's
/// owners now. Opening the edit page asks with the target's current role.
pub fn may_edit(actor: Person, target: Person, role: Role, owners: i64) -> Result<(), Refusal> {
    if actor.role != Role::Owner && (target.role == Role::Owner || role == Role::Owner) {
        return Err(Refusal::OwnersOnly);
    }
    if role != target.role {
        if actor.id == target.id {
            return Err(Refusal::OwnRole);
        }
        if target.role == Role::Owner && owners <= 1 {
            return Err(Refusal::LastOwner);
        }
    }
    Ok(())
}

/// May `actor` delete `target`?
pub fn may_delete(actor: Person, target: Person, owners: i64) -> Result<(), Refusal> {
    if actor.id == target.id {
        return Err(Refusal::Themselves);
    }
    if target.role == Role::Owner {
        if actor.role != Role::Owner {
            return Err(Refusal::OwnersOnly);
        }
        if owners <= 1 {
            return Err(Refusal::LastOwner);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    fn person(role: Role) -> Person {
        Person {
            id: Uuid::now_v7(),
            role,
        }
    }

    #[test]
    fn only_owners_invite_owners() {
        assert_eq!(may_invite(person(Admin), Owner), Err(Refusal::OwnersOnly));
        assert_eq!(may_invite(person(Owner), Owner), Ok(()));
        for role in [Agent, Admin] {
            assert_eq!(may_invite(person(Admin), role), Ok(()));
        }
    }

    #[test]
    fn only_owners_edit_owners_or_make_someone_owner() {
        let admin = person(Admin);
        assert_eq!(
            may_edit(admin, person(Owner), Owner, 2),
            Err(Refusal::OwnersOnly)
        );
        assert_eq!(
            may_edit(admin, person(Owner), Agent, 2),
            Err(Refusal::OwnersOnly)
        );
        assert_eq!(
            may_edit(admin, person(Agent), Owner, 1),
            Err(Refusal::OwnersOnly)
        );
        assert_eq!(may_edit(admin, person(Agent), Admin, 1), Ok(()));
        assert_eq!(may_edit(person(Owner), person(Agent), Owner, 1), Ok(()));
        assert_eq!(may_edit(person(Owner), person(Owner), Admin, 2), Ok(()));
    }

    #[test]
    fn nobody_changes_their_own_role_but_may_edit_the_rest() {
        for role in Role::ALL {
            let me = person(role);
            assert_eq!(may_edit(me, me, role, 1), Ok(()));
            for other in Role::ALL.into_iter().filter(|r| *r != role) {
                assert!(may_edit(me, me, other, 2).is_err(), "{role:?} -> {other:?}");
            }
        }
    }

    #[test]
    fn the_last_owner_stays_an_owner() {
        assert_eq!(
            may_edit(person(Owner), person(Owner), Admin, 1),
            Err(Refusal::LastOwner)
        );
        assert_eq!(
            may_delete(person(Owner), person(Owner), 1),
            Err(Refusal::LastOwner)
        );
        assert_eq!(may_delete(person(Owner), person(Owner), 2), Ok(()));
    }

    #[test]
    fn nobody_deletes_themselves_and_only_owners_delete_owners() {
        let owner = person(Owner);
        assert_eq!(may_delete(owner, owner, 3), Err(Refusal::Themselves));
        assert_eq!(
            may_delete(person(Admin), person(Owner), 3),
            Err(Refusal::OwnersOnly)
        );
        assert_eq!(may_delete(person(Admin), person(Admin), 1), Ok(()));
        assert_eq!(may_delete(person(Admin), person(Agent), 1), Ok(()));
    }
}
