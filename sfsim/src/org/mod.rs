//! The org: its records and the rules Salesforce enforces on them.
//!
//! Every write goes through [`Org::create`], [`Org::update`], [`Org::delete`] or
//! [`Org::upsert`], which check the fields against the schema, apply the object's rules
//! (licences, one user per Contact, portal roles, …) and keep derived state current
//! (`UsedLicenses`, `UserLogin`, `NetworkMember`, sent emails). Errors come back in
//! Salesforce's shape ([`ApiError`]) so the REST layer only has to send them.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::ids::{self, IdGenerator};
use crate::record::Record;
use crate::schema::{ObjectDef, Schema};
use crate::soql::DataSource;

mod by_hand;
mod clock;
mod collation;
mod connected_app;
mod cursors;
mod dump;
mod emails;
mod licences;
mod login;
mod passwords;
mod portal_roles;
mod read;
mod refusals;
mod rules;
mod settings;
mod site;
mod store;
mod subrequests;
mod transaction;
mod validation;
mod write;

pub use by_hand::{HandChange, HandMadeUser};
pub use clock::{Clock, format_datetime};
pub use collation::CollationDice;
pub use connected_app::ConnectedApp;
pub use cursors::{QueryCursors, QueryPage};
pub use emails::{EmailKind, SentEmail};
pub use licences::LicenceUsage;
pub use read::{record_json, record_url};
pub use settings::{Deliverability, OrgSettings};
pub use site::Site;
pub use subrequests::{SubrequestRefusal, SubrequestRefusals};
pub use transaction::Savepoint;
pub use validation::{RecordRefusal, VALIDATION_FAILED};
pub use write::UpsertOutcome;

use emails::Outbox;
use passwords::Passwords;
use store::RecordStore;
use transaction::TransactionWrites;

/// The simulated org's data and settings. Cloneable so that an all-or-none request can be
/// rolled back by restoring a copy. Its `Debug` prints counts only (see `dump`).
#[derive(Clone)]
pub struct Org {
    /// The object types and their fields.
    pub schema: Schema,
    store: RecordStore,
    ids: IdGenerator,
    org_id: String,
    settings: OrgSettings,
    clock: Clock,
    outbox: Outbox,
    connected_apps: Vec<ConnectedApp>,
    /// The Experience Cloud sites, the fixture's `[site]` first.
    sites: Vec<Site>,
    /// The user the API acts as when a record needs an owner and none is given.
    acting_user: Option<String>,
    /// User Email changes waiting for confirmation: user id → the new address.
    pending_emails: BTreeMap<String, String>,
    passwords: Passwords,
    cursors: QueryCursors,
    /// Objects written in the current all-or-none transaction, for `MIXED_DML_OPERATION`.
    txn: Option<TransactionWrites>,
    /// Counter behind generated `CommunityNickname`s.
    nicknames: u64,
    /// The draws that order collated composite subrequests, from the simulator's seed.
    collation: CollationDice,
    /// Validation rules aimed at single records (`validation.rs`).
    record_refusals: Vec<RecordRefusal>,
    /// Composite subrequests refused (`subrequests.rs`).
    subrequest_refusals: SubrequestRefusals,
    /// Active users per licence, counted once and then kept (see `licences`).
    licence_holders: Option<licences::Holders>,
}

impl Org {
    /// An org with the standard objects and no records: the start of every fixture.
    pub fn empty() -> Org {
        let mut ids = IdGenerator::default();
        let org_id = ids.next(ids::ORGANIZATION);
        Org {
            schema: Schema::standard(),
            store: RecordStore::default(),
            ids,
            org_id,
            settings: OrgSettings::default(),
            clock: Clock::default(),
            outbox: Outbox::default(),
            connected_apps: Vec::new(),
            sites: Vec::new(),
            acting_user: None,
            pending_emails: BTreeMap::new(),
            passwords: Passwords::default(),
            cursors: QueryCursors::default(),
            txn: None,
            nicknames: 0,
            collation: CollationDice::default(),
            record_refusals: Vec::new(),
            subrequest_refusals: SubrequestRefusals::default(),
            licence_holders: None,
        }
    }

    /// The org's 18-character id (`00D…`), as it appears in token ids and `/id/{orgId}/{userId}`.
    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    /// Connected apps that may ask for tokens.
    pub fn connected_apps(&self) -> &[ConnectedApp] {
        &self.connected_apps
    }

    /// Emails the org has sent, oldest first.
    pub fn emails(&self) -> &[SentEmail] {
        self.outbox.sent()
    }

    /// The quirk switches.
    pub fn settings(&self) -> &OrgSettings {
        &self.settings
    }

    /// The quirk switches, to change them (control endpoint, tests).
    pub fn settings_mut(&mut self) -> &mut OrgSettings {
        &mut self.settings
    }

    /// The draws behind the order of collated composite subrequests.
    pub fn collation_mut(&mut self) -> &mut CollationDice {
        &mut self.collation
    }

