## Eligibility: the conditions of a track, the organisers' decision and the message to applicants.

eligibility-conditions = Conditions de la catégorie
eligibility-no-rules = Aucune condition d'éligibilité n'est définie pour cette catégorie.
eligibility-condition-met = Remplie
eligibility-condition-failed = Non remplie
eligibility-decision-hint = La décision proposée est celle de la vérification automatique. Une décision différente doit être motivée par écrit.
eligibility-reason-label = Motif (obligatoire si la décision diffère de la vérification automatique ; sinon, ses motifs sont repris)
eligibility-override-reason-required = Cette décision diffère de la vérification automatique : indiquez-en le motif par écrit.
eligibility-reason-shown = Motif de la décision :
eligibility-mail-subject = { $event } { $year } : décision sur votre candidature { $reference }
eligibility-mail-eligible = Votre candidature { $reference } « { $title } » est déclarée éligible. Elle sera examinée par le comité de présélection.
eligibility-mail-ineligible = Votre candidature { $reference } « { $title } » n'est pas éligible. Motif : { $reason }
eligibility-sms-eligible = Votre candidature { $reference } est eligible. Prochaine etape : la preselection.
eligibility-sms-ineligible = Votre candidature { $reference } n'est pas eligible. Le motif est dans votre espace candidat.
eligibility-rules-help = Règles possibles : nationality_in (pays d'un champ), members_nationality_in (nationalité des membres d'un groupe ; who : leader, majority ou all), applicant_kind_in, yes_no_is (réponse oui/non attendue), documents_any_of, documents_all_of, age_between (limite d'âge : aucune tant que cette règle n'est pas ajoutée).
eligibility-decided-meanwhile = Un autre organisateur a décidé de ce dossier pendant que vous le lisiez : il est maintenant « { $status } ». Votre choix et votre motif sont conservés ci-dessous : enregistrez à nouveau pour remplacer cette décision.
eligibility-decided-meanwhile-reason = Un autre organisateur a décidé de ce dossier pendant que vous le lisiez : il est maintenant « { $status } » (motif : { $reason }). Votre choix et votre motif sont conservés ci-dessous : enregistrez à nouveau pour remplacer cette décision.

## Why a condition is not met (the verdict of the rules, shown to organisers and applicants).
eligibility-fail-nationality = La nationalité doit être : { $countries } (champ « { $field } »).
eligibility-fail-applicant-kind = Le type de candidat doit être : { $kinds } (champ « { $field } »).
eligibility-fail-documents-any = Au moins une de ces pièces est requise : { $fields }.
eligibility-fail-documents-all = Pièces requises : { $fields }.
eligibility-fail-age = L'âge doit être compris entre { $min } et { $max } ans au { $date } (champ « { $field } »).
eligibility-fail-yes-no = La réponse à « { $field } » doit être « { $expected } ».
eligibility-fail-leader-nationality = Le ou la responsable (première ligne de « { $group } ») doit être de nationalité : { $countries }.
eligibility-fail-majority-nationality = La majorité des membres (« { $group } ») doit être de nationalité : { $countries }.
eligibility-fail-all-nationality = Tous les membres (« { $group } ») doivent être de nationalité : { $countries }.
