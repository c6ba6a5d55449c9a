-- The fencing token of a command's current claim: raised by every claim, and every write made
-- under a claim (progress, outcome, retry, park, renewal) names it, so a run whose claim
-- expired and was taken by another cannot write over the new holder's work.
ALTER TABLE commands ADD COLUMN claim_token INTEGER NOT NULL DEFAULT 0;
