//! Describe: the object list (describeGlobal), an object's basic information, and its full
//! field description.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::{Call, Reply};
use crate::access::Access;
use crate::error::ApiError;
use crate::org::Org;
use crate::schema::{FieldDef, FieldType, ObjectDef};

/// `GET /sobjects`.
/// A session sees only the objects its user may read.
pub fn global(org: &Org, call: &Call, access: Option<&Access>) -> Reply {
    let sobjects: Vec<Value> = org
        .schema
        .objects
        .iter()
        .filter(|o| access.is_none_or(|a| a.can_read_object(&o.name)))
        .map(|o| summary(o, &call.version))
        .collect();
    Reply::json(
        StatusCode::OK,
        json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects}),
    )
}

/// `GET /sobjects/{T}`: the summary and recently viewed records (none: the API does not view).
pub fn basic(org: &Org, call: &Call, object: &str) -> Result<Reply, ApiError> {
    let def = definition(org, object)?;
    Ok(Reply::json(
        StatusCode::OK,
        json!({"objectDescribe": summary(def, &call.version), "recentItems": []}),
    ))
}

/// `GET /sobjects/{T}/describe`. A session sees only the fields its user may read (field-level
/// security leaves the others out of describe, as out of SOQL).
pub fn describe(
    org: &Org,
    call: &Call,
    object: &str,
    access: Option<&Access>,
) -> Result<Reply, ApiError> {
    let def = definition(org, object)?;
    let mut out = summary(def, &call.version);
    let fields: Vec<Value> = def
        .fields
        .iter()
        .filter(|f| access.is_none_or(|a| a.can_read_field(&def.name, &f.name)))
        .map(field)
        .collect();
    if let Value::Object(map) = &mut out {
        map.insert("fields".into(), Value::Array(fields));
    }
    Ok(Reply::json(StatusCode::OK, out))
}

fn definition<'a>(org: &'a Org, object: &str) -> Result<&'a ObjectDef, ApiError> {
    org.object_def(object)
        .ok_or_else(|| ApiError::not_found("The requested resource does not exist"))
}

/// What describeGlobal says of one object.
fn summary(def: &ObjectDef, version: &str) -> Value {
    let base = format!("/services/data/v{version}/sobjects/{}", def.name);
    let ops = def.operations;
    json!({
        "name": def.name,
        "label": def.label,
        "labelPlural": format!("{}s", def.label),
        "keyPrefix": def.key_prefix,
        "custom": false,
        "createable": ops.create,
        "updateable": ops.update,
        "deletable": ops.delete,
        "queryable": ops.query,
        "retrieveable": ops.retrieve,
        "searchable": false,
        "urls": {
            "sobject": base,
            "describe": format!("{base}/describe"),
            "rowTemplate": format!("{base}/{{ID}}"),
        },
    })
}

/// One field as describe prints it.
fn field(def: &FieldDef) -> Value {
    let (kind, soap) = match def.field_type {
        FieldType::Id => ("id", "tns:ID"),
        FieldType::String => ("string", "xsd:string"),
        FieldType::Boolean => ("boolean", "xsd:boolean"),
        FieldType::Int => ("int", "xsd:int"),
        FieldType::Double => ("double", "xsd:double"),
        FieldType::Date => ("date", "xsd:date"),
        FieldType::Datetime => ("datetime", "xsd:dateTime"),
        FieldType::Email => ("email", "xsd:string"),
        FieldType::Picklist => ("picklist", "xsd:string"),
        FieldType::Reference => ("reference", "tns:ID"),
        FieldType::Textarea => ("textarea", "xsd:string"),
        FieldType::Phone => ("phone", "xsd:string"),
        FieldType::Url => ("url", "xsd:string"),
    };
    let picklist: Vec<Value> = def
        .picklist_values
        .iter()
        .map(|v| json!({"active": true, "defaultValue": false, "label": v, "value": v}))
        .collect();
    json!({
        "name": def.name,
        "label": def.label,
        "type": kind,
        "soapType": soap,
        "length": def.length.unwrap_or(0),
        "createable": def.createable,
        "updateable": def.updateable,
        "nillable": def.nillable,
        "defaultedOnCreate": !def.nillable && !def.required_on_create,
        "externalId": def.external_id,
        "unique": def.unique,
        "idLookup": def.name == "Id" || def.external_id || def.unique,
        "referenceTo": def.reference_to,
        "relationshipName": def.relationship_name,
        "restrictedPicklist": !def.picklist_values.is_empty(),
        "picklistValues": picklist,
    })
}
