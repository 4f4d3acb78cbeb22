## Selection follow-ups: reopening a score sheet, coaching changes, per-track pooling

followups-reopen-title = Reopen a submitted score sheet
followups-reopen-help = The sheet becomes a draft again: the reviewer can change their scores and submit it again. They are told, with the reason. Possible while the round is open and, in the preselection, until the shortlist is locked.
followups-reopen-reviewer = Reviewer's login (e-mail or phone)
followups-reopen-reason = Reason for reopening (sent to the reviewer)
followups-reopen-button = Reopen the sheet
followups-reopen-reason-required = Give the reason for reopening: it is sent to the reviewer and recorded in the log.
followups-reopen-round-not-open = The round is not open (or it is closed): its sheets can no longer be reopened. Nothing was changed.
followups-reopen-shortlist-locked = The shortlist is locked: the sheets it comes from can no longer be reopened. Nothing was changed.
followups-reopen-not-submitted = This reviewer has no submitted sheet for this dossier in this round (never submitted, or already reopened). Nothing was changed.
followups-reopened-subject = Your score sheet for { $reference } has been reopened
followups-reopened-body = Hello,

    The organisers have reopened your score sheet for dossier { $reference }. Reason: { $reason }

    The sheet is a draft again: you can change your scores and submit it again here: { $link }

followups-pooling = Normalisation: mean and spread taken
followups-pooling-round = over every dossier of the round (all tracks together)
followups-pooling-track = per track (each track over its own dossiers)
followups-pooling-help = Can be changed until the round is closed: this choice only changes how the ranking is computed, not the scores.
followups-bad-pooling = Choose one of the two ways of taking the mean and spread.
followups-settings-closed = The round is closed: its ranking is final and its settings can no longer change.
followups-pooling-said-round = The mean m and the spread s are taken over every dossier of the round, all tracks together; m_r and s_r over all of the reviewer's sheets.
followups-pooling-said-track = The mean m and the spread s are taken per track, each over its own dossiers only; m_r and s_r over the reviewer's sheets in that track.
followups-pool-round = Over the { $n } dossiers of the round (all tracks)
followups-pool-track = { $track }: over the { $n } dossiers of the track

followups-edit-session = Edit the session
followups-save-session = Save the changes
followups-edit-help = Invited finalists are told by e-mail or SMS when the date, duration or place changes.
followups-cancel-session = Cancel the session
followups-cancel-reason = Reason (optional, sent to the invited finalists)
followups-cancel-button = Cancel the session and tell the finalists
followups-session-cancelled = Session cancelled on { $when }.
followups-session-cancelled-because = Session cancelled on { $when }. Reason: { $reason }
followups-session-is-cancelled = This session is cancelled: it can no longer be edited, and nobody can be invited to it. Nothing was changed.
followups-cancelled-badge = Cancelled
followups-attendance-cancelled = This session is cancelled: no attendance can be recorded for it.
followups-withdraw = Withdraw the invitation
followups-withdrawn-badge = Invitation withdrawn.
followups-already-withdrawn = This finalist's invitation is already withdrawn. Nothing was changed.
followups-changed-subject = Coaching changed: { $title }
followups-changed-body = The coaching session "{ $title }" your project { $reference } is invited to has changed. New date: { $when } ({ $zone }), { $minutes } min. Place: { $place }. Details: { $link }
followups-cancelled-subject = Coaching cancelled: { $title }
followups-cancelled-body = The coaching session "{ $title }" on { $when } ({ $zone }) your project { $reference } was invited to is cancelled. Details: { $link }
followups-cancelled-body-reason = The coaching session "{ $title }" on { $when } ({ $zone }) your project { $reference } was invited to is cancelled. Reason: { $reason }. Details: { $link }
followups-withdrawn-subject = Invitation withdrawn: { $title }
followups-withdrawn-body = The organisers have withdrawn your project { $reference }'s invitation to the coaching session "{ $title }" on { $when } ({ $zone }): you are no longer expected there. Your other sessions: { $link }
followups-reopened-notice = The organisers reopened your sheet: correct your scores, then submit it again. Reason:
