# Back office: counts per edition, bulk eligibility decisions, typed exports; the form's
# notice after "Next".

backoffice-counts = Chiffres de l'édition
backoffice-counts-scope = Par statut : toutes les candidatures, brouillons compris. Par pays et par direction féminine : les dossiers soumis, éligibles ou inéligibles (ni brouillons ni retirés), selon leur dernière version soumise.
backoffice-total = Total
backoffice-not-given = Non renseigné
backoffice-by-status = Candidatures par statut et par catégorie
backoffice-by-country = Dossiers soumis par pays et par catégorie
backoffice-by-women-led = Dossiers soumis portés par des femmes, par catégorie

backoffice-bulk-pick = Choisir
backoffice-bulk-legend = Décision d'éligibilité pour les dossiers cochés
backoffice-bulk-hint = La même décision et le même motif s'appliquent à chaque dossier coché ; chaque candidat est prévenu et chaque décision est journalisée séparément. Un motif est obligatoire si la décision contredit la vérification automatique d'un dossier.
backoffice-bulk-submit = Enregistrer la décision pour les dossiers cochés
backoffice-bulk-none-ticked = Aucun dossier n'est coché : cochez les dossiers à décider, puis enregistrez.
backoffice-bulk-no-decision = Choisissez « Éligible » ou « Inéligible » pour les dossiers cochés.
backoffice-bulk-reason-required = Rien n'a été enregistré : la décision contredit la vérification automatique pour { $references }. Écrivez un motif, ou décochez ces dossiers.
backoffice-bulk-done = Décisions enregistrées : { $n }.
backoffice-bulk-skipped = Non modifiés, car leur statut a changé depuis l'affichage de la liste : { $references }. Ouvrez-les pour décider à nouveau.

draft-saved-still-empty = Votre brouillon de l'étape « { $step } » est enregistré. Ces champs obligatoires sont encore vides ; ils devront être remplis avant de soumettre votre candidature :
draft-back-to-step = Revenir à cette étape
admin-conditions-fr = Conditions de participation (français)
admin-conditions-en = Conditions de participation (anglais ; vide : le texte français)
admin-conditions-help = En mots simples, une condition par ligne : c'est ce que la page de l'appel affiche. Les règles d'éligibilité ci-dessous restent celles qui décident. Vide : la page affiche les règles.
admin-regulations-fr = Règlement du concours (français)
admin-regulations-en = Règlement du concours (anglais ; vide : le texte français)
admin-regulations-help = Le règlement que le candidat accepte en déposant : une page publique de l'appel, liée depuis la case d'acceptation. Un paragraphe par bloc séparé d'une ligne vide ; la première ligne d'un bloc en est le titre. Vide : pas de page de règlement.
