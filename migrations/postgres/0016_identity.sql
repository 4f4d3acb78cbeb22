-- The event's identity (one per installation): what every page, message and certificate says
-- about whose platform this is. Kènè itself is only named in the footer.
CREATE TABLE identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    organiser_fr TEXT NOT NULL DEFAULT '',
    organiser_en TEXT NOT NULL DEFAULT '',
    contact_phone TEXT,
    contact_whatsapp TEXT,
    contact_email TEXT,
    official_domain TEXT,
    -- Who signs the certificates (e.g. the minister, the jury's president): two blocks.
    signatory_1_fr TEXT NOT NULL DEFAULT '',
    signatory_1_en TEXT NOT NULL DEFAULT '',
    signatory_2_fr TEXT NOT NULL DEFAULT '',
    signatory_2_en TEXT NOT NULL DEFAULT '',
    brand_colour TEXT NOT NULL,
    on_brand_colour TEXT NOT NULL,
    -- A small raster image (checked before it is stored), served from here.
    logo BYTEA,
    logo_mime TEXT,
    logo_sha256 TEXT,
    -- Set by `kene demo`: every page says the data is made up.
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO identity (id, name_fr, name_en, brand_colour, on_brand_colour)
VALUES (1, 'Kènè', 'Kènè', '#0b6e4f', '#ffffff');

-- Every public page shows the identity.
CREATE TRIGGER site_version_identity AFTER UPDATE ON identity
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
