## Integrity: no silent overwrite, honest numbers, visible ties

edit-conflict = Someone saved another version while you were editing this form: your save was not applied, nothing was overwritten.
edit-conflict-stored = What is stored now, version
edit-conflict-yours = What you typed is kept in the form below. Compare, correct if needed, then save again to replace the stored version.

tie-exact = Exact tie ({ $score }) with the dossier ranked just above. Tie-break: { $steps }.
tie-step-criterion-equal = { $criterion } { $ahead } = { $behind }
tie-step-criterion = { $criterion } { $ahead } > { $behind } (decisive)
tie-step-submission = application submitted first ({ $ahead } before { $behind }) (decisive)
tie-step-dossier = lower dossier number ({ $ahead } before { $behind }) (decisive)
tie-arbitrary = Warning: this tie-break does not judge merit, it is an arbitrary rule (like drawing lots); the jury must confirm it before publication.
tie-podium-title = Ties on prize places
tie-podium-none = No exact tie decides a prize.
tie-podium-line = { $prize }: { $ahead } ahead of { $behind } — { $how }
tie-special-prize = Special prize
tie-confirm = The jury confirms the arbitrary tie-breaks flagged above (submission time or dossier number).
tie-confirm-required = Ties on prize places are broken by an arbitrary rule: the jury must confirm these tie-breaks (tick the box) before publication.

review-method-scale = Normalised scores are not forced between 0 and 100: stretching the totals of a reviewer who scores narrowly to the round's spread can lift their best dossier above 100 (or their weakest below 0). Capping them would make distinct dossiers equal and change the ranking, so the computed value is kept as is, and the raw mean (out of 100) stays shown beside it.

edit-conflict-attendance = Someone recorded “{ $stored }” meanwhile (version { $version }): your choice “{ $typed }” was not applied, nothing was overwritten. Choose again and save to replace the stored version.

review-method-ties-shown = No tie is broken silently: under each dossier exactly tied with the one above, the page shows the rules applied and the one that decided; when it is the submission time or the dossier number, it flags it as an arbitrary rule.

tie-cut-title = Ties at the edge of the list
tie-cut-line = { $kept } (kept) and { $left_out } (left out) — { $how }
tie-exact-named = Same score ({ $score }). Tie-break: { $steps }.

results-tie = Tied with the dossier ranked just below; broken by { $rule }.
results-tie-criterion = the “{ $criterion }” criterion
results-tie-submission = the application's submission time (an arbitrary rule, confirmed by the jury)
results-tie-dossier = the dossier number (an arbitrary rule, confirmed by the jury)
tie-cut-confirm = The organisers confirm the arbitrary tie-breaks flagged at the edge of the list (submission time or dossier number).
tie-cut-confirm-required = A tie at the edge of the list is broken by an arbitrary rule: confirm this tie-break (tick the box) or change the list before locking it.
