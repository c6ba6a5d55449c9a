-- The operators' audit trail: every admin request an operator was allowed to make, reads of
-- people's data included, with who (the actor and the roles they held), when, what (the
-- method and route), on what (the route's non-personal ids) and why (the reason they gave).
-- `subject_key` and `personal` (the request's query values, which may name a person or an
-- Account) hold what identifies a person, apart, so erasing a person clears them and keeps
-- the rest of the row.
CREATE TABLE audit (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TEXT COLLATE "C" NOT NULL,
    actor       TEXT COLLATE "C" NOT NULL,
    roles       TEXT COLLATE "C" NOT NULL,
    action      TEXT COLLATE "C" NOT NULL,
    target      TEXT COLLATE "C",
    reason      TEXT COLLATE "C",
    subject_key TEXT COLLATE "C",
    personal    TEXT COLLATE "C"
);

CREATE INDEX audit_by_subject ON audit (subject_key) WHERE subject_key IS NOT NULL;
