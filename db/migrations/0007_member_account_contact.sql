-- An account member's name, organisation and contact come from the account (issue 10). The form
-- used to store whatever its contact fields still held for them, e.g. the phone and e-mail typed
-- for the relative added just before. Those values belong to nobody on this row: remove them.
UPDATE network_members
SET organisation = NULL, phone = NULL, email = NULL
WHERE user_id IS NOT NULL
  AND (organisation IS NOT NULL OR phone IS NOT NULL OR email IS NOT NULL);
