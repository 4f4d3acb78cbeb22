-- Organisers' wording of the receipt, shortlist and results messages, per edition and
-- language. NULL texts mean "the default translation" (after a reset): the row stays so
-- that its version keeps counting and a form loaded before the reset cannot overwrite
-- a later save that happens to reach the same number.
CREATE TABLE message_templates (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    sms TEXT,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    PRIMARY KEY (edition_id, kind, lang)
);
