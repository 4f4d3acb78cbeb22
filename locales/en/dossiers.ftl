## Dossiers: the submitted version is judged; drafts within the fields' limits

dossier-draft-title = Unsubmitted draft
dossier-draft-never-judged = Changes the applicant saved after submitting and never submitted: they are not judged. The judged dossier is the submitted version above.
dossier-draft-saved = Last saved:
draft-too-long = Nothing was saved: one or more answers are longer than allowed. Shorten them (what you typed is kept below), then save again.
