-- A job's report, one row of import_job_rows per result in the order its run reported them, and
-- the summary in import_jobs.summary: a worker writes the rows as a stream and `jobs show` reads
-- them as one, so that neither holds a large job's report in memory (import_jobs.report kept
-- every row's result in one JSON value, which the worker built whole). Reports kept before move
-- to the new shape.

-- +goose Up
CREATE TABLE import_job_rows (
    import_id bigint  NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    line      integer NOT NULL,
    public_id text    NOT NULL,
    status    text    NOT NULL,
    shop_id   text    NOT NULL,
    error     text    NOT NULL,
    PRIMARY KEY (import_id, seq)
);
ALTER TABLE import_jobs ADD COLUMN summary jsonb;
INSERT INTO import_job_rows (import_id, seq, line, public_id, status, shop_id, error)
SELECT j.id, r.seq, (r.result->>'Line')::integer, r.result->>'PublicID', r.result->>'Status',
       coalesce(r.result->>'ShopID', ''), coalesce(r.result->>'Error', '')
FROM import_jobs j,
     -- A run that ended before its first row kept "rows": null.
     jsonb_array_elements(coalesce(nullif(convert_from(j.report, 'UTF8')::jsonb -> 'rows', 'null'), '[]')) WITH ORDINALITY AS r(result, seq)
WHERE j.report IS NOT NULL;
UPDATE import_jobs SET summary = convert_from(report, 'UTF8')::jsonb -> 'summary' WHERE report IS NOT NULL;
ALTER TABLE import_jobs DROP COLUMN report;

-- +goose Down
ALTER TABLE import_jobs ADD COLUMN report bytea;
UPDATE import_jobs j SET report = convert_to(jsonb_build_object(
    'rows', coalesce((SELECT jsonb_agg(jsonb_build_object('Line', r.line, 'PublicID', r.public_id, 'Status', r.status,
                                                          'ShopID', r.shop_id, 'Error', r.error, 'Row', NULL) ORDER BY r.seq)
                      FROM import_job_rows r WHERE r.import_id = j.id), '[]'::jsonb),
    'summary', j.summary)::text, 'UTF8')
WHERE j.summary IS NOT NULL;
ALTER TABLE import_jobs DROP COLUMN summary;
DROP TABLE import_job_rows;
