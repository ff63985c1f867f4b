-- The engine tests' data, generated in the engine (deterministic: no random()), then exported
-- as CSV for mlgate to profile locally. :rows is set by psql -v rows=N.
DROP TABLE IF EXISTS train;
DROP TABLE IF EXISTS serving;
CREATE TABLE train AS
SELECT
  i AS id,
  -- normal by Box–Muller from two hashed uniforms
  sqrt(-2 * ln(u1)) * cos(2 * pi() * u2) * 10 + 50 AS x,
  (i::bigint * 7919) % 1000 AS n_int,
  CASE WHEN i % 10 < 3 THEN 1 ELSE 0 END AS flag,
  CASE WHEN i % 97 = 0 THEN NULL WHEN i % 5 = 0 THEN 'Berlin' WHEN i % 5 = 1 THEN 'Lagos' WHEN i % 5 = 2 THEN 'Lima' ELSE 'Osaka' END AS city,
  CASE WHEN i % 211 = 0 THEN 'NaN'::float8 WHEN i % 307 = 0 THEN 'Infinity'::float8 WHEN i % 401 = 0 THEN NULL ELSE u1 * 100 END AS y,
  (i % 3 = 0) AS ok,
  TIMESTAMP '2026-01-01' + i * INTERVAL '1 minute' AS ts
FROM (
  SELECT i,
    abs(sin(i * 12.9898) * 43758.5453) - floor(abs(sin(i * 12.9898) * 43758.5453)) * 1 + 1e-12 AS u1r,
    abs(sin(i * 78.233) * 12345.6789) - floor(abs(sin(i * 78.233) * 12345.6789)) AS u2
  FROM generate_series(1, :rows) AS g(i)
) s, LATERAL (SELECT least(u1r, 1.0) AS u1) l;

-- Serving: x shifted by a third of a standard deviation, a new city, fewer flags.
CREATE TABLE serving AS
SELECT id, x + 3.5 AS x, n_int, CASE WHEN id % 10 < 2 THEN 1 ELSE 0 END AS flag,
  CASE WHEN id % 13 = 0 THEN 'Quito' ELSE city END AS city, y, ok, ts
FROM train WHERE id % 2 = 0;
