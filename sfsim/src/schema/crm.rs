//! Account and Contact: the external organisation and the person in it.

use super::{FieldDef, ObjectDef, Operations};
use crate::ids;

/// The external organisation. `IsPartner` is switched on by an administrator before partner
/// users can be created; `IsCustomerPortal` is switched on by the org itself with the first
/// customer user and cannot be switched off through the API.
pub fn account() -> ObjectDef {
    ObjectDef::with_system_fields(
        "Account",
        "Account",
        ids::ACCOUNT,
        Operations::ALL,
        vec![
            FieldDef::text("Name", "Account Name", 255).required(),
            FieldDef::reference("OwnerId", "Owner ID", "User", "Owner").not_nillable(),
            FieldDef::text("Website", "Website", 255),
            FieldDef::text("Phone", "Account Phone", 40),
            FieldDef::boolean("IsPartner", "Partner Account"),
            FieldDef::boolean("IsCustomerPortal", "Customer Portal Account").read_only(),
            FieldDef::text("Gatehouse_Key__c", "Gatehouse Key", 255)
                .external_id()
                .unique(),
        ],
    )
}

/// The person. `Gatehouse_Key__c` is an external id that is deliberately *not* unique, as such
/// keys often are in real orgs: it lets the org answer an upsert with 300 Multiple Choices.
pub fn contact() -> ObjectDef {
    ObjectDef::with_system_fields(
        "Contact",
        "Contact",
        ids::CONTACT,
        Operations::ALL,
        vec![
            FieldDef::text("FirstName", "First Name", 40),
            FieldDef::text("LastName", "Last Name", 80).required(),
            FieldDef::text("Name", "Full Name", 121).read_only(),
            FieldDef::email("Email", "Email"),
            FieldDef::text("Phone", "Business Phone", 40),
            FieldDef::text("Title", "Title", 128),
            FieldDef::reference("AccountId", "Account ID", "Account", "Account"),
            FieldDef::reference("OwnerId", "Owner ID", "User", "Owner").not_nillable(),
            FieldDef::text("Gatehouse_Key__c", "Gatehouse Key", 255).external_id(),
        ],
    )
}
