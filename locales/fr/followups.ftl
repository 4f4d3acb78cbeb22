## Selection follow-ups: reopening a score sheet, coaching changes, per-track pooling

followups-reopen-title = Rouvrir une fiche d'évaluation soumise
followups-reopen-help = La fiche redevient un brouillon : l'évaluateur peut modifier ses notes puis la soumettre de nouveau. Il est prévenu, avec le motif. Possible tant que le tour est ouvert et, pour la présélection, tant que la liste des présélectionnés n'est pas verrouillée.
followups-reopen-reviewer = Identifiant de l'évaluateur (e-mail ou téléphone)
followups-reopen-reason = Motif de la réouverture (transmis à l'évaluateur)
followups-reopen-button = Rouvrir la fiche
followups-reopen-reason-required = Indiquez le motif de la réouverture : il est transmis à l'évaluateur et consigné au journal.
followups-reopen-round-not-open = Le tour n'est pas ouvert (ou il est clos) : ses fiches ne peuvent plus être rouvertes. Rien n'a été modifié.
followups-reopen-shortlist-locked = La liste des présélectionnés est verrouillée : les fiches dont elle découle ne peuvent plus être rouvertes. Rien n'a été modifié.
followups-reopen-not-submitted = Cet évaluateur n'a pas de fiche soumise pour ce dossier dans ce tour (jamais soumise, ou déjà rouverte). Rien n'a été modifié.
followups-reopened-subject = Votre fiche d'évaluation { $reference } est rouverte
followups-reopened-body = Bonjour,

    Les organisateurs ont rouvert votre fiche d'évaluation du dossier { $reference }. Motif : { $reason }

    La fiche est de nouveau un brouillon : vous pouvez modifier vos notes puis la soumettre de nouveau ici : { $link }

followups-pooling = Normalisation : moyenne et dispersion calculées
followups-pooling-round = sur tous les dossiers du tour (toutes catégories ensemble)
followups-pooling-track = par catégorie (chaque catégorie sur ses seuls dossiers)
followups-pooling-help = Modifiable tant que le tour n'est pas clos : ce choix ne change que le calcul du classement, pas les notes.
followups-bad-pooling = Choisissez l'une des deux façons de calculer la moyenne et la dispersion.
followups-settings-closed = Le tour est clos : son classement est définitif, ses paramètres ne se modifient plus.
followups-pooling-said-round = La moyenne m et la dispersion s sont calculées sur tous les dossiers du tour, toutes catégories ensemble ; m_r et s_r sur toutes les fiches de l'évaluateur.
followups-pooling-said-track = La moyenne m et la dispersion s sont calculées par catégorie, chacune sur ses seuls dossiers ; m_r et s_r sur les fiches de l'évaluateur dans cette catégorie.
followups-pool-round = Sur les { $n } dossiers du tour (toutes catégories)
followups-pool-track = { $track } : sur les { $n } dossiers de la catégorie

followups-edit-session = Modifier la séance
followups-save-session = Enregistrer les modifications
followups-edit-help = Les finalistes invités sont prévenus par e-mail ou SMS si la date, la durée ou le lieu change.
followups-cancel-session = Annuler la séance
followups-cancel-reason = Motif (facultatif, transmis aux finalistes invités)
followups-cancel-button = Annuler la séance et prévenir les finalistes
followups-session-cancelled = Séance annulée le { $when }.
followups-session-cancelled-because = Séance annulée le { $when }. Motif : { $reason }
followups-session-is-cancelled = Cette séance est annulée : elle ne peut plus être modifiée, et personne ne peut y être invité. Rien n'a été modifié.
followups-cancelled-badge = Annulée
followups-attendance-cancelled = Cette séance est annulée : aucune présence ne peut y être relevée.
followups-withdraw = Retirer l'invitation
followups-withdrawn-badge = Invitation retirée.
followups-already-withdrawn = L'invitation de ce finaliste est déjà retirée. Rien n'a été modifié.
followups-changed-subject = Coaching modifié : { $title }
followups-changed-body = La séance de coaching « { $title } » à laquelle votre projet { $reference } est invité a changé. Nouvelle date : { $when } ({ $zone }), durée { $minutes } min. Lieu : { $place }. Détails : { $link }
followups-cancelled-subject = Coaching annulé : { $title }
followups-cancelled-body = La séance de coaching « { $title } » du { $when } ({ $zone }) à laquelle votre projet { $reference } était invité est annulée. Détails : { $link }
followups-cancelled-body-reason = La séance de coaching « { $title } » du { $when } ({ $zone }) à laquelle votre projet { $reference } était invité est annulée. Motif : { $reason }. Détails : { $link }
followups-withdrawn-subject = Invitation retirée : { $title }
followups-withdrawn-body = L'invitation de votre projet { $reference } à la séance de coaching « { $title } » du { $when } ({ $zone }) est retirée par les organisateurs : vous n'êtes plus attendu à cette séance. Vos autres séances : { $link }
followups-reopened-notice = Les organisateurs ont rouvert votre fiche : corrigez vos notes puis soumettez-la de nouveau. Motif :
