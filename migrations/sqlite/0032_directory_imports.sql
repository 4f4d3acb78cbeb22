-- Bulk imports of the directory (src/directory/import.rs): the file an organiser sent, kept
-- between its preview and the import, then dropped; the row-by-row report stays.

CREATE TABLE directory_imports (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    -- One of `directory::import::Format`.
    format TEXT NOT NULL,
    -- The file, until it is imported or cancelled.
    content BLOB,
    -- previewed, running, imported, cancelled, failed.
    status TEXT NOT NULL,
    rows_ready BIGINT NOT NULL,
    rows_skipped BIGINT NOT NULL,
    empty_rows BIGINT NOT NULL,
    imported BIGINT NOT NULL DEFAULT 0,
    -- The skipped rows (`directory::import::Skipped`, JSON), as of the preview, then of the
    -- import.
    report_json TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX directory_imports_created ON directory_imports(created_at);

-- A profile its applicant created from an application (with the form's directory consent):
-- one profile per application.
ALTER TABLE actors ADD COLUMN application_id BIGINT REFERENCES applications(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX actors_application ON actors(application_id);

-- An actor's logo: a small JPEG (`directory::logo`), named by its SHA-256 in its address.
ALTER TABLE actors ADD COLUMN logo BLOB;
ALTER TABLE actors ADD COLUMN logo_sha256 TEXT;

-- The directory's country filter offers the countries of published profiles, read by one
-- seek per country.
CREATE INDEX actors_published_country ON actors(status, country);
