## What the verification guarantees, on the public results and certificates, and its verdict
## on the administrators' audit page.

results-how-to-verify = Comment vérifier ces résultats ?
results-short-seal = Code de vérification :
results-verify-command = Pour les techniciens : sur le serveur, la commande suivante compare les données au journal et nomme toute différence :
results-seal = Sceau du journal
results-guarantee = Chaque note, chaque décision d'éligibilité, la liste des finalistes et chaque publication des résultats sont enregistrées dans un journal scellé. Toute modification ultérieure des notes, des décisions ou des résultats est détectée lors de la vérification. Le sceau ci-dessous résume ce journal au moment de la publication : si quelqu'un réécrivait le journal lui-même, ce sceau ne correspondrait plus.
audit-data-intact = Les données jugées (notes, décisions d'éligibilité, liste des finalistes, résultats, chronométrage de la finale) correspondent au journal.
audit-data-differs = Les données jugées DIFFÈRENT du journal (écarts : { $n }) :
audit-data-mismatch = { $table } n° { $id }, champ { $field } : enregistré { $stored }, selon le journal { $expected }
