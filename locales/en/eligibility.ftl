## Eligibility: the conditions of a track, the organisers' decision and the message to applicants.

eligibility-conditions = Conditions of the track
eligibility-no-rules = No eligibility condition is set for this track.
eligibility-condition-met = Met
eligibility-condition-failed = Not met
eligibility-decision-hint = The proposed decision is the automatic check's. A different decision needs a written reason.
eligibility-reason-label = Reason (required if the decision differs from the automatic check; otherwise its reasons are used)
eligibility-override-reason-required = This decision differs from the automatic check: give the reason in writing.
eligibility-reason-shown = Reason for the decision:
eligibility-mail-subject = { $event } { $year }: decision on your application { $reference }
eligibility-mail-eligible = Your application { $reference } “{ $title }” is declared eligible. The preselection committee will review it.
eligibility-mail-ineligible = Your application { $reference } “{ $title }” is not eligible. Reason: { $reason }
eligibility-sms-eligible = Your application { $reference } is eligible. Next step: the preselection.
eligibility-sms-ineligible = Your application { $reference } is not eligible. The reason is in your applicant space.
eligibility-rules-help = Available rules: nationality_in (a field's country), members_nationality_in (nationality of a group's members; who: leader, majority or all), applicant_kind_in, yes_no_is (expected yes/no answer), documents_any_of, documents_all_of, age_between (age limit: none unless this rule is added).
eligibility-decided-meanwhile = Another organiser decided this dossier while you were reading it: it is now “{ $status }”. Your choice and reason are kept below: save again to replace that decision.
eligibility-decided-meanwhile-reason = Another organiser decided this dossier while you were reading it: it is now “{ $status }” (reason: { $reason }). Your choice and reason are kept below: save again to replace that decision.

## Why a condition is not met (the verdict of the rules, shown to organisers and applicants).
eligibility-fail-nationality = Nationality must be one of: { $countries } (field “{ $field }”).
eligibility-fail-applicant-kind = The applicant type must be one of: { $kinds } (field “{ $field }”).
eligibility-fail-documents-any = At least one of these documents is required: { $fields }.
eligibility-fail-documents-all = Required documents: { $fields }.
eligibility-fail-age = Age must be between { $min } and { $max } years on { $date } (field “{ $field }”).
eligibility-fail-yes-no = The answer to “{ $field }” must be “{ $expected }”.
eligibility-fail-leader-nationality = The leader (first row of “{ $group }”) must be a national of: { $countries }.
eligibility-fail-majority-nationality = Most members (“{ $group }”) must be nationals of: { $countries }.
eligibility-fail-all-nationality = Every member (“{ $group }”) must be a national of: { $countries }.
