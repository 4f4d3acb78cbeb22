-- Which edition a message belongs to (NULL for account messages such as codes: only
-- administrators see those), what pages may show of a body that holds a secret, and how
-- many parts an SMS takes.
ALTER TABLE outbox ADD COLUMN edition_id BIGINT REFERENCES editions(id);
ALTER TABLE outbox ADD COLUMN masked_body TEXT;
ALTER TABLE outbox ADD COLUMN sms_parts BIGINT;
CREATE INDEX outbox_edition ON outbox(edition_id, id);
-- Codes already queued were stored in clear: pages show none of them.
UPDATE outbox SET masked_body = '••••••' WHERE idempotency_key LIKE 'code:%';
-- Messages already queued about an edition stay visible to its organisers.
UPDATE outbox SET edition_id = (SELECT t.edition_id FROM applications a
    JOIN tracks t ON t.id = a.track_id
    WHERE outbox.idempotency_key LIKE 'receipt:' || a.id || ':%')
WHERE idempotency_key LIKE 'receipt:%';
UPDATE outbox SET edition_id = (SELECT e.id FROM editions e
    WHERE outbox.idempotency_key LIKE 'shortlist:' || e.id || ':%')
WHERE idempotency_key LIKE 'shortlist:%';
UPDATE outbox SET edition_id = (SELECT s.edition_id FROM coaching_sessions s
    WHERE outbox.idempotency_key LIKE 'coaching-coach:' || s.id || ':%'
       OR outbox.idempotency_key LIKE 'coaching-invitation:' || s.id || ':%')
WHERE idempotency_key LIKE 'coaching-%';

-- Failed password logins per typed login (existing account or not): a growing delay.
CREATE TABLE login_failures (
    account TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL
);

-- Organisers may let SMS texts lose the accents GSM-7 cannot carry (one part instead of 3-4).
ALTER TABLE editions ADD COLUMN sms_strip_accents BOOLEAN NOT NULL DEFAULT FALSE;
