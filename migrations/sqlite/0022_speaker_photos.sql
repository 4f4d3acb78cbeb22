-- A speaker's photo as the public pages show it: reduced by Kènè to a small JPEG (the upload
-- itself is not kept), named in addresses by its SHA-256 so browsers may keep it for good.
ALTER TABLE programme_speakers ADD COLUMN photo BLOB;
ALTER TABLE programme_speakers ADD COLUMN photo_sha256 TEXT;
