-- An edition may carry its own identity (a sister event on the same installation, another
-- organiser, other signatories): its public pages, receipts and certificates show it. No row:
-- the edition shows the installation's identity. Same columns as `identity`, copied from it
-- when an organiser first edits the edition's own.
CREATE TABLE edition_identity (
    edition_id BIGINT PRIMARY KEY REFERENCES editions(id),
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    organiser_fr TEXT NOT NULL DEFAULT '',
    organiser_en TEXT NOT NULL DEFAULT '',
    motto_fr TEXT NOT NULL DEFAULT '',
    motto_en TEXT NOT NULL DEFAULT '',
    contact_phone TEXT,
    contact_whatsapp TEXT,
    contact_email TEXT,
    official_domain TEXT,
    signatory_1_fr TEXT NOT NULL DEFAULT '',
    signatory_1_en TEXT NOT NULL DEFAULT '',
    signatory_2_fr TEXT NOT NULL DEFAULT '',
    signatory_2_en TEXT NOT NULL DEFAULT '',
    brand_colour TEXT NOT NULL,
    on_brand_colour TEXT NOT NULL,
    logo BYTEA,
    logo_mime TEXT,
    logo_sha256 TEXT,
    version BIGINT NOT NULL DEFAULT 1
);

-- The edition's public pages show it.
CREATE TRIGGER site_version_edition_identity AFTER INSERT OR UPDATE OR DELETE ON edition_identity
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
