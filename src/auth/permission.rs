//! The roles-and-permissions matrix of DESIGN.md, the single source of truth for
//! authorization: routes state a `Permission`, nobody compares role names.
use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, sqlx::Type,
)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Role {
    Agent,
    Admin,
    Owner,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read, reply, note, assign, set status/priority/type/department.
    Tickets,
    /// Write knowledge-base articles and categories.
    KnowledgeBase,
    /// Own profile, own preferences, own work report.
    OwnProfile,
    /// Agents (create, delete, change role), departments, workspace settings.
    Configuration,
    /// Reports of all agents and departments.
    AllReports,
    /// Plan, billing details, invoices.
    Billing,
}

impl Permission {
    pub const ALL: [Self; 6] = [
        Self::Tickets,
        Self::KnowledgeBase,
        Self::OwnProfile,
        Self::Configuration,
        Self::AllReports,
        Self::Billing,
    ];
}

impl Role {
    pub const ALL: [Self; 3] = [Self::Agent, Self::Admin, Self::Owner];

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Self::Agent => &[Tickets, KnowledgeBase, OwnProfile],
            Self::Admin => &[
                Tickets,
                KnowledgeBase,
                OwnProfile,
                Configuration,
                AllReports,
            ],
            Self::Owner => &[
                Tickets,
                KnowledgeBase,
                OwnProfile,
                Configuration,
                AllReports,
                Billing,
            ],
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Admin => "admin",
            Self::Owner => "owner",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Agent => "role-agent",
            Self::Admin => "role-admin",
            Self::Owner => "role-owner",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Permission::*, *};

    /// DESIGN.md's table, row by row: (permission, agent, admin, owner).
    const MATRIX: [(Permission, bool, bool, bool); 6] = [
        (Tickets, true, true, true),
        (KnowledgeBase, true, true, true),
        (OwnProfile, true, true, true),
        (Configuration, false, true, true),
        (AllReports, false, true, true),
        (Billing, false, false, true),
    ];

    #[test]
    fn every_role_has_exactly_the_permissions_of_the_design_matrix() {
        for (permission, agent, admin, owner) in MATRIX {
            assert_eq!(Role::Agent.can(permission), agent, "agent {permission:?}");
            assert_eq!(Role::Admin.can(permission), admin, "admin {permission:?}");
            assert_eq!(Role::Owner.can(permission), owner, "owner {permission:?}");
        }
        assert_eq!(MATRIX.len(), Permission::ALL.len());
    }

    #[test]
    fn higher_roles_hold_every_permission_of_lower_ones() {
        for permission in Permission::ALL {
            assert!(!Role::Agent.can(permission) || Role::Admin.can(permission));
            assert!(!Role::Admin.can(permission) || Role::Owner.can(permission));
        }
    }
}
