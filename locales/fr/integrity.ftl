## Integrity: no silent overwrite, honest numbers, visible ties

edit-conflict = Quelqu'un a enregistré une autre version pendant que vous modifiiez ce formulaire : votre enregistrement n'a pas été appliqué, rien n'a été écrasé.
edit-conflict-stored = Ce qui est enregistré maintenant, version
edit-conflict-yours = Ce que vous avez saisi est conservé dans le formulaire ci-dessous. Comparez, corrigez si besoin, puis enregistrez de nouveau pour remplacer la version enregistrée.

tie-exact = Ex æquo ({ $score }) avec le dossier classé juste avant. Départage : { $steps }.
tie-step-criterion-equal = { $criterion } { $ahead } = { $behind }
tie-step-criterion = { $criterion } { $ahead } > { $behind } (décisif)
tie-step-submission = candidature soumise la première ({ $ahead } avant { $behind }) (décisif)
tie-step-dossier = numéro de dossier le plus bas ({ $ahead } avant { $behind }) (décisif)
tie-arbitrary = Attention : ce départage ne juge pas le mérite, c'est une règle arbitraire (comme un tirage au sort) ; le jury doit le confirmer avant la publication.
tie-podium-title = Égalités sur les places primées
tie-podium-none = Aucune égalité exacte ne décide d'un prix.
tie-podium-line = { $prize } : { $ahead } devant { $behind } — { $how }
tie-special-prize = Prix spécial
tie-confirm = Le jury confirme les départages arbitraires signalés ci-dessus (heure de soumission ou numéro de dossier).
tie-confirm-required = Des égalités sur des places primées sont départagées par une règle arbitraire : le jury doit confirmer ces départages (case à cocher) avant la publication.

review-method-scale = Les notes normalisées ne sont pas ramenées de force entre 0 et 100 : étirer les totaux d'un évaluateur qui note serré jusqu'à la dispersion du tour peut porter son meilleur dossier au-dessus de 100 (ou son moins bon sous 0). Les borner rendrait égaux des dossiers distincts et changerait le classement ; la valeur calculée est donc gardée telle quelle, et la moyenne brute (sur 100) reste affichée à côté.

edit-conflict-attendance = Quelqu'un a enregistré « { $stored } » entre-temps (version { $version }) : votre choix « { $typed } » n'a pas été appliqué, rien n'a été écrasé. Choisissez de nouveau puis enregistrez pour remplacer la version enregistrée.

review-method-ties-shown = Aucune égalité n'est tranchée en silence : sous chaque dossier à égalité exacte avec le précédent, la page indique les règles appliquées et celle qui a décidé ; si c'est l'heure de soumission ou le numéro de dossier, elle le signale comme une règle arbitraire.

tie-cut-title = Égalités à la limite de la liste
tie-cut-line = { $kept } (retenu) et { $left_out } (non retenu) — { $how }
tie-exact-named = Même note ({ $score }). Départage : { $steps }.

results-tie = Ex æquo avec le dossier classé juste après ; départagé par { $rule }.
results-tie-criterion = le critère « { $criterion } »
results-tie-submission = l'heure de soumission de la candidature (règle arbitraire, confirmée par le jury)
results-tie-dossier = le numéro de dossier (règle arbitraire, confirmée par le jury)
tie-cut-confirm = Les organisateurs confirment les départages arbitraires signalés à la limite de la liste (heure de soumission ou numéro de dossier).
tie-cut-confirm-required = Une égalité à la limite de la liste est départagée par une règle arbitraire : confirmez ce départage (case à cocher) ou modifiez la liste avant de la verrouiller.
