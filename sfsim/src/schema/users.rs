//! User and UserLogin: the login itself and its freeze switch.

use super::picklists::{EMAIL_ENCODINGS, LANGUAGES, LOCALES, TIME_ZONES, USER_TYPES};
use super::{FieldDef, FieldType, ObjectDef, Operations};
use crate::ids;

/// A user. Users are never deleted, only deactivated; `ContactId` is set once on create;
/// `AccountId` and `UserType` follow from the Contact and the Profile's licence.
pub fn user() -> ObjectDef {
    ObjectDef::with_system_fields(
        "User",
        "User",
        ids::USER,
        Operations {
            delete: false,
            ..Operations::ALL
        },
        vec![
            FieldDef::text("Username", "Username", 80)
                .required()
                .unique(),
            FieldDef::text("FirstName", "First Name", 40),
            FieldDef::text("LastName", "Last Name", 80).required(),
            FieldDef::text("Name", "Full Name", 121).read_only(),
            FieldDef {
                length: Some(128),
                ..FieldDef::email("Email", "Email").required()
            },
            FieldDef::text("Alias", "Alias", 8).required(),
            // Non-nillable and unique; the org invents one when the caller sends none.
            FieldDef::text("CommunityNickname", "Nickname", 40)
                .not_nillable()
                .unique(),
            FieldDef::picklist("TimeZoneSidKey", "Time Zone", TIME_ZONES).required(),
            FieldDef::picklist("LocaleSidKey", "Locale", LOCALES).required(),
            FieldDef::picklist("EmailEncodingKey", "Email Encoding", EMAIL_ENCODINGS).required(),
            FieldDef::picklist("LanguageLocaleKey", "Language", LANGUAGES).required(),
            FieldDef::reference("ProfileId", "Profile ID", "Profile", "Profile").required(),
            FieldDef::reference("ContactId", "Contact ID", "Contact", "Contact").create_only(),
            FieldDef::reference("AccountId", "Account ID", "Account", "Account").read_only(),
            FieldDef::reference("UserRoleId", "Role ID", "UserRole", "UserRole"),
            FieldDef::boolean("IsActive", "Active"),
            // Only ever switched off through the API (disabling the external user); the org
            // sets it on create from the presence of a Contact.
            FieldDef {
                createable: false,
                ..FieldDef::boolean("IsPortalEnabled", "Is Portal Enabled")
            },
            FieldDef::picklist("UserType", "User Type", USER_TYPES)
                .read_only()
                .not_nillable(),
            FieldDef::text("FederationIdentifier", "SAML Federation ID", 512),
            FieldDef::text("Title", "Title", 80),
            FieldDef::text("CompanyName", "Company Name", 80),
            FieldDef::datetime("LastLoginDate", "Last Login").read_only(),
            // False until the person verifies the address; an external user's Email changed by
            // an administrator or the API sets it false again (Help 005103627).
            FieldDef::boolean("HasUserVerifiedEmail", "User Verified Email").read_only(),
        ],
    )
}

/// A user's login state. Freezing (`IsFrozen`) stops log-ins but, unlike deactivation, keeps
/// the licence. Created by the org with each user; has no `CreatedDate`.
pub fn user_login() -> ObjectDef {
    ObjectDef {
        name: "UserLogin".to_owned(),
        label: "User Login".to_owned(),
        key_prefix: ids::USER_LOGIN.to_owned(),
        fields: vec![
            FieldDef::id(),
            FieldDef::reference("UserId", "User ID", "User", "User")
                .read_only()
                .not_nillable(),
            FieldDef::boolean("IsFrozen", "Is Frozen"),
            FieldDef::boolean("IsPasswordLocked", "Is Password Locked"),
            FieldDef::new(
                "LastModifiedDate",
                "Last Modified Date",
                FieldType::Datetime,
            )
            .read_only()
            .not_nillable(),
        ],
        operations: Operations {
            create: false,
            delete: false,
            upsert: false,
            ..Operations::ALL
        },
    }
}
