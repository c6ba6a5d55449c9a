//! What objects and fields the simulated org has, and what callers may do with them.
//!
//! The definitions drive describe, field validation (`INVALID_FIELD`, required fields,
//! create-only fields) and SOQL (field types for literal comparison, parent relationships such
//! as `Profile.Name`). Names are matched case-insensitively, as Salesforce does.

use serde::Serialize;

mod access;
pub use permissions::USER_PERMISSIONS;
mod builder;
mod crm;
mod permissions;
pub mod picklists;
mod sites;
mod standard;
mod users;

/// A field's Salesforce type, as describe reports it (`soapType` aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Id,
    String,
    Boolean,
    Int,
    Double,
    Date,
    Datetime,
    Email,
    Picklist,
    Reference,
    Textarea,
    Phone,
    Url,
}

/// One field of an object.
#[derive(Debug, Clone, Serialize)]
pub struct FieldDef {
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    /// Maximum length for text fields (e.g. `Alias` is 8).
    pub length: Option<u32>,
    /// Callers may set it on create.
    pub createable: bool,
    /// Callers may change it on update (`User.ContactId` is create-only: createable, not updateable).
    pub updateable: bool,
    /// May be null.
    pub nillable: bool,
    /// Must be given on create (not nillable, no default, createable).
    pub required_on_create: bool,
    /// May be used as the external id in an upsert path.
    pub external_id: bool,
    /// Unique across the org (Username, CommunityNickname, external ids marked unique).
    pub unique: bool,
    /// For reference fields: the object types it may point at.
    pub reference_to: Vec<String>,
    /// For reference fields: the name used in SOQL to reach the parent (`ProfileId` → `Profile`).
    pub relationship_name: Option<String>,
    /// Allowed values for picklists (empty: any).
    pub picklist_values: Vec<String>,
}

/// Which REST operations Salesforce allows on an object type. Anything else is refused with
/// Salesforce's error for it (e.g. `INSUFFICIENT_ACCESS` / `METHOD_NOT_ALLOWED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Operations {
    pub create: bool,
    pub retrieve: bool,
    pub update: bool,
    pub delete: bool,
    pub query: bool,
    pub upsert: bool,
}

/// One object type.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectDef {
    pub name: String,
    pub label: String,
    /// Three-character id prefix (`001` Account, `003` Contact, `005` User …).
    pub key_prefix: String,
    pub fields: Vec<FieldDef>,
    pub operations: Operations,
}

impl ObjectDef {
    /// The field with this name, matched case-insensitively.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The reference field whose relationship name is `name` (`Profile` → `ProfileId`).
    pub fn relationship(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| {
            f.relationship_name
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(name))
        })
    }
}

/// All object types of the org.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Schema {
    pub objects: Vec<ObjectDef>,
}

impl Schema {
    /// The object with this API name, matched case-insensitively.
    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// Drops a field the org does not have (one that comes with a feature or licence it
    /// lacks): describe no longer lists it, and naming it is `INVALID_FIELD`.
    pub fn remove_field(&mut self, object: &str, field: &str) {
        if let Some(def) = self
            .objects
            .iter_mut()
            .find(|o| o.name.eq_ignore_ascii_case(object))
        {
            def.fields.retain(|f| !f.name.eq_ignore_ascii_case(field));
        }
    }
}
