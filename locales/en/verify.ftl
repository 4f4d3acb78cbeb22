## What the verification guarantees, on the public results and certificates, and its verdict
## on the administrators' audit page.

results-how-to-verify = How can these results be verified?
results-short-seal = Verification code:
results-verify-command = For technicians: on the server, this command compares the data with the record and names any difference:
results-seal = Record seal
results-guarantee = Every score, every eligibility decision, the list of finalists and every publication of the results are written to a sealed record. Any later change to the scores, the decisions or the results is detected when the record is verified. The seal below sums up the record at the time of publication: if anyone rewrote the record itself, this seal would no longer match.
audit-data-intact = The judged data (scores, eligibility decisions, list of finalists, results, timing of the final) matches the log.
audit-data-differs = The judged data DIFFERS from the log (differences: { $n }):
audit-data-mismatch = { $table } id { $id }, field { $field }: stored { $stored }, the log says { $expected }
