//! Rendering a provision rule into the desired external user.

use std::collections::BTreeMap;

use minijinja::{Environment, Value};

use super::context::EventContext;
use super::field::{FieldError, FieldProblem};
use super::language::Template;
use super::rule::{AccountTemplate, ProvisionTemplates};
use super::values;
use crate::domain::time::parse_until;
use crate::domain::username::{
    ALIAS_MAX, NICKNAME_MAX, check_username, derive_alias, derive_nickname, is_email_shaped,
};
use crate::domain::{AccountRef, ContactFields, Provision, SubjectKey, UserFields, WelcomeEmail};

pub(crate) fn render(
    t: &ProvisionTemplates,
    env: &Environment<'static>,
    zone: &chrono_tz::Tz,
    ctx: &EventContext,
    subject: &SubjectKey,
) -> Result<Provision, FieldError> {
    let value = ctx.value();
    let account = match &t.account {
        AccountTemplate::Key(key) => AccountRef::Key(key.required(env, &value)?),
        AccountTemplate::Id(id) => {
            let text = id.required(env, &value)?;
            values::account_id(&text).map_err(|why| id.error(FieldProblem::Invalid(why)))?;
            AccountRef::Id(text)
        }
    };
    let contact = contact(t, env, &value)?;

    // The User's fields may read the Contact as rendered: `{{ contact.email }}.acme`.
    let with_contact = ctx
        .with(
            "contact",
            Value::from_serialize(serde_json::json!({
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "email": contact.email,
            })),
        )
        .value();
    let user = user(t, env, &with_contact, &contact, subject)?;

    let role = match &t.role {
        Some(role) => role
            .optional(env, &value)?
            .map(|text| values::role(&text).map_err(|why| role.error(FieldProblem::Invalid(why))))
            .transpose()?,
        None => None,
    };
    let welcome_email = match &t.welcome_email {
        Some(w) => match w.optional(env, &value)? {
            Some(text) => {
                values::welcome_email(&text).map_err(|why| w.error(FieldProblem::Invalid(why)))?
            }
            None => WelcomeEmail::None,
        },
        None => WelcomeEmail::None,
    };
    let mut permission_sets = Vec::new();
    for set in &t.permission_sets {
        if let Some(name) = set.optional(env, &value)?
            && !permission_sets.contains(&name)
        {
            permission_sets.push(name);
        }
    }
    let end_at = match &t.end_date {
        Some(end) => match end.optional(env, &value)? {
            Some(text) => Some(parse_until(&text, zone).ok_or_else(|| {
                end.error(FieldProblem::Invalid(format!(
                    "'{text}' is neither a timestamp nor a date (YYYY-MM-DD)"
                )))
            })?),
            None => None,
        },
        None => None,
    };
    Ok(Provision {
        account,
        contact,
        user,
        profile: t.profile.required(env, &value)?,
        role,
        permission_sets,
        welcome_email,
        purpose: optional(&t.purpose, env, &value)?,
        sponsor: optional(&t.sponsor, env, &value)?,
        end_at,
    })
}

fn contact(
    t: &ProvisionTemplates,
    env: &Environment<'static>,
    value: &Value,
) -> Result<ContactFields, FieldError> {
    let email = t.email.required(env, value)?;
    if !is_email_shaped(&email) {
        return Err(t.email.error(FieldProblem::Invalid(
            "the rendered value is not an email address".to_owned(),
        )));
    }
    let mut extra = BTreeMap::new();
    for (field, template) in &t.extra {
        if let Some(text) = template.optional(env, value)? {
            extra.insert(field.clone(), serde_json::Value::String(text));
        }
    }
    Ok(ContactFields {
        first_name: optional(&t.first_name, env, value)?,
        last_name: t.last_name.required(env, value)?,
        email,
        extra,
    })
}

fn user(
    t: &ProvisionTemplates,
    env: &Environment<'static>,
    value: &Value,
    contact: &ContactFields,
    subject: &SubjectKey,
) -> Result<UserFields, FieldError> {
    let username = t.username.required(env, value)?;
    // The value is personal data: the error says what is wrong, not what it was.
    check_username(&username)
        .map_err(|e| t.username.error(FieldProblem::Invalid(e.to_string())))?;
    let first = contact.first_name.as_deref();
    let alias = match optional(&t.alias, env, value)? {
        Some(alias) => within(&t.alias, alias, ALIAS_MAX)?,
        None => derive_alias(first, &contact.last_name, subject.as_str()),
    };
    let nickname = match optional(&t.nickname, env, value)? {
        Some(nickname) => within(&t.nickname, nickname, NICKNAME_MAX)?,
        None => derive_nickname(first, &contact.last_name, subject.as_str()),
    };
    let time_zone = t.time_zone.required(env, value)?;
    values::time_zone(&time_zone).map_err(|why| t.time_zone.error(FieldProblem::Invalid(why)))?;
    Ok(UserFields {
        username,
        alias,
        nickname,
        locale: t.locale.required(env, value)?,
        time_zone,
        email_encoding: t.email_encoding.required(env, value)?,
        language: t.language.required(env, value)?,
        federation_id: optional(&t.federation_id, env, value)?,
    })
}

fn optional(
    t: &Option<Template>,
    env: &Environment<'static>,
    value: &Value,
) -> Result<Option<String>, FieldError> {
    match t {
        Some(t) => t.optional(env, value),
        None => Ok(None),
    }
}

fn within(t: &Option<Template>, text: String, max: usize) -> Result<String, FieldError> {
    let len = text.chars().count();
    match t {
        Some(t) if len > max => Err(t.error(FieldProblem::Invalid(format!(
            "Salesforce takes at most {max} characters here; the rendered value has {len}"
        )))),
        _ => Ok(text),
    }
}
