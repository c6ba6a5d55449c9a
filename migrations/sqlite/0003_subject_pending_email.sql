-- The User Email change last asked for. Salesforce may hold it until the person confirms, and
-- asking again would mail them again; a later command compares against it.
ALTER TABLE subjects ADD COLUMN pending_email TEXT;
