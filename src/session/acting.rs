//! Who is acting and what they reach: the actor as the register the log built holds
//! them, their role, the steps it may take and the departments it reaches.

use super::Session;
use crate::error::{Error, Result};
use crate::judge::Reach;
use crate::keys::Key;
use crate::policy::actors::Actor;
use crate::schema::roles::{self, Role};

impl Session {
    /// The actor `name`, registered and in good standing today (R-B1, R-A8), else exit 4.
    pub(super) fn standing_actor(&self, name: &str) -> Result<Actor> {
        let actor = self.registered_actor(name)?;
        actor.check_standing(self.today(), self.store.config.policy.training_valid_days)?;
        if self.schemas.roles.get(&actor.role).is_none() {
            return Err(Error::denied(
                t!(
                    "session-actor-has-role-which",
                    name = name,
                    role = actor.role
                ),
                Some(t!("session-administrator-restores-role-schemas").to_string()),
            ));
        }
        Ok(actor)
    }

    /// The actor `name` as the register holds them, whether or not they may act today.
    pub fn registered_actor(&self, name: &str) -> Result<Actor> {
        let unregistered = || {
            Error::denied(
                t!("session-actor-not-registered-store", name = name),
                Some(self.actor_hint(name)),
            )
        };
        let standing = self.registry.actors.get(name).ok_or_else(unregistered)?;
        let mut actor = self.load_actor(name)?.ok_or_else(unregistered)?;
        // The register the log built decides role, department, standing and dates: the
        // file is a readable copy, never the authority.
        actor.role = standing.role.clone();
        actor.department = standing.department.clone();
        actor.revoked = standing.revoked;
        actor.agreement_signed = standing.agreement_signed;
        actor.trained_on = standing.trained_on;
        Ok(actor)
    }

    /// What to do about an unknown actor name: the registered name it most likely meant
    /// (`--as wang.fnag`), else how staff are registered.
    fn actor_hint(&self, name: &str) -> String {
        let names = self.registry.actors.keys().map(String::as_str);
        match crate::text::closest(name, names) {
            Some(c) => t!("session-did-you-mean-actor", c = c),
            None => t!("session-administrator-registers-staff-docket"),
        }
    }

    /// The key the log registered for `name`.
    pub fn registered_key(&self, name: &str) -> Result<Key> {
        let standing = self.registry.actors.get(name).ok_or_else(|| {
            Error::denied(
                t!("session-actor-not-registered-store", name = name),
                Some(t!("session-administrator-registers-staff-docket-2").to_string()),
            )
        })?;
        Key::parse(&standing.key).map_err(|m| {
            Error::integrity(
                crate::layout::LOG_NAME,
                t!("session-key-registered-unusable", name = name, m = m),
            )
        })
    }

    /// The acting actor; reads that depend on the reader's role need one too (usage error
    /// otherwise). Commands that act ask for one before they open the store.
    pub fn actor(&self) -> Result<&Actor> {
        self.actor.as_ref().ok_or_else(|| {
            Error::usage(
                t!("session-reading-needs-role"),
                Some(t!("session-what-you-see-depends-role").to_string()),
            )
        })
    }

    pub fn role(&self) -> Result<&Role> {
        let actor = self.actor()?;
        self.schemas
            .roles
            .get(&actor.role)
            .ok_or_else(|| Error::Internal("role vanished".into()))
    }

    /// Refuse unless the actor's role may take `action` (exit 4).
    pub fn require(&self, action: &str, what: &str) -> Result<()> {
        let role = self.role()?;
        if role.may(action) {
            Ok(())
        } else {
            let who: Vec<&str> = self
                .schemas
                .roles
                .roles
                .values()
                .filter(|r| r.may(action))
                .map(|r| r.name.as_str())
                .collect();
            Err(Error::denied(
                t!(
                    "session-actor-role-may-not",
                    actor = self.actor()?.name,
                    name = role.name,
                    what = what
                ),
                Some(t!("session-roles-may", join = who.join(", "))),
            ))
        }
    }

    /// Whether the acting actor's role reaches records filed under `department`: every
    /// record, or only their own department's (R-B2, R-C17). Reads without an actor show
    /// no record, so they reach everything.
    pub fn reaches(&self, department: Option<&str>) -> bool {
        self.reach().covers(department)
    }

    /// The records the acting actor reaches.
    pub fn reach(&self) -> Reach {
        match (&self.actor, self.role()) {
            (Some(actor), Ok(role)) if role.scope == roles::Scope::Department => {
                Reach::Only(actor.department.clone())
            }
            _ => Reach::All,
        }
    }

    /// Refuse a record filed under a department the actor's role does not reach (exit 4).
    pub fn require_reach(&self, id: &str) -> Result<()> {
        let Some(head) = self.index.record(id) else {
            return Ok(());
        };
        let department = head.department.as_deref();
        if self.reaches(department) {
            return Ok(());
        }
        let actor = self.actor()?;
        let name = crate::text::department_name;
        Err(Error::denied(
            t!(
                "session-record-filed-under-actor",
                id = id,
                name = name(department),
                name2 = actor.name,
                role = actor.role,
                name3 = name(actor.department.as_deref())
            ),
            Some(t!("session-someone-department-centre-can").to_string()),
        ))
    }
}
