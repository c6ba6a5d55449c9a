//! Short constructors for field definitions, so each object's definition reads like its
//! describe: name, label, type, then what callers may do with it.

use super::{FieldDef, FieldType, ObjectDef, Operations};

impl FieldDef {
    /// A createable, updateable, nillable field of the given type.
    pub fn new(name: &str, label: &str, field_type: FieldType) -> FieldDef {
        FieldDef {
            name: name.to_owned(),
            label: label.to_owned(),
            field_type,
            length: None,
            createable: true,
            updateable: true,
            nillable: true,
            required_on_create: false,
            external_id: false,
            unique: false,
            reference_to: Vec::new(),
            relationship_name: None,
            picklist_values: Vec::new(),
        }
    }

    /// The record's `Id`: neither createable nor updateable.
    pub fn id() -> FieldDef {
        FieldDef::new("Id", "Record ID", FieldType::Id)
            .read_only()
            .not_nillable()
    }

    /// A text field with a maximum length.
    pub fn text(name: &str, label: &str, length: u32) -> FieldDef {
        FieldDef {
            length: Some(length),
            ..FieldDef::new(name, label, FieldType::String)
        }
    }

    /// An email field (80 characters unless told otherwise).
    pub fn email(name: &str, label: &str) -> FieldDef {
        FieldDef {
            length: Some(80),
            ..FieldDef::new(name, label, FieldType::Email)
        }
    }

    /// A checkbox: never null, false unless set.
    pub fn boolean(name: &str, label: &str) -> FieldDef {
        FieldDef::new(name, label, FieldType::Boolean).not_nillable()
    }

    /// A date-time field.
    pub fn datetime(name: &str, label: &str) -> FieldDef {
        FieldDef::new(name, label, FieldType::Datetime)
    }

    /// A whole number.
    pub fn int(name: &str, label: &str) -> FieldDef {
        FieldDef::new(name, label, FieldType::Int)
    }

    /// A lookup to one object type, reached in SOQL through `relationship`.
    pub fn reference(name: &str, label: &str, to: &str, relationship: &str) -> FieldDef {
        FieldDef {
            length: Some(18),
            reference_to: vec![to.to_owned()],
            relationship_name: Some(relationship.to_owned()),
            ..FieldDef::new(name, label, FieldType::Reference)
        }
    }

    /// A restricted picklist: only these values are accepted.
    pub fn picklist(name: &str, label: &str, values: &[&str]) -> FieldDef {
        FieldDef {
            length: Some(255),
            picklist_values: values.iter().map(|v| (*v).to_owned()).collect(),
            ..FieldDef::new(name, label, FieldType::Picklist)
        }
    }

    /// Set by the org only (system fields, derived fields).
    pub fn read_only(mut self) -> FieldDef {
        self.createable = false;
        self.updateable = false;
        self
    }

    /// Settable on create, never changed afterwards (`User.ContactId`).
    pub fn create_only(mut self) -> FieldDef {
        self.updateable = false;
        self
    }

    /// Never null; the org supplies a value when the caller does not.
    pub fn not_nillable(mut self) -> FieldDef {
        self.nillable = false;
        self
    }

    /// Must be given on create and may never be null.
    pub fn required(mut self) -> FieldDef {
        self.nillable = false;
        self.required_on_create = true;
        self
    }

    /// Usable as the key of an upsert (`PATCH …/sobjects/T/Field/value`).
    pub fn external_id(mut self) -> FieldDef {
        self.external_id = true;
        self
    }

    /// No two records may share a value (compared case-insensitively).
    pub fn unique(mut self) -> FieldDef {
        self.unique = true;
        self
    }
}

impl Operations {
    /// Everything: create, retrieve, update, delete, query, upsert.
    pub const ALL: Operations = Operations {
        create: true,
        retrieve: true,
        update: true,
        delete: true,
        query: true,
        upsert: true,
    };

    /// Read only: retrieve and query.
    pub const READ_ONLY: Operations = Operations {
        create: false,
        retrieve: true,
        update: false,
        delete: false,
        query: true,
        upsert: false,
    };
}

impl ObjectDef {
    /// An object with the system fields every Salesforce object carries (`Id`, `CreatedDate`,
    /// `LastModifiedDate`, `SystemModstamp`) ahead of its own.
    pub fn with_system_fields(
        name: &str,
        label: &str,
        key_prefix: &str,
        operations: Operations,
        fields: Vec<FieldDef>,
    ) -> ObjectDef {
        let mut all = vec![FieldDef::id()];
        all.extend(fields);
        all.extend(system_fields());
        ObjectDef {
            name: name.to_owned(),
            label: label.to_owned(),
            key_prefix: key_prefix.to_owned(),
            fields: all,
            operations,
        }
    }
}

/// Audit fields the org maintains on every record.
fn system_fields() -> Vec<FieldDef> {
    vec![
        FieldDef::datetime("CreatedDate", "Created Date")
            .read_only()
            .not_nillable(),
        FieldDef::datetime("LastModifiedDate", "Last Modified Date")
            .read_only()
            .not_nillable(),
        FieldDef::datetime("SystemModstamp", "System Modstamp")
            .read_only()
            .not_nillable(),
    ]
}
