-- A workload for SQLite's shell, run under kvmrun and on the host
-- (tests/e2e/thirdparty.bats): the outputs must be identical.
PRAGMA temp_store = MEMORY; -- there are no files for temporary tables
.headers on
.mode list
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, grp INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO t SELECT i, printf('name-%05d', (i * 7919) % 50000), (i * 37 % 1000) / 7.0, i % 13 FROM n;
CREATE INDEX t_name ON t(name);
SELECT count(*), sum(id), round(avg(score), 6), min(name), max(name) FROM t;
SELECT grp, count(*), round(sum(score), 3), round(avg(score * score) - avg(score) * avg(score), 6)
FROM t GROUP BY grp ORDER BY grp;
SELECT name, score, rank() OVER (ORDER BY score DESC, id) AS r FROM t WHERE grp = 3 ORDER BY r LIMIT 5;
SELECT printf('%.10f %e %g', 1.0 / 3, 6.02214076e23, 1e-300 * 1e-10), 0.1 + 0.2, 1e308 * 10;
SELECT json_object('a', 1, 'b', json_array(1, 2.5, 'x', null)), json_extract('{"k":[3,4,5]}', '$.k[1]');
SELECT date('2026-01-31', '+1 month'), strftime('%Y-%j %H:%M', '2024-02-29 23:59:59', '+1 second');
SELECT upper('kvmrun'), substr('virtual machine', 9), replace('a-b-c', '-', '+'), length(zeroblob(1000)), hex('x');
SELECT group_concat(id, ',') FROM (SELECT id FROM t WHERE name LIKE 'name-0000%' ORDER BY id);
CREATE TABLE big AS SELECT id, randomblob(0) AS b, name || name || name AS s FROM t;
SELECT count(*), sum(length(s)) FROM big;
DELETE FROM big WHERE id % 2 = 0;
VACUUM;
SELECT count(*) FROM big;
SELECT * FROM pragma_integrity_check;
