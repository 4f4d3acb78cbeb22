-- PostgreSQL's search documents carry the start of each of their words as a word of its own
-- (`directory::rules::Engine::Postgres`): a typed start of a word is then looked up as a
-- word, not as a prefix that makes the index read every word it begins. The documents
-- written before get them here, as `rules::word_starts` cuts them: the words (split on what
-- is not a letter or digit) up to 40 characters, not the filter tokens (`xkind…`, …).
UPDATE actor_search SET body = body || COALESCE((
    SELECT ' ' || string_agg(DISTINCT left(w, n), ' ')
    FROM regexp_split_to_table(body, '[^[:alnum:]]+') AS w,
         generate_series(1, least(length(w), 40)) AS n
    WHERE w <> '' AND w !~ '^x(kind|country|region|stage|sector|womenled|published)'), '');
