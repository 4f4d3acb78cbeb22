-- The line printed under the emblem on certificates, e.g. a republic's motto
-- ("Un Peuple – Un But – Une Foi"). Empty: none.
ALTER TABLE identity ADD COLUMN motto_fr TEXT NOT NULL DEFAULT '';
ALTER TABLE identity ADD COLUMN motto_en TEXT NOT NULL DEFAULT '';