    /// The org's current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Pins the org's clock at `at`; `None` returns it to the system clock.
    pub fn set_now(&mut self, at: Option<DateTime<Utc>>) {
        self.clock.set(at);
    }

    /// Moves the org's clock forward (pinning it if it was on system time).
    pub fn advance_clock(&mut self, by: Duration) {
        self.clock.advance(by);
    }

    /// The Experience Cloud site, if the org has one (the first, when it has several).
    pub fn site(&self) -> Option<&Site> {
        self.sites.first()
    }

    /// Every Experience Cloud site of the org.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// The id of the user the API acts as by default (the integration user of the fixture).
    pub fn acting_user_id(&self) -> Option<&str> {
        self.acting_user.as_deref()
    }

    /// Open query cursors (`nextRecordsUrl`), kept with the org so they live as long as it.
    pub fn query_cursors(&mut self) -> &mut QueryCursors {
        &mut self.cursors
    }

    /// The object type with this name, matched case-insensitively.
    pub fn object_def(&self, name: &str) -> Option<&ObjectDef> {
        self.schema.object(name)
    }

    /// One record by id (15 or 18 characters), whatever its type.
    pub fn record(&self, id: &str) -> Option<&Record> {
        self.store.get(id)
    }

    /// Every record of one type, oldest first.
    pub fn records_of<'a>(&'a self, object: &str) -> Box<dyn Iterator<Item = &'a Record> + 'a> {
        match self.schema.object(object) {
            Some(def) => Box::new(self.store.of_type(&def.name)),
            None => Box::new(std::iter::empty()),
        }
    }

    /// Indexes `field` of `object` (canonical spellings) from now on, as Salesforce indexes
    /// the fields a query filters by, so that queries look records up rather than scan them.
    pub(crate) fn index(&mut self, object: &str, field: &str) {
        self.store.ensure_index(object, field);
    }

    /// The composite subrequests the org is told to refuse.
    pub fn subrequest_refusals(&mut self) -> &mut SubrequestRefusals {
        &mut self.subrequest_refusals
    }

    /// Adds an Experience Cloud site (fixtures).
    pub(crate) fn add_site(&mut self, site: Site) {
        self.sites.push(site);
    }

    /// Sets the user the API acts as (fixtures).
    pub(crate) fn set_acting_user(&mut self, user_id: Option<String>) {
        self.acting_user = user_id;
    }

    /// Sets the connected apps (fixtures).
    pub(crate) fn set_connected_apps(&mut self, apps: Vec<ConnectedApp>) {
        self.connected_apps = apps;
    }

    /// Forgets sent emails (fixtures: the starting org has sent nothing yet).
    pub(crate) fn clear_emails(&mut self) {
        self.outbox = Outbox::default();
    }

    /// The value of a field of a record, for rules that read other records.
    fn field_of(&self, id: &str, field: &str) -> Option<&Value> {
        self.store.get(id).and_then(|r| r.get(field))
    }

    /// A text field of a record, if set.
    fn text_of(&self, id: &str, field: &str) -> Option<String> {
        self.field_of(id, field)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// Stores a record the org makes itself (licences, profiles, roles, logins, site
    /// membership): every schema field present, unset ones null, audit times set. Not subject
    /// to the caller-facing rules.
    pub(crate) fn insert_system(&mut self, object: &str, values: Map<String, Value>) -> String {
        let Some(def) = self.schema.object(object).cloned() else {
            return String::new();
        };
        let id = self.ids.next(&def.key_prefix);
        let record = self.complete_record(&def, &id, values);
        self.store.insert(record);
        id
    }

    /// A full record of `def` from `values`: all fields present, checkboxes false unless set,
    /// audit times now.
    fn complete_record(&self, def: &ObjectDef, id: &str, values: Map<String, Value>) -> Record {
        let now = Value::String(format_datetime(self.now()));
        let mut fields = Map::new();
        for field in &def.fields {
            let value = match field.name.as_str() {
                "Id" => Value::String(id.to_owned()),
                "CreatedDate" | "LastModifiedDate" | "SystemModstamp" => now.clone(),
                name => match values.get(name) {
                    Some(v) => v.clone(),
                    None if field.field_type == crate::schema::FieldType::Boolean => {
                        Value::Bool(false)
                    }
                    None => Value::Null,
                },
            };
            fields.insert(field.name.clone(), value);
        }
        Record {
            object: def.name.clone(),
            id: id.to_owned(),
            fields,
        }
    }
}

impl DataSource for Org {
    fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.schema.object(name)
    }

    fn records(&self, object: &str) -> Box<dyn Iterator<Item = &Record> + '_> {
        self.records_of(object)
    }

    fn record(&self, id: &str) -> Option<&Record> {
        self.store.get(id)
    }

    fn candidates(&self, object: &str, field: &str, keys: &[&str]) -> Option<Vec<&Record>> {
        self.store.candidates(object, field, keys)
    }
}

/// Errors about the whole request rather than one record.
pub(crate) fn not_found() -> ApiError {
    ApiError::not_found("The requested resource does not exist")
}
