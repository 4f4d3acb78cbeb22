## Dossiers: the submitted version is judged; drafts within the fields' limits

dossier-draft-title = Brouillon non déposé
dossier-draft-never-judged = Modifications enregistrées par le candidat après son dépôt et jamais déposées : elles ne sont pas évaluées. Le dossier évalué est la version déposée ci-dessus.
dossier-draft-saved = Dernier enregistrement :
draft-too-long = Rien n'a été enregistré : une ou plusieurs réponses dépassent la longueur permise. Raccourcissez-les (votre saisie est conservée ci-dessous), puis enregistrez à nouveau.
