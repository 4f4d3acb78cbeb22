# Back office: counts per edition, bulk eligibility decisions, typed exports; the form's
# notice after "Next".

backoffice-counts = Edition figures
backoffice-counts-scope = By status: every application, drafts included. By country and by women-led: dossiers submitted, eligible or ineligible (neither drafts nor withdrawn), as last submitted.
backoffice-total = Total
backoffice-not-given = Not given
backoffice-by-status = Applications by status and track
backoffice-by-country = Submitted dossiers by country and track
backoffice-by-women-led = Submitted dossiers led by women, by track

backoffice-bulk-pick = Select
backoffice-bulk-legend = Eligibility decision for the selected dossiers
backoffice-bulk-hint = The same decision and reason apply to every selected dossier; each applicant is told and each decision is logged separately. A reason is required when the decision contradicts a dossier's automatic check.
backoffice-bulk-submit = Save the decision for the selected dossiers
backoffice-bulk-none-ticked = No dossier is selected: tick the dossiers to decide, then save.
backoffice-bulk-no-decision = Choose "Eligible" or "Ineligible" for the selected dossiers.
backoffice-bulk-reason-required = Nothing was saved: the decision contradicts the automatic check for { $references }. Write a reason, or untick these dossiers.
backoffice-bulk-done = Decisions saved: { $n }.
backoffice-bulk-skipped = Left unchanged, because their status changed since the list was shown: { $references }. Open them to decide again.

draft-saved-still-empty = Your draft of the step "{ $step }" is saved. These required fields are still empty; they must be filled before you submit your application:
draft-back-to-step = Back to this step
admin-conditions-fr = Conditions to apply (French)
admin-conditions-en = Conditions to apply (English; empty: the French text)
admin-conditions-help = In plain words, one condition per line: this is what the call page shows. The eligibility rules below still decide. Empty: the page shows the rules.
admin-regulations-fr = Rules of the competition (French)
admin-regulations-en = Rules of the competition (English; empty: the French text)
admin-regulations-help = The rules applicants accept when they submit: a public page of the call, linked from the consent box. One paragraph per block separated by an empty line; a block's first line is its heading. Empty: no rules page.
