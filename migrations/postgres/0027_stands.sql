-- Exhibition stands (src/stands): the stands of the venue (number, zone, size) and who holds
-- each one — a finalist start-up, an AES delegation, the guest-of-honour country or a partner.
-- The public exhibitors page is cached, so the table bumps the site version.

CREATE TABLE stands (
    id BIGSERIAL PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    -- As painted on the floor: "A12".
    number TEXT NOT NULL,
    zone TEXT NOT NULL,
    size_m2 BIGINT NOT NULL,
    -- '' while free; startup, delegation, guest_country, partner
    exhibitor_kind TEXT NOT NULL DEFAULT '',
    exhibitor TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (edition_id, number)
);

CREATE TRIGGER site_version_stands AFTER INSERT OR UPDATE OR DELETE ON stands
FOR EACH ROW EXECUTE FUNCTION bump_site_version();
