//! All-or-none transactions: a saved copy of the org to return to, and the mixed-DML check.

use super::Org;
use super::refusals::refuse;
use crate::error::ApiError;

/// Setup objects, which Salesforce will not write in one transaction with other objects when
/// the mixed-DML rule applies.
const SETUP_OBJECTS: &[&str] = &[
    "User",
    "UserLogin",
    "UserRole",
    "Profile",
    "UserLicense",
    "PermissionSet",
    "PermissionSetAssignment",
    "Network",
    "NetworkMember",
    "NetworkMemberGroup",
];

/// The first setup and non-setup objects written in the open transaction.
#[derive(Debug, Clone, Default)]
pub(crate) struct TransactionWrites {
    setup: Option<String>,
    other: Option<String>,
}

/// The org as it was when an all-or-none transaction began.
pub struct Savepoint {
    saved: Box<Org>,
    /// Opened inside another all-or-none transaction (a collection in a composite), whose
    /// mixed-DML bookkeeping must go on.
    nested: bool,
}

impl Org {
    /// Opens an all-or-none transaction: writes until [`Org::commit`] or [`Org::rollback`]
    /// are checked together for mixed DML, and can be undone.
    pub fn begin_all_or_none(&mut self) -> Savepoint {
        let saved = Box::new(self.clone());
        let nested = self.txn.is_some();
        if !nested {
            self.txn = Some(TransactionWrites::default());
        }
        Savepoint { saved, nested }
    }

    /// Keeps the transaction's writes.
    pub fn commit(&mut self, savepoint: Savepoint) {
        if !savepoint.nested {
            self.txn = None;
        }
    }

    /// Undoes every write since the savepoint, emails included (Salesforce sends them only on
    /// commit). Open query cursors survive: their pages were already answered.
    pub fn rollback(&mut self, savepoint: Savepoint) {
        let cursors = std::mem::take(&mut self.cursors);
        let nested = savepoint.nested;
        *self = *savepoint.saved;
        self.cursors = cursors;
        if !nested {
            self.txn = None;
        }
    }
}

/// Records a write of `object` in the open transaction, refusing it with
/// `MIXED_DML_OPERATION` when the org enforces the rule and the other kind was written first.
pub(crate) fn note_write(org: &mut Org, object: &str) -> Result<(), ApiError> {
    if !org.settings.enforce_mixed_dml {
        return Ok(());
    }
    let Some(txn) = org.txn.as_mut() else {
        return Ok(());
    };
    let setup = SETUP_OBJECTS.contains(&object);
    let (mine, theirs) = if setup {
        (&mut txn.setup, &txn.other)
    } else {
        (&mut txn.other, &txn.setup)
    };
    if let Some(first) = theirs {
        return Err(refuse(
            "MIXED_DML_OPERATION",
            format!(
                "DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): {object}, original object: {first}"
            ),
            &[],
        ));
    }
    mine.get_or_insert_with(|| object.to_owned());
    Ok(())
}
